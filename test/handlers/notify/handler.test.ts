import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { encodeEntry } from '../../../handlers/ledger/codec';
import { readNotifyConfig } from '../../../handlers/notify/config';
import {
  createNotifyHandler,
  deliverEntry,
  type NotifyDeps,
  type StreamEvent,
} from '../../../handlers/notify/handler';
import {
  type Notifier,
  PermanentDeliveryError,
  type StoredEntry,
  TransientDeliveryError,
} from '../../../handlers/ports';
import { ConfigurationError } from '../../../handlers/shared/env';
import type { LedgerEntry } from '../../../rules/types';
import { unreachableLedgerStore } from '../../support/ledger';
import { useSuiteResource } from '../../support/suite';
import { startDynaliteLedger } from '../ledger/support/dynalite';
import { entry, hit, rawOf } from '../ledger/support/entries';

const NOW = new Date('2026-11-20T14:03:15.000Z');
const AT = NOW.toISOString();

type Outcome = 'ok' | 'transient' | 'permanent';

/** A channel that answers from a script (the last outcome repeats) and remembers what it was sent. */
interface ScriptedNotifier extends Notifier {
  sent: LedgerEntry[];
}

function scripted(channel: string, outcomes: Outcome[] = ['ok'], wants = (_: LedgerEntry) => true) {
  const sent: LedgerEntry[] = [];
  const script = [...outcomes];
  const notifier: ScriptedNotifier = {
    channel,
    sent,
    wants,
    send: async (alert) => {
      sent.push(alert);
      const outcome = (script.length > 1 ? script.shift() : script[0]) ?? 'ok';
      if (outcome === 'transient') throw new TransientDeliveryError(`${channel} is down`, channel);
      if (outcome === 'permanent') throw new PermanentDeliveryError(`${channel} said no`, channel);
    },
  };
  return notifier;
}

interface Logged {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

const ledger = useSuiteResource(startDynaliteLedger);
let counter = 0;

function depsWith(notifiers: Notifier[], options: Partial<NotifyDeps> = {}) {
  const logs: Logged[] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    logs.push({ level, message, ...(fields ? { fields } : {}) });
  };
  const deps: NotifyDeps = {
    store: ledger.store,
    notifiers,
    clock: { now: () => NOW },
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    alertOnReplay: false,
    ...options,
  };
  return { deps, logs };
}

/** A stored entry with its own eventId. */
async function storedEntry(overrides: Partial<StoredEntry> = {}): Promise<StoredEntry> {
  counter += 1;
  const stored = entry({
    eventId: `notify-${counter}-${Date.now()}`,
    eventTime: '2026-11-20T14:03:11Z',
    target: { type: 'user', name: 'bob' },
    detections: [hit('iam-access-key-created-for-another-user', 'high')],
    severity: 'high',
    origin: 'live',
    ...overrides,
  });
  expect((await ledger.store.putIfAbsent(stored, rawOf(stored))).outcome).toBe('inserted');
  return stored;
}

let sequence = 0;
function streamRecord(eventName: string, image: Record<string, unknown> | undefined) {
  sequence += 1;
  const newImage = image ? marshall(image, { removeUndefinedValues: true }) : undefined;
  return {
    eventID: `stream-${sequence}`,
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: String(100_000_000_000_000_000_000n + BigInt(sequence)),
      ...(newImage ? { Keys: { pk: newImage.pk, sk: newImage.sk }, NewImage: newImage } : {}),
      StreamViewType: 'NEW_IMAGE',
    },
  };
}

/** The INSERT DynamoDB Streams emits when the entry item is written. */
function insertOf(stored: StoredEntry) {
  return streamRecord('INSERT', encodeEntry(stored, rawOf(stored), 400).entryItem);
}

function sequenceOf(record: { dynamodb: { SequenceNumber: string } }): string {
  return record.dynamodb.SequenceNumber;
}

