/**
 * Will an alert reach anyone? Each Slack route's secret must hold a real incoming-webhook URL (not the
 * random placeholder the stack creates), and the alerts and operations topics must have subscriptions
 * that were confirmed. Secret values are only judged, never printed.
 */
import { webhookUrlFromSecret } from '../notify/secret';
import { type Check, check } from './check';
import { describeError } from './fleet';

interface SecretRef {
  name: string;
  arn?: string;
}

export interface Subscription {
  /** `PendingConfirmation` until the endpoint confirms. */
  subscriptionArn: string;
  protocol?: string;
  endpoint?: string;
}

/** The security account's reads, in us-east-1. */
export interface NotificationPort {
  /** Secrets whose name starts with `namePrefix`. */
  listSecrets(namePrefix: string): Promise<SecretRef[]>;
  /** The SecretString; `undefined` when the secret has no string value. */
  secretString(secretId: string): Promise<string | undefined>;
  /** The topic ARN for a topic name in the caller's account and region. */
  topicArn(topicName: string): Promise<string>;
  subscriptions(topicArn: string): Promise<Subscription[]>;
}

export interface NotificationCheckOptions {
  resourcePrefix: string;
  /** Secrets to check besides `<prefix>/slack/…` (routes configured with an existing secretArn). */
  extraSecrets: readonly string[];
  /** Topic names (default `<prefix>-alerts`, `<prefix>-operations`). */
  topics: readonly string[];
}

const GROUP = 'notifications';
/** The only URL shape Slack issues for incoming webhooks. */
const SLACK_WEBHOOK = /^https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9_/-]+$/;

export async function checkNotifications(
  port: NotificationPort,
  options: NotificationCheckOptions,
): Promise<Check[]> {
  const checks: Check[] = [];
  let secrets: string[];
  try {
    const listed = await port.listSecrets(`${options.resourcePrefix}/slack/`);
    secrets = [...listed.map((s) => s.name), ...options.extraSecrets];
  } catch (error) {
    checks.push(check(GROUP, 'slack:list', 'Slack secrets', 'fail', `cannot list: ${describeError(error)}`));
    secrets = [...options.extraSecrets];
  }
  if (secrets.length === 0 && checks.length === 0) {
    checks.push(
      check(
        GROUP,
        'slack:routes',
        'Slack secrets',
        'warn',
        `no secret named ${options.resourcePrefix}/slack/…: no Slack route is deployed`,
      ),
    );
  }
  for (const secret of secrets) {
    try {
      checks.push(judgeSlackSecret(secret, await port.secretString(secret)));
    } catch (error) {
      checks.push(check(GROUP, `slack:${secret}`, secret, 'fail', `cannot read: ${describeError(error)}`));
    }
  }
  for (const topic of options.topics) {
    try {
      const arn = await port.topicArn(topic);
      checks.push(judgeSubscriptions(topic, await port.subscriptions(arn)));
    } catch (error) {
      const missing = error instanceof Error && /NotFound/.test(error.name);
      checks.push(
        check(
          GROUP,
          `sns:${topic}`,
          `topic ${topic}`,
          'fail',
          missing ? 'no such topic (--prefix, --topics)' : `cannot read: ${describeError(error)}`,
        ),
      );
    }
  }
  return checks;
}

/** A real Slack incoming-webhook URL, bare or as `{"webhookUrl": …}`; never echoes the value. */
export function judgeSlackSecret(secretId: string, value: string | undefined): Check {
  const id = `slack:${secretId}`;
  const title = secretId;
  const todo = `aws secretsmanager put-secret-value --secret-id ${secretId} --secret-string 'https://hooks.slack.com/services/…'`;
  if (value === undefined || value.trim() === '') {
    return check(GROUP, id, title, 'fail', `empty: no webhook configured; store it with ${todo}`);
  }
  let url: string;
  try {
    url = webhookUrlFromSecret(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return check(GROUP, id, title, 'fail', `not configured (${reason}); store it with ${todo}`);
  }
  if (!SLACK_WEBHOOK.test(url)) {
    return check(
      GROUP,
      id,
      title,
      'fail',
      `holds a URL that is not a Slack incoming webhook (https://hooks.slack.com/services/…); store the right one with ${todo}`,
    );
  }
  return check(GROUP, id, title, 'pass', 'holds a Slack incoming-webhook URL');
}

export function judgeSubscriptions(topic: string, subscriptions: readonly Subscription[]): Check {
  const id = `sns:${topic}`;
  const title = `topic ${topic}`;
  if (subscriptions.length === 0) {
    return check(GROUP, id, title, 'warn', 'no subscriptions: nobody receives what is published here');
  }
  const pending = subscriptions.filter((s) => s.subscriptionArn === 'PendingConfirmation');
  if (pending.length > 0) {
    return check(
      GROUP,
      id,
      title,
      'fail',
      `${pending.length} of ${subscriptions.length} subscriptions PendingConfirmation (${pending
        .map((s) => `${s.protocol ?? '?'} ${s.endpoint ?? '?'}`)
        .join(', ')}): the endpoint must confirm, or subscribe it again`,
    );
  }
  return check(
    GROUP,
    id,
    title,
    'pass',
    `${subscriptions.length} confirmed (${[...new Set(subscriptions.map((s) => s.protocol ?? '?'))].join(', ')})`,
  );
}
