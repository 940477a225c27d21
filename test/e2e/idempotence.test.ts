/**
 * EventBridge delivers at least once. The same CloudTrail event delivered again, one after another or
 * at the same moment to several record Lambda containers, must leave one ledger entry, one stream
 * INSERT of it, and one Slack alert however often notify is invoked on that batch.
 */
import { describe, expect, it } from 'vitest';
import { adminAttachEnvelope, createUserEnvelope } from './support/events';
import { usePipeline } from './support/pipeline';
import { filterEntryInserts, kindOf } from './support/stream';

const DELIVERIES = 5;

const pipeline = usePipeline();

describe('the same event delivered five times', () => {
  it('one after another: one insert, four duplicates, one entry', async () => {
    const envelope = createUserEnvelope();
    const eventId = envelope.detail.eventID;

    const outcomes: string[] = [];
    for (let i = 0; i < DELIVERIES; i++) outcomes.push((await pipeline.record(envelope)).outcome);

    expect(outcomes).toEqual(['inserted', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    const history = await pipeline.store.history({ actor: 'alice', eventName: 'CreateUser' });
    expect(history.filter((entry) => entry.eventId === eventId)).toHaveLength(1);
    expect(pipeline.logs.filter((line) => line.message === 'duplicate delivery ignored')).toHaveLength(4);
    expect(filterEntryInserts(pipeline.stream.take())).toHaveLength(1);
  });

  it('at the same moment to five containers: exactly one insert wins', async () => {
    const envelope = adminAttachEnvelope();
    const eventId = envelope.detail.eventID;
    const containers = Array.from({ length: DELIVERIES }, () => pipeline.recordInNewContainer());

    const results = await Promise.all(containers.map((record) => record(structuredClone(envelope))));

    expect(results.filter((result) => result.outcome === 'inserted')).toHaveLength(1);
    expect(results.filter((result) => result.outcome === 'duplicate')).toHaveLength(DELIVERIES - 1);
    const history = await pipeline.store.history({
      target: 'svc-backup',
      detection: 'iam-admin-policy-attached',
    });
    expect(history.filter((entry) => entry.eventId === eventId)).toHaveLength(1);
    await pipeline.stream.settled();
    const written = pipeline.stream.take();
    expect(filterEntryInserts(written)).toHaveLength(1);
    // Duplicates repair rather than rewrite: each companion item appears on the stream once.
    const rawInserts = written.filter((record) => kindOf(record) === 'raw' && record.eventName === 'INSERT');
    expect(rawInserts).toHaveLength(1);
    expect(written.filter((record) => record.eventName === 'MODIFY')).toEqual([]);
  });

  it('alerts once, even when notify sees the whole stream and the same batch three times', async () => {
    const sequential = createUserEnvelope();
    const concurrent = adminAttachEnvelope();
    for (let i = 0; i < DELIVERIES; i++) await pipeline.record(sequential);
    const containers = Array.from({ length: DELIVERIES }, () => pipeline.recordInNewContainer());
    await Promise.all(containers.map((record) => record(structuredClone(concurrent))));
    await pipeline.stream.settled();
    // Unfiltered: every item the writes touched, as a stream without the event-source filter delivers.
    const batch = { Records: pipeline.stream.take() };
    expect(filterEntryInserts(batch.Records)).toHaveLength(2);
    const notify = pipeline.notify();

    for (let invocation = 0; invocation < 3; invocation++) {
      expect(await notify(batch)).toEqual({ batchItemFailures: [] });
    }
    // The delivery-state updates are on the stream as MODIFY records; they must not alert either.
    const updates = pipeline.stream.take();
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((record) => record.eventName === 'MODIFY')).toBe(true);
    expect(await notify({ Records: updates })).toEqual({ batchItemFailures: [] });

    expect(pipeline.slack.requests).toHaveLength(2);
    expect(pipeline.slack.mentioning(sequential.detail.eventID)).toHaveLength(1);
    expect(pipeline.slack.mentioning(concurrent.detail.eventID)).toHaveLength(1);
    expect(pipeline.sns.published).toHaveLength(1);
    const entry = await pipeline.store.get(concurrent.detail.eventID);
    expect(entry?.delivery?.['slack:default']).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(entry?.delivery?.sns).toMatchObject({ status: 'delivered', attempts: 1 });
  });
});
