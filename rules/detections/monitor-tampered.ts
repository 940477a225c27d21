import { lastArnSegment } from '../arn';
import { isPrincipalIn } from '../normalise';
import type { DetectionContext, NormalisedEvent, Severity } from '../types';
import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

const EVENTS_CALLS = [
  'DisableRule',
  'DeleteRule',
  'RemoveTargets',
  'PutRule',
  'DeleteEventBus',
  'RemovePermission',
];
/** Lambda logs API-versioned event names; both spellings are listed where CloudTrail used both. */
const LAMBDA_CALLS = [
  'DeleteFunction',
  'DeleteFunction20150331',
  'UpdateFunctionCode',
  'UpdateFunctionCode20150331',
  'UpdateFunctionCode20150331v2',
  'UpdateFunctionConfiguration',
  'UpdateFunctionConfiguration20150331',
  'UpdateFunctionConfiguration20150331v2',
  'RemovePermission20150331',
  'RemovePermission20150331v2',
  'PutFunctionConcurrency20171031',
  'DeleteEventSourceMapping20150331',
  'UpdateEventSourceMapping20150331',
];
const DYNAMODB_CALLS = ['DeleteTable', 'UpdateTable'];
const SNS_CALLS = [
  'DeleteTopic',
  'Unsubscribe',
  'SetTopicAttributes',
  'SetSubscriptionAttributes',
  'RemovePermission',
];

function fieldOf(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Calls that only tamper in some forms: a rule rewritten as DISABLED, a function throttled to zero,
 * its trigger disabled, the table's stream or deletion protection switched off. Every other listed
 * call on a monitor resource is tampering outright (delete, remove target or permission, new code,
 * new configuration, topic/subscription attribute changes).
 */
function isTamperingForm(e: NormalisedEvent): boolean {
  switch (e.eventName) {
    case 'PutRule':
      return e.request.state === 'DISABLED';
    case 'PutFunctionConcurrency20171031':
      return e.request.reservedConcurrentExecutions === 0;
    case 'UpdateEventSourceMapping20150331':
      return e.request.enabled === false;
    case 'UpdateTable':
      return (
        fieldOf(e.request.streamSpecification, 'streamEnabled') === false ||
        e.request.deletionProtectionEnabled === false
      );
    default:
      return true;
  }
}

/**
 * Whether the call is aimed at iamwatch: the resource (or, for EventBridge, the bus it sits on) is
 * named with the monitor prefix. Case-insensitive, because CloudFormation derives physical names
 * from stack names in whatever case they were written (`IamWatch-Central-RecordFn…`).
 */
function aimsAtMonitor(e: NormalisedEvent, ctx: DetectionContext): boolean {
  const prefix = ctx.monitorResourcePrefix.toLowerCase();
  const bus = typeof e.request.eventBusName === 'string' ? e.request.eventBusName : undefined;
  const names = [e.target?.name, lastArnSegment(bus)];
  return names.some((name) => !!name && name.toLowerCase().startsWith(prefix));
}

/** The calls on iamwatch's own resources this detection (and `tampering-denied`) watches. */
export const MONITOR_TAMPERING_TRIGGERS = [
  { sources: ['aws.events'], eventNames: EVENTS_CALLS },
  { sources: ['aws.lambda'], eventNames: LAMBDA_CALLS },
  { sources: ['aws.dynamodb'], eventNames: DYNAMODB_CALLS },
  { sources: ['aws.sns'], eventNames: SNS_CALLS },
];

/** Whether the call, in the form it was made, would dismantle iamwatch (whatever its outcome). */
export function isMonitorTampering(e: NormalisedEvent, ctx: DetectionContext): boolean {
  return isTamperingForm(e) && aimsAtMonitor(e, ctx);
}

/**
 * iamwatch deploying itself: a configured deployment principal (`deployment.principals`) acting through
 * CloudFormation, as `cdk deploy` and StackSet updates do. The same principal outside CloudFormation
 * (a person who assumed the execution role) is not a deployment.
 */
function isOwnDeployment(e: NormalisedEvent, ctx: DetectionContext): boolean {
  const throughCloudFormation =
    e.actor.invokedBy === 'cloudformation.amazonaws.com' || e.via === 'cloudformation';
  return throughCloudFormation && isPrincipalIn(e.actor, ctx.deploymentPrincipals ?? []);
}

/**
 * Expected deployments are recorded `low`: `medium` when the event is automation (the engine steps
 * automation down once), `low` when only the user agent showed CloudFormation.
 */
function tamperingSeverity(e: NormalisedEvent, ctx: DetectionContext): Severity {
  if (!isOwnDeployment(e, ctx)) return 'critical';
  return e.automation ? 'medium' : 'low';
}

/** iamwatch's own pipeline is being dismantled: forwarder/central rules, Lambdas, ledger table, alert topic. */
export const monitorTampered = defineDetection({
  id: 'monitor-tampered',
  title: (e, ctx) =>
    isOwnDeployment(e, ctx)
      ? `iamwatch resource ${targetLabel(e.target)} changed by its own deployment: ${e.eventName} by ${actorLabel(e.actor)}`
      : `iamwatch resource ${targetLabel(e.target)} tampered with: ${e.eventName} by ${actorLabel(e.actor)}`,
  severity: 'critical',
  severities: ['critical', 'medium', 'low'],
  severityOf: tamperingSeverity,
  description:
    "A call disabled, deleted or reconfigured one of iamwatch's own resources (names starting with the " +
    'configured monitor prefix, default "iamwatch"): EventBridge rules and buses (DisableRule, DeleteRule, ' +
    'RemoveTargets, PutRule with State DISABLED, DeleteEventBus, RemovePermission), the Lambda functions ' +
    '(delete, new code or configuration, permission removed, concurrency set to 0, event source mapping ' +
    'disabled or deleted), the ledger table (DeleteTable, UpdateTable switching off the stream or deletion ' +
    'protection) and the alert topic (DeleteTopic, Unsubscribe, topic/subscription attribute changes, ' +
    'RemovePermission). Attackers blind monitoring before acting.',
  runbook: [
    'Redeploy iamwatch (`cdk deploy`) to restore the resource; check `iamwatch doctor`.',
    'Confirm with the platform team whether a deployment was in progress (CloudFormation changes are labelled automation).',
    'Treat the gap as unobserved: replay CloudTrail for the period (`iamwatch backfill`), and investigate the actor.',
  ],
  references: [
    apiReference.eventBridge('DisableRule'),
    apiReference.lambda('DeleteFunction'),
    apiReference.dynamodb('UpdateTable'),
    apiReference.sns('Unsubscribe'),
  ],
  mitre: [ATTACK.disableTools, ATTACK.disableCloudLogs],
  falsePositives: [
    'iamwatch deployments through CloudFormation by a configured deployment principal (`deployment.principals`) are expected: recorded low, never paged.',
    'Other deployments and teardown through CloudFormation (labelled automation, lowered to high).',
    'Other resources whose names happen to start with the monitor prefix.',
  ],
  trigger: MONITOR_TAMPERING_TRIGGERS,
  match: (e, ctx) => succeeded(e) && isMonitorTampering(e, ctx),
});
