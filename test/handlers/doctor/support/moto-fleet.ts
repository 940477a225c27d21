/**
 * A healthy iamwatch fleet in moto_server, as the stacks would leave it: an organization with a
 * management account (moto's default, which also plays the security account) and two members, the
 * forwarder StackSet with instances in every member × region, the forwarder rules on each account's
 * default bus (members reached through AssumeRole, which moto answers with that account's
 * credentials), the central bus with its closed policy and rules, empty dead-letter queues, an alarm
 * in OK, a configured Slack secret and confirmed subscriptions on both topics.
 */
import {
  CloudFormationClient,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutPermissionCommand,
  PutRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { expectedForwarderRules } from '../../../../handlers/doctor/forwarder-checks';
import { centralRuleName } from '../../../../rules/placement';
import {
  assumeRoleIn,
  createMotoOrganization,
  MOTO_DEFAULT_ACCOUNT,
  type MotoServer,
} from '../../../support/moto';
import { PATTERNS, PLACEMENT, REGIONS } from './fleet';

export const ROLE_NAME = 'iamwatch-audit-read';
export const WEBHOOK = 'https://hooks.slack.com/services/T0000/B0000/abcdefghijklmnop';
const QUEUES = ['iamwatch-record-failures', 'iamwatch-notify-failures', 'iamwatch-alarm-rule-dlq'];
export const ALARM = 'iamwatch-record-failures-not-empty';
export const SLACK_SECRET = 'iamwatch/slack/security';

export interface MotoFleet {
  managementAccountId: string;
  organizationId: string;
  members: { accountId: string; accountName: string }[];
  /** Static credentials of a role session in `accountId` (the management account: the defaults). */
  credentialsOf(
    accountId: string,
  ): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;
  /** A client config for `accountId` in `region`. */
  configFor(accountId: string, region?: string): Promise<ReturnType<MotoServer['clientConfig']>>;
  queueUrl(name: string): string;
}

export async function buildMotoFleet(moto: MotoServer): Promise<MotoFleet> {
  const home = moto.clientConfig();
  const organization = await createMotoOrganization(moto);
  const members: MotoFleet['members'] = [];
  for (const name of ['payments-prod', 'sandbox-dev']) {
    members.push({ accountId: await organization.createAccount(name), accountName: name });
  }
  const { rootId } = organization;
  organization.close();

  const sessions = new Map<string, Awaited<ReturnType<MotoFleet['credentialsOf']>>>();
  const credentialsOf: MotoFleet['credentialsOf'] = async (accountId) => {
    if (accountId === MOTO_DEFAULT_ACCOUNT) return home.credentials;
    const known = sessions.get(accountId);
    if (known) return known;
    const credentials = await assumeRoleIn(moto, accountId, ROLE_NAME);
    sessions.set(accountId, credentials);
    return credentials;
  };
  const configFor: MotoFleet['configFor'] = async (accountId, region = 'us-east-1') => ({
    ...moto.clientConfig(region),
    credentials: (await credentialsOf(accountId)) as typeof home.credentials,
  });

  const cloudFormation = new CloudFormationClient(home);
  await cloudFormation.send(
    new CreateStackSetCommand({
      StackSetName: 'iamwatch-forwarders',
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: 'SELF',
      TemplateBody: JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic' } } }),
    }),
  );
  await cloudFormation.send(
    new CreateStackInstancesCommand({
      StackSetName: 'iamwatch-forwarders',
      DeploymentTargets: { OrganizationalUnitIds: [rootId] },
      Regions: REGIONS,
      CallAs: 'SELF',
    }),
  );
  cloudFormation.destroy();

  for (const accountId of [MOTO_DEFAULT_ACCOUNT, ...members.map((m) => m.accountId)]) {
    for (const region of REGIONS) {
      const events = new EventBridgeClient(await configFor(accountId, region));
      for (const rule of expectedForwarderRules(PATTERNS, region, PLACEMENT, 'iamwatch')) {
        await events.send(
          new PutRuleCommand({
            Name: rule.name,
            State: rule.state as 'ENABLED',
            EventPattern: JSON.stringify(rule.pattern),
          }),
        );
      }
      events.destroy();
    }
  }

  const events = new EventBridgeClient(home);
  await events.send(new CreateEventBusCommand({ Name: 'iamwatch-central' }));
  await events.send(
    new PutPermissionCommand({
      EventBusName: 'iamwatch-central',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ForwarderRolesMayPutEvents',
            Effect: 'Allow',
            Principal: '*',
            Action: 'events:PutEvents',
            Resource: `arn:aws:events:us-east-1:${MOTO_DEFAULT_ACCOUNT}:event-bus/iamwatch-central`,
            Condition: {
              StringEquals: { 'aws:PrincipalOrgID': organization.organizationId },
              ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/iamwatch-forwarder-*' },
            },
          },
        ],
      }),
    }),
  );
  for (const derived of PATTERNS) {
    await events.send(
      new PutRuleCommand({
        Name: centralRuleName('iamwatch', derived.name),
        EventBusName: 'iamwatch-central',
        State: derived.state ?? 'ENABLED',
        EventPattern: JSON.stringify(derived.pattern),
      }),
    );
  }
  events.destroy();

  const sqs = new SQSClient(home);
  for (const name of QUEUES) await sqs.send(new CreateQueueCommand({ QueueName: name }));
  sqs.destroy();
  const cloudWatch = new CloudWatchClient(home);
  await cloudWatch.send(
    new PutMetricAlarmCommand({
      AlarmName: ALARM,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: 'iamwatch-record-failures' }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    }),
  );
  // moto starts a new alarm in ALARM; a deployed one with an empty queue is OK.
  await cloudWatch.send(
    new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: 'OK', StateReason: 'queue empty' }),
  );
  cloudWatch.destroy();
  const secrets = new SecretsManagerClient(home);
  await secrets.send(new CreateSecretCommand({ Name: SLACK_SECRET, SecretString: WEBHOOK }));
  secrets.destroy();
  const sns = new SNSClient(home);
  for (const topic of ['iamwatch-alerts', 'iamwatch-operations']) {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: topic }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'email', Endpoint: 'security@example.com' }));
  }
  sns.destroy();

  return {
    managementAccountId: MOTO_DEFAULT_ACCOUNT,
    organizationId: organization.organizationId,
    members,
    credentialsOf,
    configFor,
    queueUrl: (name) => `${moto.endpoint}/${MOTO_DEFAULT_ACCOUNT}/${name}`,
  };
}
