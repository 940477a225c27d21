/**
 * The record handler over a real ledger (dynalite): what it records and logs, how it rejects input
 * that is not a CloudTrail event (typed errors, nothing written), and that a ledger it cannot reach
 * fails the invocation so Lambda retries it.
 */
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createRecordHandler } from '../../../handlers/record/handler';
import { InvalidEventError } from '../../../handlers/record/record';
import { toEnvelope } from '../../../rules/cloudtrail/envelope';
import { InvalidRecordError } from '../../../rules/cloudtrail/parse';
import { makeContext } from '../../../rules/context';
import { iamCall } from '../../../rules/examples';
import type { CloudTrailRecord, EventBridgeEnvelope } from '../../../rules/types';
import { unreachableLedgerStore } from '../../support/ledger';
import { type LogLine, recordingLogger } from '../../support/logs';
import { useSuiteResource } from '../../support/suite';
import { startDynaliteLedger } from '../ledger/support/dynalite';

const NOW = new Date('2026-11-20T14:03:15.000Z');
const WRITES = ['PutItemCommand', 'BatchWriteItemCommand', 'UpdateItemCommand', 'DeleteItemCommand'];

const ledger = useSuiteResource(startDynaliteLedger);
const logs: LogLine[] = [];
beforeEach(() => {
  logs.length = 0;
  ledger.commands.length = 0;
});

function handlerOver(store = ledger.store) {
  return createRecordHandler({
    store,
    context: makeContext(),
    clock: { now: () => NOW },
    logger: recordingLogger(logs),
  });
}

/** alice creates access keys for bob: `iam-access-key-created-for-another-user`, high. */
function keyForBob(): CloudTrailRecord {
  return {
    ...iamCall('CreateAccessKey', {
      request: { userName: 'bob' },
      response: { accessKey: { userName: 'bob', accessKeyId: 'AKIABOBEXAMPLE', status: 'Active' } },
      userAgent: 'aws-cli/2.15.30 secret-looking-agent',
    }),
    eventID: randomUUID(),
  };
}

function writesSent(): string[] {
  return ledger.commands.filter((command) => WRITES.includes(command));
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected the handler to reject');
}

describe('recording an EventBridge event', () => {
  it('stores the judged entry as a live event and logs identifying fields only', async () => {
    const record = keyForBob();

    const result = await handlerOver()(toEnvelope(record));

    expect(result.outcome).toBe('inserted');
    expect(result.detectionErrors).toEqual([]);
    expect(result.entry).toMatchObject({
      eventId: record.eventID,
      origin: 'live',
      recordedAt: NOW.toISOString(),
      target: { type: 'user', name: 'bob' },
      severity: 'high',
    });
    expect(await ledger.store.get(record.eventID)).toEqual(result.entry);
    expect(writesSent()).toContain('PutItemCommand');
    expect(logs).toEqual([
      {
        level: 'info',
        message: 'recorded',
        fields: {
          eventId: record.eventID,
          eventName: 'CreateAccessKey',
          accountId: '111122223333',
          severity: 'high',
          detections: ['iam-access-key-created-for-another-user'],
        },
      },
    ]);
    expect(JSON.stringify(logs)).not.toContain('secret-looking-agent');
  });

  it('marks an EventBridge archive replay as such', async () => {
    const envelope: EventBridgeEnvelope = { ...toEnvelope(keyForBob()), 'replay-name': 'incident-2026-11' };

    const result = await handlerOver()(envelope);

    expect(result.entry.origin).toBe('eventbridge-replay');
    expect((await ledger.store.get(envelope.detail.eventID))?.origin).toBe('eventbridge-replay');
  });

  it('ignores a second delivery and says so', async () => {
    const envelope = toEnvelope(keyForBob());
    const record = handlerOver();

    await record(envelope);
    const again = await record(envelope);

    expect(again.outcome).toBe('duplicate');
    expect(logs.map((line) => line.message)).toEqual(['recorded', 'duplicate delivery ignored']);
  });
});

