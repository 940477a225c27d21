/**
 * Faults on the Lambda path, with the real handlers over dynalite, a local Slack and a local SNS:
 * SNS throttling and a Slack 5xx storm in one stream batch retry only the failed items; a record
 * Lambda given a deeply nested or oversized event rejects it with a clear message (what lands on the
 * failure destination) or records it truncated, and the events around it are recorded as usual.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { DYNAMODB_MAX_ITEM_BYTES, itemSize } from '../../../handlers/ledger/size';
import { REDELIVERY_GRACE_MS } from '../../../handlers/record/handler';
import { RECORD_LIMITS } from '../../../rules/cloudtrail/bounds';
import { InvalidRecordError } from '../../../rules/cloudtrail/parse';
import { adminAttachEnvelope, createUserEnvelope } from '../support/events';
import { NOW, usePipeline } from '../support/pipeline';
import { eventIdsOf, filterEntryInserts, filterNotifyRecords, kindOf } from '../support/stream';

const pipeline = usePipeline();

describe('notify: partial batch failures retry only the failed items', () => {
  it('SNS throttling: the batch resumes at the throttled entry; Slack is never posted twice', async () => {
    const envelopes = [adminAttachEnvelope(), adminAttachEnvelope(), createUserEnvelope()];
    const batch = await pipeline.recordInserts(...envelopes);
    const ids = eventIdsOf(batch);
    const notify = pipeline.notify();

    pipeline.sns.failWith({ status: 400, code: 'Throttling' });
    const throttled = await notify({ Records: batch });
    expect(throttled).toEqual({ batchItemFailures: [{ itemIdentifier: batch[0]?.dynamodb.SequenceNumber }] });
    expect((await pipeline.store.get(ids[0]!))?.delivery?.sns).toMatchObject({ status: 'failed' });

    pipeline.sns.failWith();
    // Lambda retries from the reported item on: here the whole batch again, as it began there.
    expect(await notify({ Records: batch })).toEqual({ batchItemFailures: [] });
    expect(pipeline.sns.published.map((publication) => publication.rawMessage.includes(ids[0]!))).toEqual([
      true,
      false,
    ]);
    for (const id of ids) {
      expect(pipeline.slack.accepted().filter((request) => request.body.includes(id))).toHaveLength(1);
    }
  });

  it('a Slack 5xx storm on the second item: the first is not repeated when the batch is retried', async () => {
    const envelopes = [createUserEnvelope(), createUserEnvelope(), createUserEnvelope()];
    const batch = await pipeline.recordInserts(...envelopes);
    const ids = eventIdsOf(batch);
    const notify = pipeline.notify({ slackRetry: { maxAttempts: 3 } });
    pipeline.slack.answerWith(
      { status: 200, body: 'ok' },
      { status: 503, body: 'service unavailable' },
      { status: 502, body: 'bad gateway' },
      { status: 500, body: 'internal_error' },
      { status: 200, body: 'ok' },
    );

    const storm = await notify({ Records: batch });
    expect(storm).toEqual({ batchItemFailures: [{ itemIdentifier: batch[1]?.dynamodb.SequenceNumber }] });
    const retried = await notify({ Records: batch.slice(1) });
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(
      ids.map((id) => pipeline.slack.accepted().filter((request) => request.body.includes(id)).length),
    ).toEqual([1, 1, 1]);
  });
});

describe('delivery resumed on a duplicate (record → redelivery request → notify)', () => {
  it('a notify that died between commit and post: the next duplicate delivers, nothing twice', async () => {
    const envelope = adminAttachEnvelope();
    const delivered = createUserEnvelope();
    const inserts = await pipeline.recordInserts(envelope, delivered);
    // The entry of `delivered` went out; the notify handling `envelope` died before posting anything.
    expect(await pipeline.notify()({ Records: inserts.slice(1) })).toEqual({ batchItemFailures: [] });
    const id = envelope.detail.eventID;
    expect(pipeline.slack.mentioning(id)).toHaveLength(0);

    // A duplicate within the grace period leaves the entry to its own stream record.
    await pipeline.recordInNewContainer()(envelope);
    expect(filterNotifyRecords(pipeline.stream.take())).toEqual([]);

    const later = { now: () => new Date(NOW.getTime() + REDELIVERY_GRACE_MS + 1000) };
    await pipeline.recordInNewContainer(later)(envelope);
    await pipeline.recordInNewContainer(later)(delivered);
    const requests = filterNotifyRecords(pipeline.stream.take());
    expect(requests.map((record) => [record.eventName, kindOf(record)])).toEqual([['INSERT', 'redelivery']]);
    expect(await pipeline.notify()({ Records: requests })).toEqual({ batchItemFailures: [] });
    expect(pipeline.slack.accepted().filter((request) => request.body.includes(id))).toHaveLength(1);
    expect(pipeline.sns.published.filter((publication) => publication.rawMessage.includes(id))).toHaveLength(
      1,
    );
    expect(pipeline.slack.mentioning(delivered.detail.eventID)).toHaveLength(1);

    // Every channel has delivered now: a further late duplicate asks for nothing.
    await pipeline.recordInNewContainer({ now: () => new Date(later.now().getTime() + 1000) })(envelope);
    const again = filterNotifyRecords(pipeline.stream.take());
    expect(again).toEqual([]);
    expect(pipeline.slack.accepted()).toHaveLength(2);
  });
});

describe('record: hostile events land on the failure destination alone', () => {
  it('rejects a deeply nested event with a clear message; the events around it are recorded', async () => {
    const before = createUserEnvelope();
    const after = createUserEnvelope();
    const deep = createUserEnvelope();
    let nested: unknown = 'bottom';
    for (let i = 0; i < 50_000; i++) nested = [nested];
    (deep.detail as unknown as Record<string, unknown>).requestParameters = { userName: 'bob', tags: nested };

    await pipeline.record(before);
    const rejected = await pipeline.record(deep).then(
      () => undefined,
      (error: unknown) => error,
    );
    await pipeline.record(after);

    expect(rejected).toBeInstanceOf(InvalidRecordError);
    expect((rejected as Error).message).toBe(
      `EventBridge event ${deep.id}: record is nested more than ${RECORD_LIMITS.depth} levels deep`,
    );
    expect(pipeline.logs).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'invalid event rejected' }),
    );
    expect(await pipeline.store.get(before.detail.eventID)).toBeDefined();
    expect(await pipeline.store.get(after.detail.eventID)).toBeDefined();
    expect(await pipeline.store.get(deep.detail.eventID)).toBeUndefined();
  });

  it('records an event with a 300 KB user name truncated and marked, within the item limit', async () => {
    const huge = `mallory-${'x'.repeat(300 * 1024)}`;
    const envelope = createUserEnvelope({
      userIdentity: {
        type: 'IAMUser',
        principalId: 'AIDAEXAMPLE',
        arn: `arn:aws:iam::111122223333:user/${huge}`,
        accountId: '111122223333',
        userName: huge,
      },
      userAgent: huge,
    });
    const result = await pipeline.record(envelope);
    expect(result.outcome).toBe('inserted');
    expect(result.truncated).toBe(true);
    const item = unmarshall((await pipeline.readEntryItem(envelope.detail.eventID)) as never);
    expect(itemSize(item)).toBeLessThan(DYNAMODB_MAX_ITEM_BYTES);
    expect(item.actor.name).toMatch(/^mallory-x+…\[iamwatch:truncated \d+ chars\]$/);
    expect(pipeline.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'long text in the entry truncated to fit the ledger item limit',
      }),
    );
    expect(await pipeline.notify()({ Records: filterEntryInserts(pipeline.stream.take()) })).toEqual({
      batchItemFailures: [],
    });
    expect(
      pipeline.slack.accepted().filter((request) => request.body.includes(envelope.detail.eventID)),
    ).toHaveLength(1);
  });

  it('records a record whose unneeded field has the wrong type, and warns naming the field', async () => {
    const envelope = createUserEnvelope({ requestParameters: 'null' as never });
    expect((await pipeline.record(envelope)).outcome).toBe('inserted');
    expect(pipeline.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'malformed field recorded as absent',
        fields: expect.objectContaining({ field: 'detail.requestParameters' }),
      }),
    );
  });
});