describe('which stream records notify acts on', () => {
  it('delivers the INSERT of an entry item', async () => {
    const stored = await storedEntry();
    const slack = scripted('slack:default');

    const response = await createNotifyHandler(depsWith([slack]).deps)({ Records: [insertOf(stored)] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(slack.sent.map((alert) => alert.eventId)).toEqual([stored.eventId]);
  });

  it('ignores MODIFY and REMOVE records, and INSERTs without an image', async () => {
    const stored = await storedEntry();
    const item = encodeEntry(stored, rawOf(stored), 400).entryItem;
    const slack = scripted('slack:default');
    const event: StreamEvent = {
      Records: [
        streamRecord('MODIFY', { ...item, delivery: { sns: { status: 'delivered', at: AT, attempts: 1 } } }),
        streamRecord('REMOVE', undefined),
        streamRecord('INSERT', undefined),
        { eventName: 'INSERT' },
      ],
    };

    expect(await createNotifyHandler(depsWith([slack]).deps)(event)).toEqual({ batchItemFailures: [] });
    expect(slack.sent).toEqual([]);
  });

  it('ignores the raw, index and day items written alongside an entry', async () => {
    const stored = await storedEntry();
    const encoded = encodeEntry(stored, rawOf(stored), 400);
    expect(encoded.indexItems.length).toBeGreaterThan(0);
    const slack = scripted('slack:default');
    const companions = [encoded.rawItem, encoded.dayItem, ...encoded.indexItems].map((item) =>
      streamRecord('INSERT', item),
    );

    expect(await createNotifyHandler(depsWith([slack]).deps)({ Records: companions })).toEqual({
      batchItemFailures: [],
    });
    expect(slack.sent).toEqual([]);
  });

  it('skips, with a warning, an entry that is no longer in the ledger', async () => {
    const gone = entry({ eventId: `never-stored-${Date.now()}`, eventTime: '2026-11-20T14:03:11Z' });
    const stored = await storedEntry();
    const slack = scripted('slack:default');
    const { deps, logs } = depsWith([slack]);

    const response = await createNotifyHandler(deps)({ Records: [insertOf(gone), insertOf(stored)] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(slack.sent.map((alert) => alert.eventId)).toEqual([stored.eventId]);
    expect(logs).toContainEqual({
      level: 'warn',
      message: 'stream record for an entry that is no longer in the ledger',
      fields: { eventId: gone.eventId },
    });
  });
});

describe('partial batch failures', () => {
  it('reports the first record with a transient failure and leaves the rest for the retry', async () => {
    const [first, second, third] = [await storedEntry(), await storedEntry(), await storedEntry()];
    const records = [insertOf(first), insertOf(second), insertOf(third)];
    const slack = scripted('slack:default', ['ok', 'transient', 'ok']);

    const response = await createNotifyHandler(depsWith([slack]).deps)({ Records: records });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceOf(records[1]!) }] });
    expect(slack.sent.map((alert) => alert.eventId)).toEqual([first.eventId, second.eventId]);
    expect((await ledger.store.get(second.eventId))?.delivery).toEqual({
      'slack:default': { status: 'failed', at: AT, attempts: 1, error: 'slack:default is down' },
    });
    expect((await ledger.store.get(third.eventId))?.delivery).toBeUndefined();
  });

  it('on retry, repeats only the channel that failed, then succeeds', async () => {
    const stored = await storedEntry();
    const records = [insertOf(stored)];
    const slack = scripted('slack:default', ['transient', 'ok']);
    const sns = scripted('sns');
    const notify = createNotifyHandler(depsWith([slack, sns]).deps);

    expect((await notify({ Records: records })).batchItemFailures).toHaveLength(1);
    expect(await notify({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(await notify({ Records: records })).toEqual({ batchItemFailures: [] });

    expect(slack.sent).toHaveLength(2);
    expect(sns.sent).toHaveLength(1);
    expect((await ledger.store.get(stored.eventId))?.delivery).toEqual({
      'slack:default': { status: 'delivered', at: AT, attempts: 2 },
      sns: { status: 'delivered', at: AT, attempts: 1 },
    });
  });

  it('does not retry a permanent failure, and never sends to that channel again', async () => {
    const stored = await storedEntry();
    const slack = scripted('slack:default', ['permanent', 'ok']);
    const sns = scripted('sns');
    const { deps, logs } = depsWith([slack, sns]);
    const notify = createNotifyHandler(deps);

    expect(await notify({ Records: [insertOf(stored)] })).toEqual({ batchItemFailures: [] });
    expect(await notify({ Records: [insertOf(stored)] })).toEqual({ batchItemFailures: [] });

    expect(slack.sent).toHaveLength(1);
    expect(sns.sent).toHaveLength(1);
    expect((await ledger.store.get(stored.eventId))?.delivery?.['slack:default']).toEqual({
      status: 'permanent',
      at: AT,
      attempts: 1,
      error: 'slack:default said no',
    });
    expect(logs.filter((line) => line.message === 'delivery failed permanently')).toHaveLength(1);
  });

  it('fails the record whose ledger read fails, so Lambda retries it', async () => {
    const stored = await storedEntry();
    const unreachable = await unreachableLedgerStore(ledger.tableName);
    const slack = scripted('slack:default');
    const { deps, logs } = depsWith([slack], { store: unreachable });
    const record = insertOf(stored);

    try {
      expect(await createNotifyHandler(deps)({ Records: [record] })).toEqual({
        batchItemFailures: [{ itemIdentifier: sequenceOf(record) }],
      });
    } finally {
      await unreachable.close();
    }
    expect(slack.sent).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'notify failed', fields: expect.anything() }),
    );
  });
});

