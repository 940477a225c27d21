/**
 * Re-delivered history must not page anyone: an EventBridge archive replay (`replay-name`) and a
 * CloudTrail backfill are recorded like live events, but alert only when `alertOnReplay` is set.
 */
import { describe, expect, it } from 'vitest';
import { archiveReplayEnvelope, createUserEnvelope } from './support/events';
import { NOW, usePipeline } from './support/pipeline';
import { filterEntryInserts } from './support/stream';

const pipeline = usePipeline();

describe('an EventBridge archive replay', () => {
  it('is recorded with origin eventbridge-replay and sends nothing by default', async () => {
    const envelope = archiveReplayEnvelope();
    const eventId = envelope.detail.eventID;

    const result = await pipeline.record(envelope);

    expect(result.outcome).toBe('inserted');
    expect(result.entry.severity).toBe('high');
    const stored = await pipeline.store.get(eventId);
    expect(stored).toMatchObject({ eventId, origin: 'eventbridge-replay', eventName: 'DeactivateMFADevice' });
    const inserts = filterEntryInserts(pipeline.stream.take());
    expect(inserts).toHaveLength(1);

    expect(await pipeline.notify()({ Records: inserts })).toEqual({ batchItemFailures: [] });

    expect(pipeline.slack.requests).toHaveLength(0);
    expect(pipeline.sns.requestCount()).toBe(0);
    expect((await pipeline.store.get(eventId))?.delivery).toBeUndefined();
  });

  it('alerts on every channel when alertOnReplay is set', async () => {
    const envelope = archiveReplayEnvelope();
    const eventId = envelope.detail.eventID;
    const inserts = await pipeline.recordInserts(envelope);

    expect(await pipeline.notify({ alertOnReplay: true })({ Records: inserts })).toEqual({
      batchItemFailures: [],
    });

    expect(pipeline.slack.mentioning(eventId)).toHaveLength(1);
    expect(pipeline.sns.published).toHaveLength(1);
    expect(pipeline.sns.published[0]?.attributes.detection?.value).toContain('iam-mfa-device-removed');
    expect((await pipeline.store.get(eventId))?.delivery).toEqual({
      'slack:default': { status: 'delivered', at: NOW.toISOString(), attempts: 1 },
      sns: { status: 'delivered', at: NOW.toISOString(), attempts: 1 },
    });
  });

  it('does not suppress the live delivery of the same kind of event', async () => {
    const { 'replay-name': _replayName, ...live } = archiveReplayEnvelope();
    const inserts = await pipeline.recordInserts(live);

    await pipeline.notify()({ Records: inserts });

    expect(pipeline.slack.mentioning(live.detail.eventID)).toHaveLength(1);
    expect(pipeline.sns.published).toHaveLength(1);
  });
});

describe('a CloudTrail backfill', () => {
  it('is recorded with origin backfill and sends nothing by default', async () => {
    const envelope = createUserEnvelope();

    await pipeline.backfill(envelope);
    const inserts = filterEntryInserts(pipeline.stream.take());
    expect(inserts).toHaveLength(1);
    const response = await pipeline.notify()({ Records: inserts });

    expect(response).toEqual({ batchItemFailures: [] });
    expect((await pipeline.store.get(envelope.detail.eventID))?.origin).toBe('backfill');
    expect(pipeline.slack.requests).toHaveLength(0);
    expect(pipeline.sns.requestCount()).toBe(0);
  });
});
