/**
 * Delivery failures counted as CloudWatch metrics, at the HTTP wire: a local Slack webhook server and a
 * local SNS endpoint answer the way the real services fail, the webhook secret lives in Secrets
 * Manager (moto), the ledger is dynalite, and the EMF lines the notify path writes are parsed back.
 * Then the operator's fix: store the URL, `resend`, and the alert that failed is delivered once.
 */
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliverEntry, type NotifyDeps } from '../../../handlers/notify/handler';
import {
  classifyDeliveryFailure,
  DELIVERY_FAILURE_METRICS,
  emfDeliveryMetrics,
  METRICS_NAMESPACE,
} from '../../../handlers/notify/metrics';
import { resendNotConfigured } from '../../../handlers/notify/resend';
import { createSlackNotifiers } from '../../../handlers/notify/slack';
import { createSnsNotifier } from '../../../handlers/notify/sns';
import { silentLogger } from '../../../handlers/shared/logger';
import { startFakeSlack } from '../../e2e/support/slack';
import { startFakeSns, TOPIC_ARN } from '../../e2e/support/sns';
import { describeWithMoto, useMoto } from '../../support/moto';
import { useSuiteResource } from '../../support/suite';
import { startDynaliteLedger } from '../ledger/support/dynalite';
import { entry, hit, rawOf } from '../ledger/support/entries';

const NOW = new Date('2026-11-20T14:03:15.000Z');
const NO_WAIT = { sleep: async () => {}, random: () => 0, maxAttempts: 2 };

interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  Service: string;
  Channel: string;
  Reason: string;
  [metric: string]: unknown;
}

const ledger = useSuiteResource(startDynaliteLedger);
const slack = useSuiteResource(startFakeSlack);
const sns = useSuiteResource(startFakeSns);
let lines: string[] = [];
let sequence = 0;

function deps(notifiers: NotifyDeps['notifiers']): NotifyDeps {
  lines = [];
  return {
    store: ledger.store,
    notifiers,
    clock: { now: () => NOW },
    logger: silentLogger,
    alertOnReplay: false,
    metrics: emfDeliveryMetrics(
      (line) => lines.push(line),
      () => NOW.getTime(),
    ),
  };
}

async function storedEntry() {
  sequence++;
  const stored = entry({
    eventId: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    eventTime: '2026-11-20T14:03:11Z',
    detections: [hit('iam-user-created', 'high')],
    severity: 'high',
    origin: 'live',
  });
  await ledger.store.putIfAbsent(stored, rawOf(stored));
  return (await ledger.store.get(stored.eventId))!;
}

function metricsWritten(): EmfDocument[] {
  return lines.map((line) => JSON.parse(line) as EmfDocument);
}

function expectOneMetric(name: string, channel: string, reason: string): void {
  const documents = metricsWritten();
  expect(documents).toHaveLength(1);
  const [doc] = documents;
  expect(doc!._aws.CloudWatchMetrics).toEqual([
    {
      Namespace: METRICS_NAMESPACE,
      Dimensions: [['Service'], ['Service', 'Channel', 'Reason']],
      Metrics: [{ Name: name, Unit: 'Count' }],
    },
  ]);
  expect(doc).toMatchObject({ Service: 'notify', Channel: channel, Reason: reason, [name]: 1 });
  expect(doc!._aws.Timestamp).toBe(NOW.getTime());
}

describe('Slack failures at the wire', () => {
  const route = (webhookUrl: string) => [{ name: 'security', minSeverity: 'low' as const, webhookUrl }];

  it('counts a permanent rejection per reason (channel_is_archived, no_service)', async () => {
    for (const [status, code] of [
      [404, 'channel_is_archived'],
      [403, 'no_service'],
    ] as const) {
      slack.answerWith({ status, body: code });
      const report = await deliverEntry(
        await storedEntry(),
        deps(createSlackNotifiers(route(slack.webhookUrl), { retry: NO_WAIT })),
      );
      expect(report.permanentFailures).toHaveLength(1);
      expectOneMetric(DELIVERY_FAILURE_METRICS.permanent, 'slack:security', code);
    }
  });

  it('counts retries exhausted when Slack keeps answering 503', async () => {
    slack.reset();
    slack.answerWith({ status: 503, body: 'service_unavailable' });
    const report = await deliverEntry(
      await storedEntry(),
      deps(createSlackNotifiers(route(slack.webhookUrl), { retry: NO_WAIT })),
    );
    expect(report.transientFailures).toHaveLength(1);
    expect(slack.requests).toHaveLength(2);
    expectOneMetric(DELIVERY_FAILURE_METRICS['retries-exhausted'], 'slack:security', 'http-503');
  });

  it('counts nothing when the alert goes through', async () => {
    slack.answerWith();
    const report = await deliverEntry(
      await storedEntry(),
      deps(createSlackNotifiers(route(slack.webhookUrl), { retry: NO_WAIT })),
    );
    expect(report.delivered).toEqual(['slack:security']);
    expect(lines).toEqual([]);
  });
});

