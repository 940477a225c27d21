/**
 * The fleet checks' ports over the real SDK clients, built from the standard configuration
 * (`AWS_ENDPOINT_URL`, profiles) plus the command's settings: adaptive retries for throttling, and in
 * member accounts the credentials of a role assumed there (once per account, reused by every region).
 */
import {
  CloudFormationClient,
  type CloudFormationClientConfig,
  paginateListStackInstances,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import { DescribeEventBusCommand, EventBridgeClient, ListRulesCommand } from '@aws-sdk/client-eventbridge';
import {
  GetSecretValueCommand,
  paginateListSecrets,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { paginateListSubscriptionsByTopic, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, paginateListQueues, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { assumeRoleCredentials, type SdkSettings } from '../backfill/client';
import type { CentralPort, QueueDepth } from './central-checks';
import type { EventRule, ForwarderPort } from './forwarder-checks';
import type { NotificationPort } from './notification-checks';
import type { StackInstance, StackSetPort } from './stackset-checks';

/** Session name of the doctor's assumed roles, so its reads are recognisable in CloudTrail. */
const DOCTOR_SESSION_NAME = 'iamwatch-doctor';
const DEFAULT_MAX_ATTEMPTS = 8;
/** Assumed credentials are fetched again this long before they expire. */
const CREDENTIAL_MARGIN_MS = 5 * 60_000;

type Credentials = NonNullable<CloudFormationClientConfig['credentials']>;

interface ClientConfig {
  region: string;
  maxAttempts: number;
  retryMode?: string;
  retryStrategy?: SdkSettings['retryStrategy'];
  endpoint?: string;
  credentials?: Credentials;
}

/** Runs `use` on a client made for it, destroyed afterwards. */
async function withClient<C extends { destroy(): void }, R>(
  client: C,
  use: (client: C) => Promise<R>,
): Promise<R> {
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

function clientConfig(settings: SdkSettings, region: string, credentials?: Credentials): ClientConfig {
  const config: ClientConfig = { region, maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS };
  if (settings.retryStrategy) config.retryStrategy = settings.retryStrategy;
  else config.retryMode = 'adaptive';
  if (settings.endpoint) config.endpoint = settings.endpoint;
  const chosen = credentials ?? settings.credentials;
  if (chosen) config.credentials = chosen;
  return config;
}

/** ListStackInstances of the forwarder StackSet, as its owner (SELF) or a delegated administrator. */
export function stackSetPort(
  settings: SdkSettings,
  region: string,
  callAs: 'SELF' | 'DELEGATED_ADMIN',
): StackSetPort {
  return {
    async listStackInstances(stackSetName) {
      return withClient(new CloudFormationClient(clientConfig(settings, region)), async (client) => {
        const instances: StackInstance[] = [];
        for await (const page of paginateListStackInstances(
          { client },
          { StackSetName: stackSetName, CallAs: callAs },
        )) {
          for (const summary of page.Summaries ?? []) {
            if (!summary.Account || !summary.Region) continue;
            const instance: StackInstance = { account: summary.Account, region: summary.Region };
            if (summary.Status) instance.status = summary.Status;
            if (summary.StackInstanceStatus?.DetailedStatus)
              instance.detailedStatus = summary.StackInstanceStatus.DetailedStatus;
            if (summary.StatusReason) instance.statusReason = summary.StatusReason;
            instances.push(instance);
          }
        }
        return instances;
      });
    },
  };
}

async function listRules(
  client: EventBridgeClient,
  namePrefix: string,
  busName?: string,
): Promise<EventRule[]> {
  const rules: EventRule[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListRulesCommand({
        NamePrefix: namePrefix,
        NextToken: token,
        ...(busName ? { EventBusName: busName } : {}),
      }),
    );
    for (const rule of page.Rules ?? []) {
      if (!rule.Name) continue;
      const found: EventRule = { name: rule.Name };
      if (rule.State) found.state = rule.State;
      if (rule.EventPattern) found.eventPattern = rule.EventPattern;
      rules.push(found);
    }
    token = page.NextToken;
  } while (token);
  return rules;
}

/**
 * The rules on each member account's default bus, through `roleName` assumed in that account (the
 * caller's own credentials for `ownAccountId`, which needs no role).
 */
export function forwarderPort(settings: SdkSettings, roleName: string, ownAccountId?: string): ForwarderPort {
  const credentials = new Map<string, Credentials>();
  const credentialsFor = (accountId: string): Credentials | undefined => {
    if (accountId === ownAccountId) return undefined;
    let provider = credentials.get(accountId);
    if (!provider) {
      provider = reuse(
        assumeRoleCredentials(`arn:aws:iam::${accountId}:role/${roleName}`, {
          ...settings,
          region: 'us-east-1',
          sessionName: DOCTOR_SESSION_NAME,
        }),
      );
      credentials.set(accountId, provider);
    }
    return provider;
  };
  return {
    async listRules(accountId, region, namePrefix) {
      return withClient(
        new EventBridgeClient(clientConfig(settings, region, credentialsFor(accountId))),
        (client) => listRules(client, namePrefix),
      );
    },
  };
}

/** One AssumeRole per account for the whole run, again only shortly before the session ends. */
function reuse(provider: Credentials): Credentials {
  if (typeof provider !== 'function') return provider;
  let pending: ReturnType<typeof provider> | undefined;
  return async () => {
    const held = pending ? await pending.catch(() => undefined) : undefined;
    if (!held || (held.expiration && held.expiration.getTime() - Date.now() < CREDENTIAL_MARGIN_MS)) {
      pending = provider();
    }
    return pending as ReturnType<typeof provider>;
  };
}

/** The security account's bus, rules, queues and alarms. */
export function centralPort(settings: SdkSettings, region: string): CentralPort {
  const config = clientConfig(settings, region);
  return {
    async busPolicy(busName) {
      return withClient(
        new EventBridgeClient(config),
        async (client) => (await client.send(new DescribeEventBusCommand({ Name: busName }))).Policy,
      );
    },
    async listRules(busName, namePrefix) {
      return withClient(new EventBridgeClient(config), (client) => listRules(client, namePrefix, busName));
    },
    async queueDepths(namePrefix) {
      return withClient(new SQSClient(config), async (client) => {
        const depths: QueueDepth[] = [];
        for await (const page of paginateListQueues(
          { client },
          { QueueNamePrefix: namePrefix, MaxResults: 1000 },
        )) {
          for (const url of page.QueueUrls ?? []) {
            const { Attributes } = await client.send(
              new GetQueueAttributesCommand({
                QueueUrl: url,
                AttributeNames: ['ApproximateNumberOfMessages'],
              }),
            );
            depths.push({
              name: url.slice(url.lastIndexOf('/') + 1),
              visible: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
            });
          }
        }
        return depths;
      });
    },
    async alarmsInAlarm(namePrefix) {
      return withClient(new CloudWatchClient(config), async (client) => {
        const alarms = [];
        for await (const page of paginateDescribeAlarms(
          { client },
          { AlarmNamePrefix: namePrefix, StateValue: 'ALARM', AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] },
        )) {
          for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
            // Filtered again here: some implementations (moto) ignore StateValue next to a name prefix.
            if (!alarm.AlarmName || alarm.StateValue !== 'ALARM') continue;
            alarms.push({
              name: alarm.AlarmName,
              ...(alarm.StateReason ? { reason: alarm.StateReason } : {}),
              ...(alarm.StateUpdatedTimestamp ? { since: alarm.StateUpdatedTimestamp.toISOString() } : {}),
            });
          }
        }
        return alarms;
      });
    },
  };
}

/** The account of the caller's own credentials (STS GetCallerIdentity). */
export async function callerAccount(settings: SdkSettings, region: string): Promise<string> {
  const config = clientConfig(settings, region);
  if (settings.stsEndpoint) config.endpoint = settings.stsEndpoint;
  return withClient(new STSClient(config), async (sts) => {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    if (!identity.Account) throw new Error('GetCallerIdentity returned no account');
    return identity.Account;
  });
}

/** The security account's Slack secrets and topic subscriptions. */
export function notificationPort(settings: SdkSettings, region: string): NotificationPort {
  const config = clientConfig(settings, region);
  let account: Promise<string> | undefined;
  return {
    async listSecrets(namePrefix) {
      return withClient(new SecretsManagerClient(config), async (client) => {
        const secrets = [];
        for await (const page of paginateListSecrets(
          { client },
          { Filters: [{ Key: 'name', Values: [namePrefix] }] },
        )) {
          for (const secret of page.SecretList ?? []) {
            // The name filter matches prefixes of words too; keep the exact prefix only.
            if (!secret.Name?.startsWith(namePrefix)) continue;
            secrets.push({ name: secret.Name, ...(secret.ARN ? { arn: secret.ARN } : {}) });
          }
        }
        return secrets;
      });
    },
    async secretString(secretId) {
      return withClient(
        new SecretsManagerClient(config),
        async (client) => (await client.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString,
      );
    },
    async topicArn(topicName) {
      account ??= callerAccount(settings, region);
      return `arn:aws:sns:${region}:${await account}:${topicName}`;
    },
    async subscriptions(topicArn) {
      return withClient(new SNSClient(config), async (client) => {
        const subscriptions = [];
        for await (const page of paginateListSubscriptionsByTopic({ client }, { TopicArn: topicArn })) {
          for (const subscription of page.Subscriptions ?? []) {
            subscriptions.push({
              subscriptionArn: subscription.SubscriptionArn ?? 'PendingConfirmation',
              ...(subscription.Protocol ? { protocol: subscription.Protocol } : {}),
              ...(subscription.Endpoint ? { endpoint: subscription.Endpoint } : {}),
            });
          }
        }
        return subscriptions;
      });
    },
  };
}