describe('deliverEntry', () => {
  it('sends channels the entry contract, without the ledger bookkeeping', async () => {
    const stored = await storedEntry();
    const sns = scripted('sns');
    await ledger.store.markDelivery(stored.eventId, 'slack:default', {
      status: 'delivered',
      at: AT,
      attempts: 1,
    });

    const report = await deliverEntry((await ledger.store.get(stored.eventId))!, depsWith([sns]).deps);

    expect(report.delivered).toEqual(['sns']);
    const { origin: _origin, recordedAt: _recordedAt, ...contract } = stored;
    expect(sns.sent).toStrictEqual([contract]);
  });

  it('leaves channels whose routing does not want the entry untouched', async () => {
    const stored = await storedEntry({ severity: 'medium', detections: [hit('iam-user-created', 'medium')] });
    const slack = scripted('slack:default');
    const sns = scripted(
      'sns',
      ['ok'],
      (alert) => alert.severity === 'high' || alert.severity === 'critical',
    );

    const report = await deliverEntry(stored, depsWith([slack, sns]).deps);

    expect(report).toEqual({
      eventId: stored.eventId,
      delivered: ['slack:default'],
      alreadyDelivered: [],
      suppressed: [],
      folded: [],
      permanentFailures: [],
      transientFailures: [],
    });
    expect(sns.sent).toEqual([]);
    expect(Object.keys((await ledger.store.get(stored.eventId))?.delivery ?? {})).toEqual(['slack:default']);
  });

  it('reports channels that already delivered instead of sending again', async () => {
    const stored = await storedEntry();
    await ledger.store.markDelivery(stored.eventId, 'sns', { status: 'delivered', at: AT, attempts: 1 });
    const sns = scripted('sns');

    const report = await deliverEntry((await ledger.store.get(stored.eventId))!, depsWith([sns]).deps);

    expect(report.alreadyDelivered).toEqual(['sns']);
    expect(sns.sent).toEqual([]);
  });

  const origins: [StoredEntry['origin'], boolean][] = [
    ['live', true],
    ['replay', true],
    ['eventbridge-replay', false],
    ['backfill', false],
  ];
  for (const [origin, alerts] of origins) {
    it(`${alerts ? 'alerts' : 'alerts only with alertOnReplay'} on ${origin} entries`, async () => {
      const quiet = scripted('slack:default');
      const loud = scripted('slack:default');

      const report = await deliverEntry(await storedEntry({ origin }), depsWith([quiet]).deps);
      await deliverEntry(await storedEntry({ origin }), depsWith([loud], { alertOnReplay: true }).deps);

      expect(quiet.sent).toHaveLength(alerts ? 1 : 0);
      expect(report.skippedReason).toBe(alerts ? undefined : `${origin} entries do not alert`);
      expect(loud.sent).toHaveLength(1);
    });
  }
});