describe('SNS failures at the wire', () => {
  const notifier = () => createSnsNotifier({ client: sns.client, topicArn: TOPIC_ARN, minSeverity: 'low' });

  it('counts authorization and KMS refusals as permanent, by error code', async () => {
    for (const [status, code] of [
      [403, 'AuthorizationError'],
      [400, 'KMSDisabled'],
    ] as const) {
      sns.failWith({ status, code });
      await deliverEntry(await storedEntry(), deps([notifier()]));
      expectOneMetric(DELIVERY_FAILURE_METRICS.permanent, 'sns', `${code}Exception`);
    }
  });

  it('counts a 500 as retries exhausted', async () => {
    sns.failWith({ status: 500, code: 'InternalError' });
    await deliverEntry(await storedEntry(), deps([notifier()]));
    const [doc] = metricsWritten();
    expect(doc).toMatchObject({ Channel: 'sns', [DELIVERY_FAILURE_METRICS['retries-exhausted']]: 1 });
    sns.failWith();
  });
});

describeWithMoto('an unconfigured Slack secret', () => {
  const moto = useMoto();
  let secrets: SecretsManagerClient;
  let secretArn: string;

  beforeAll(async () => {
    secrets = moto.client(SecretsManagerClient);
    // What the stack creates: a random generated string, not a URL.
    const created = await secrets.send(
      new CreateSecretCommand({ Name: 'iamwatch/slack/security', SecretString: 'x7#Qv9!pLw2^Zr8&Mk4t' }),
    );
    secretArn = created.ARN!;
  });

  it('counts "not configured", posts nothing, and resend delivers the alert once the URL is stored', async () => {
    slack.reset();
    slack.answerWith();
    const notifiers = () =>
      createSlackNotifiers([{ name: 'security', minSeverity: 'low', secretArn }], {
        secretsClient: secrets,
        secretTtlMs: 0,
        retry: NO_WAIT,
      });
    const resend = () =>
      resendNotConfigured({
        store: ledger.store,
        notifiers: notifiers(),
        clock: { now: () => NOW },
        logger: silentLogger,
        since: '2026-11-20T00:00:00Z',
      });
    const stored = await storedEntry();
    const report = await deliverEntry(stored, deps(notifiers()));
    expect(report.permanentFailures).toHaveLength(1);
    expect(slack.requests).toHaveLength(0);
    expectOneMetric(DELIVERY_FAILURE_METRICS['not-configured'], 'slack:security', 'not-configured');
    expect((await ledger.store.get(stored.eventId))!.delivery!['slack:security']!.error).toMatch(
      /^not-configured: /,
    );

    await secrets.send(new PutSecretValueCommand({ SecretId: secretArn, SecretString: slack.webhookUrl }));
    const resent = await resend();
    expect(resent.resent).toEqual([{ eventId: stored.eventId, channel: 'slack:security' }]);
    expect(resent.failed).toEqual([]);
    expect(slack.mentioning(stored.eventId)).toHaveLength(1);
    expect((await ledger.store.get(stored.eventId))!.delivery!['slack:security']!.status).toBe('delivered');

    const again = await resend();
    expect(again.resent).toEqual([]);
    expect(slack.mentioning(stored.eventId)).toHaveLength(1);
  });
});

describe('classifyDeliveryFailure', () => {
  it('treats an uncoded error as retries exhausted under its own name', () => {
    expect(classifyDeliveryFailure(new TypeError('boom'))).toEqual({
      kind: 'retries-exhausted',
      reason: 'TypeError',
    });
  });
});