describe('input that is not a CloudTrail event', () => {
  const notObjects: [string, unknown, string][] = [
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a string', '{"detail-type":"AWS API Call via CloudTrail"}', 'a string'],
    ['a number', 42, 'a number'],
    ['an array', [toEnvelope(keyForBob())], 'an array'],
  ];
  for (const [what, event, described] of notObjects) {
    it(`rejects ${what} with InvalidEventError, writing nothing`, async () => {
      const error = await rejection(handlerOver()(event));

      expect(error).toBeInstanceOf(InvalidEventError);
      expect(error.message).toBe(`Expected an EventBridge event object, got ${described}`);
      expect(writesSent()).toEqual([]);
      expect(logs).toContainEqual(
        expect.objectContaining({ level: 'error', message: 'invalid event rejected' }),
      );
    });
  }

  it('rejects an envelope without detail with InvalidEventError, writing nothing', async () => {
    const { detail: _detail, ...withoutDetail } = toEnvelope(keyForBob());

    const error = await rejection(handlerOver()(withoutDetail));

    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error.message).toBe('Expected an EventBridge event with "detail-type" and a "detail" object');
    expect(writesSent()).toEqual([]);
    expect(logs).toEqual([
      {
        level: 'error',
        message: 'invalid event rejected',
        fields: {
          envelopeId: withoutDetail.id,
          source: 'aws.iam',
          detailType: 'AWS API Call via CloudTrail',
          error: expect.any(InvalidEventError),
        },
      },
    ]);
  });

  it('rejects a detail without eventID with InvalidRecordError naming the envelope and field', async () => {
    const envelope = toEnvelope(keyForBob());
    const { eventID: _eventID, ...detail } = envelope.detail;

    const error = await rejection(handlerOver()({ ...envelope, detail }));

    expect(error).toBeInstanceOf(InvalidRecordError);
    expect(error.message).toBe(`EventBridge event ${envelope.id}: missing required field "eventID"`);
    expect((error as InvalidRecordError).field).toBe('detail.eventID');
    expect(error.cause).toBeInstanceOf(InvalidRecordError);
    expect(writesSent()).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        message: 'invalid event rejected',
        fields: expect.objectContaining({ envelopeId: envelope.id, error }),
      }),
    );
  });

  it('rejects a detail whose eventTime is not a time, writing nothing', async () => {
    const envelope = toEnvelope({ ...keyForBob(), eventTime: 'yesterday' });

    const error = await rejection(handlerOver()(envelope));

    expect(error).toBeInstanceOf(InvalidRecordError);
    expect(error.message).toBe(
      `EventBridge event ${envelope.id}: "eventTime" is not an ISO 8601 time: "yesterday"`,
    );
    expect(await ledger.store.get(envelope.detail.eventID)).toBeUndefined();
    expect(writesSent()).toEqual([]);
  });
});

describe('a ledger that cannot be reached', () => {
  it('fails the invocation with the transport error, so Lambda retries; the retry records', async () => {
    const unreachable = await unreachableLedgerStore(ledger.tableName);
    const envelope = toEnvelope(keyForBob());

    let error: Error;
    try {
      error = await rejection(handlerOver(unreachable)(envelope));
    } finally {
      await unreachable.close();
    }

    expect(error).not.toBeInstanceOf(InvalidEventError);
    expect(error).not.toBeInstanceOf(InvalidRecordError);
    expect(`${error.message} ${String((error as { code?: unknown }).code)}`).toMatch(/ECONNREFUSED/);
    expect(logs.filter((line) => line.message === 'invalid event rejected')).toEqual([]);
    expect(await ledger.store.get(envelope.detail.eventID)).toBeUndefined();

    const retried = await handlerOver()(envelope);
    expect(retried.outcome).toBe('inserted');
  });
});

/** A loopback port nothing listens on: the nearest real thing to DynamoDB being unreachable. */
