import { lastArnSegment } from '../arn';
import { actors, apiCall } from '../examples';
import type { DetectionContext, NormalisedEvent } from '../types';
import {
  ATTACK,
  actorLabel,
  apiReference,
  attackReference,
  defineDetection,
  succeeded,
  targetLabel,
} from './define';

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

/** iamwatch's own pipeline is being dismantled: forwarder/central rules, Lambdas, ledger table, alert topic. */
export const monitorTampered = defineDetection({
  id: 'monitor-tampered',
  title: (e) =>
    `iamwatch resource ${targetLabel(e.target)} tampered with: ${e.eventName} by ${actorLabel(e.actor)}`,
  severity: 'critical',
  description:
    "A call disabled, deleted or reconfigured one of iamwatch's own resources (names starting with the " +
    'configured monitor prefix, default "iamwatch"): EventBridge rules and buses (DisableRule, DeleteRule, ' +
    'RemoveTargets, PutRule with State DISABLED, DeleteEventBus, RemovePermission), the Lambda functions ' +
    '(delete, new code or configuration, permission removed, concurrency set to 0, event source mapping ' +
    'disabled or deleted), the ledger table (DeleteTable, UpdateTable switching off the stream or deletion ' +
    'protection) and the alert topic (DeleteTopic, Unsubscribe, topic/subscription attribute changes, ' +
    'RemovePermission). Attackers blind monitoring before acting.',
  runbook: [
    '1. Redeploy iamwatch (`cdk deploy`) to restore the resource; check `iamwatch doctor`.',
    '2. Confirm with the platform team whether a deployment was in progress (CloudFormation changes are labelled automation).',
    '3. Treat the gap as unobserved: replay CloudTrail for the period (`iamwatch backfill`), and investigate the actor.',
  ].join('\n'),
  references: [
    apiReference.eventBridge('DisableRule'),
    apiReference.lambda('DeleteFunction'),
    apiReference.dynamodb('UpdateTable'),
    apiReference.sns('Unsubscribe'),
    attackReference(ATTACK.disableTools),
  ],
  mitre: [ATTACK.disableTools, ATTACK.disableCloudLogs],
  falsePositives: [
    'iamwatch deployments and teardown through CloudFormation (labelled automation, lowered to high).',
    'Other resources whose names happen to start with the monitor prefix.',
  ],
  trigger: [
    { sources: ['aws.events'], eventNames: EVENTS_CALLS },
    { sources: ['aws.lambda'], eventNames: LAMBDA_CALLS },
    { sources: ['aws.dynamodb'], eventNames: DYNAMODB_CALLS },
    { sources: ['aws.sns'], eventNames: SNS_CALLS },
  ],
  match: (e, ctx) => succeeded(e) && isTamperingForm(e) && aimsAtMonitor(e, ctx),
  examples: [
    {
      name: 'the forwarder rule disabled',
      expect: true,
      event: apiCall('events.amazonaws.com', 'DisableRule', {
        request: { name: 'iamwatch-forward-iam', eventBusName: 'default' },
      }),
    },
    {
      name: 'a target removed from a rule on the central bus',
      expect: true,
      event: apiCall('events.amazonaws.com', 'RemoveTargets', {
        request: { rule: 'RecordRule-1A2B3C', eventBusName: 'iamwatch-central', ids: ['record'] },
      }),
    },
    {
      name: 'the record function deleted (CloudFormation-style name)',
      expect: true,
      event: apiCall('lambda.amazonaws.com', 'DeleteFunction20150331', {
        request: { functionName: 'IamWatch-Central-RecordFunction-8XKQ2' },
      }),
    },
    {
      name: 'the ledger stream switched off',
      expect: true,
      event: apiCall('dynamodb.amazonaws.com', 'UpdateTable', {
        request: { tableName: 'iamwatch-ledger', streamSpecification: { streamEnabled: false } },
      }),
    },
    {
      name: 'the on-call subscription removed',
      expect: true,
      event: apiCall('sns.amazonaws.com', 'Unsubscribe', {
        request: {
          subscriptionArn:
            'arn:aws:sns:us-east-1:111122223333:iamwatch-alerts:7f0c1a52-0f2e-4b55-9d8a-1f0e4c2b9a11',
        },
      }),
    },
    {
      name: 'the same DisableRule on an unrelated rule (near miss)',
      expect: false,
      event: apiCall('events.amazonaws.com', 'DisableRule', {
        actor: actors.bob,
        request: { name: 'nightly-report', eventBusName: 'default' },
      }),
    },
    {
      name: 'a capacity change on the ledger table is not tampering',
      expect: false,
      event: apiCall('dynamodb.amazonaws.com', 'UpdateTable', {
        request: { tableName: 'iamwatch-ledger', billingMode: 'PAY_PER_REQUEST' },
      }),
    },
    {
      name: 'a custom monitor prefix is honoured',
      expect: false,
      context: { monitorResourcePrefix: 'secmon' },
      event: apiCall('events.amazonaws.com', 'DeleteRule', { request: { name: 'iamwatch-forward-iam' } }),
    },
  ],
});
