import { actors, apiCall, assumedRole, defineExamples, eventBridgeCall } from '../examples';
import { monitorTampered } from './monitor-tampered';

/** The CDK CloudFormation execution role, configured as a deployment principal in the examples below. */
const CDK_EXEC_ROLE_PATTERN = 'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*';

export const monitorTamperedExamples = defineExamples(monitorTampered, [
  {
    name: 'the forwarder rule disabled',
    expect: true,
    event: eventBridgeCall('DisableRule', {
      request: { name: 'iamwatch-forward-iam', eventBusName: 'default' },
    }),
  },
  {
    name: 'a target removed from a rule on the central bus',
    expect: true,
    event: eventBridgeCall('RemoveTargets', {
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
    name: 'a forwarder rule deleted in eu-north-1 by someone outside CloudFormation',
    expect: true,
    severity: 'critical',
    context: { deploymentPrincipals: [CDK_EXEC_ROLE_PATTERN] },
    event: eventBridgeCall('DeleteRule', {
      actor: actors.bob,
      region: 'eu-north-1',
      request: { name: 'iamwatch-fwd-events-1' },
    }),
  },
  {
    name: 'iamwatch deploying itself: its CDK execution role replaces a rule through CloudFormation (recorded low)',
    expect: true,
    severity: 'low',
    context: { deploymentPrincipals: [CDK_EXEC_ROLE_PATTERN] },
    event: eventBridgeCall('DeleteRule', {
      actor: actors.cloudformation,
      request: { name: 'iamwatch-signin-1', eventBusName: 'iamwatch-central' },
    }),
  },
  {
    name: 'the deployment role used by hand, outside CloudFormation, is no deployment (near miss: still critical)',
    expect: true,
    severity: 'critical',
    context: { deploymentPrincipals: [CDK_EXEC_ROLE_PATTERN] },
    event: eventBridgeCall('DisableRule', {
      actor: assumedRole('cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1', 'mallory'),
      request: { name: 'iamwatch-fwd-iam-1' },
    }),
  },
  {
    name: 'CloudFormation with a role that is not a deployment principal stays paged (near miss: high)',
    expect: true,
    severity: 'high',
    context: { deploymentPrincipals: ['arn:aws:iam::*:role/stacksets-exec-*'] },
    event: eventBridgeCall('DeleteRule', {
      actor: actors.cloudformation,
      request: { name: 'iamwatch-fwd-iam-1' },
    }),
  },
  {
    name: 'the same DisableRule on an unrelated rule (near miss)',
    expect: false,
    event: eventBridgeCall('DisableRule', {
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
    event: eventBridgeCall('DeleteRule', { request: { name: 'iamwatch-forward-iam' } }),
  },
]);
