import { TRAIL_TAMPERING_CALLS } from './cloudtrail-logging-stopped';
import { ATTACK, actorLabel, apiReference, defineDetection, isAccessDenied, targetLabel } from './define';
import { isMonitorTampering, MONITOR_TAMPERING_TRIGGERS } from './monitor-tampered';

const TRAIL_CALLS = new Set(TRAIL_TAMPERING_CALLS);

/**
 * Someone tried to blind logging or iamwatch and was refused. The refusal means the guard rails held,
 * but an attempt at defence evasion is rarely innocent and usually comes right before the real action.
 */
export const tamperingDenied = defineDetection({
  id: 'tampering-denied',
  title: (e) =>
    `${actorLabel(e.actor)} was denied ${e.eventName} on ${targetLabel(e.target)} (${e.errorCode ?? 'AccessDenied'})`,
  severity: 'high',
  description:
    'A call that would stop, delete or narrow a CloudTrail trail (StopLogging, DeleteTrail, UpdateTrail, ' +
    "PutEventSelectors) or dismantle one of iamwatch's own resources (the calls `monitor-tampered` " +
    'watches) failed with AccessDenied: an SCP or a permission boundary stopped it. Attackers try to ' +
    'blind monitoring before acting; the denial is the early warning.',
  runbook: [
    'Identify the actor and session (`iamwatch history --actor …`): who tried, from which IP and tool?',
    'Look for what the same principal did right before and after: a denied StopLogging is often followed by other attempts.',
    'If it was not a planned change by the platform team, revoke the sessions and investigate the credentials.',
  ],
  references: [apiReference.cloudTrail('StopLogging'), apiReference.eventBridge('DisableRule')],
  mitre: [ATTACK.disableCloudLogs, ATTACK.disableTools],
  falsePositives: [
    'A platform engineer migrating trails from an account where an SCP protects them.',
    'Console pages that try a trail update the viewer may not make.',
  ],
  trigger: [
    { sources: ['aws.cloudtrail'], eventNames: TRAIL_TAMPERING_CALLS },
    ...MONITOR_TAMPERING_TRIGGERS,
  ],
  match: (e, ctx) =>
    e.result === 'failure' &&
    isAccessDenied(e.errorCode) &&
    (TRAIL_CALLS.has(e.eventName) || isMonitorTampering(e, ctx)),
});
