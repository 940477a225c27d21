import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

const STOPS = new Set(['StopLogging', 'DeleteTrail']);

/** The CloudTrail calls that stop, delete or narrow a trail (watched here and by `tampering-denied`). */
export const TRAIL_TAMPERING_CALLS = ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'];

/**
 * CloudTrail stopped or reconfigured. Stopping or deleting a trail is critical (iamwatch itself goes
 * blind); updates and event-selector changes are high because they can quietly narrow what is logged.
 */
export const cloudtrailLoggingStopped = defineDetection({
  id: 'cloudtrail-logging-stopped',
  title: (e) => {
    const verb: Record<string, string> = {
      StopLogging: 'stopped',
      DeleteTrail: 'deleted',
      UpdateTrail: 'updated',
      PutEventSelectors: 'had its event selectors changed',
    };
    return `CloudTrail trail ${targetLabel(e.target)} ${verb[e.eventName] ?? 'changed'} by ${actorLabel(e.actor)}`;
  },
  severity: 'critical',
  severities: ['critical', 'high'],
  severityOf: (e) => (STOPS.has(e.eventName) ? 'critical' : 'high'),
  description:
    'A CloudTrail trail was stopped or deleted (critical), or updated / its event selectors changed ' +
    '(high). EventBridge only receives API events while a trail logs, so stopping the organization ' +
    'trail blinds iamwatch as well as the audit log.',
  runbook: [
    'Restart logging immediately if it was stopped (StartLogging) or recreate the trail.',
    'For updates: compare the trail configuration and event selectors with the baseline (management events, all regions).',
    'Everything between stop and restart is unobserved: review the actor and any activity you can find (S3 data, Config, GuardDuty).',
  ],
  references: [
    apiReference.cloudTrail('StopLogging'),
    apiReference.cloudTrail('DeleteTrail'),
    apiReference.cloudTrail('PutEventSelectors'),
  ],
  mitre: [ATTACK.disableCloudLogs],
  falsePositives: ['Planned trail migrations (e.g. to an organization trail) by the platform team.'],
  trigger: {
    sources: ['aws.cloudtrail'],
    eventNames: TRAIL_TAMPERING_CALLS,
  },
  match: (e) => succeeded(e),
});