describe('readNotifyConfig', () => {
  const base = { IAMWATCH_TABLE_NAME: 'iamwatch-ledger' };
  const routes = JSON.stringify([
    {
      name: 'critical',
      secretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:iamwatch/slack-AbCdEf',
      minSeverity: 'critical',
    },
    { name: 'payments', webhookUrl: 'https://hooks.slack.com/services/T0/B0/x', accounts: ['111122223333'] },
  ]);

  it('reads a complete configuration into typed values', () => {
    expect(
      readNotifyConfig({
        ...base,
        IAMWATCH_SLACK_ROUTES: routes,
        IAMWATCH_SNS_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:iamwatch-alerts',
        IAMWATCH_SNS_MIN_SEVERITY: 'CRITICAL',
        IAMWATCH_ALERT_ON_REPLAY: 'true',
      }),
    ).toEqual({
      tableName: 'iamwatch-ledger',
      slackRoutes: [
        {
          name: 'critical',
          secretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:iamwatch/slack-AbCdEf',
          minSeverity: 'critical',
        },
        {
          name: 'payments',
          webhookUrl: 'https://hooks.slack.com/services/T0/B0/x',
          minSeverity: 'low',
          accounts: ['111122223333'],
        },
      ],
      snsTopicArn: 'arn:aws:sns:us-east-1:111122223333:iamwatch-alerts',
      snsMinSeverity: 'critical',
      alertOnReplay: true,
      bursts: { postFirst: 3, windowMs: 600_000 },
      suppressionCacheMs: 60_000,
    });
  });

  it('defaults to no Slack routes, no topic, SNS from high, no replay alerts', () => {
    expect(readNotifyConfig({ ...base, IAMWATCH_SNS_TOPIC_ARN: ' ' })).toEqual({
      tableName: 'iamwatch-ledger',
      slackRoutes: [],
      snsMinSeverity: 'high',
      alertOnReplay: false,
      bursts: { postFirst: 3, windowMs: 600_000 },
      suppressionCacheMs: 60_000,
    });
  });

  const invalid: [string, Record<string, string>, RegExp][] = [
    ['a missing table name', {}, /^Environment variable IAMWATCH_TABLE_NAME is required but not set$/],
    [
      'Slack routes that are not JSON',
      { ...base, IAMWATCH_SLACK_ROUTES: '[{name: critical}' },
      /^Environment variable IAMWATCH_SLACK_ROUTES: Slack routes are not valid JSON/,
    ],
    [
      'a Slack route without a webhook',
      { ...base, IAMWATCH_SLACK_ROUTES: '[{"name":"sec"}]' },
      /^Environment variable IAMWATCH_SLACK_ROUTES: Invalid Slack routes: routes\[0\]: needs exactly one of/,
    ],
    [
      'an unknown SNS severity',
      { ...base, IAMWATCH_SNS_MIN_SEVERITY: 'urgent' },
      /^Environment variable IAMWATCH_SNS_MIN_SEVERITY must be one of info, low, medium, high, critical, got "urgent"$/,
    ],
    [
      'a replay flag that is not a boolean',
      { ...base, IAMWATCH_ALERT_ON_REPLAY: 'sometimes' },
      /^Environment variable IAMWATCH_ALERT_ON_REPLAY must be true or false/,
    ],
  ];
  for (const [what, env, message] of invalid) {
    it(`rejects ${what} with a ConfigurationError naming the variable`, () => {
      const error = captured(() => readNotifyConfig(env));
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(message);
    });
  }

  it('never echoes a webhook URL from a broken route', () => {
    const env = {
      ...base,
      IAMWATCH_SLACK_ROUTES:
        '[{"name":"sec","webhookUrl":"https://hooks.slack.com/services/T0/B0/s3cr3t","x":1}]',
    };
    const error = captured(() => readNotifyConfig(env));
    expect((error as Error).message).toContain('unknown field(s) x');
    expect((error as Error).message).not.toContain('s3cr3t');
  });
});

function captured(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

/** A loopback port nothing listens on: the nearest real thing to DynamoDB being unreachable. */
