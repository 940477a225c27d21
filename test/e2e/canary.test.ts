/**
 * The canary's write end to end over real components: EventBridge envelope → record handler →
 * ledger (dynalite) → stream INSERT (filtered as deployed) → notify → the local Slack and SNS. The
 * canary entry is labelled, its arrival noted for the heartbeat check, and nothing is posted at the
 * wire even on routes that want every severity; its near misses alert like any change.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryHeartbeatStore } from '../../handlers/heartbeat/store';
import { toEnvelope } from '../../rules/cloudtrail/envelope';
import type { CloudTrailRecord } from '../../rules/types';
import { CANARY, canaryRecord } from '../support/canary';
import { NOW, usePipeline } from './support/pipeline';
import { filterEntryInserts } from './support/stream';

const arrivals = new MemoryHeartbeatStore();
const pipeline = usePipeline({ context: { canary: CANARY }, canaryArrivals: arrivals });
beforeEach(() => {
  arrivals.canary = undefined;
});

/** Notify as deployed, but with Slack and SNS wanting everything down to info. */
async function notifyEverything(): Promise<void> {
  const inserts = filterEntryInserts(pipeline.stream.take());
  expect(inserts).toHaveLength(1);
  const response = await pipeline.notify({ slackMinSeverity: 'info', snsMinSeverity: 'info' })({
    Records: inserts,
  });
  expect(response).toEqual({ batchItemFailures: [] });
}

function withId(record: CloudTrailRecord, eventID: string): CloudTrailRecord {
  return { ...record, eventID };
}

describe('the canary write through record and notify', () => {
  it('is recorded, labelled canary, noted as arrived, and posts nothing to Slack or SNS', async () => {
    const envelope = toEnvelope(canaryRecord());
    const result = await pipeline.record(envelope);

    expect(result.outcome).toBe('inserted');
    const stored = await pipeline.store.get(envelope.detail.eventID);
    expect(stored).toMatchObject({
      eventName: 'TagRole',
      target: { type: 'role', name: 'iamwatch-canary' },
      canary: true,
      severity: 'info',
      detections: [{ id: 'iam-change' }],
    });
    expect(await arrivals.canaryState()).toEqual({
      lastSeenAt: stored!.eventTime,
      arrivedAt: NOW.toISOString(),
    });

    await notifyEverything();
    expect(pipeline.slack.requests).toEqual([]);
    expect(pipeline.sns.published).toEqual([]);
    expect((await pipeline.store.get(envelope.detail.eventID))?.delivery).toBeUndefined();
  });

  it('a duplicate delivery changes nothing and still posts nothing', async () => {
    const envelope = toEnvelope(withId(canaryRecord(), '6a1f2b3c-4d5e-4f60-8a7b-8c9d0e1f2a3b'));
    await pipeline.record(envelope);
    await notifyEverything();
    expect((await pipeline.record(envelope)).outcome).toBe('duplicate');
    expect(filterEntryInserts(pipeline.stream.take())).toEqual([]);
    expect(pipeline.slack.requests).toEqual([]);
  });

  it.each<[string, CloudTrailRecord]>([
    [
      'TagRole on another role',
      withId(
        {
          ...canaryRecord(),
          requestParameters: { roleName: 'payments-deploy', tags: [{ key: 'team', value: 'x' }] },
        },
        '1b2c3d4e-5f60-4a7b-9c8d-9e0f1a2b3c4d',
      ),
    ],
    [
      'the same TagRole from another account',
      withId(
        JSON.parse(JSON.stringify(canaryRecord()).replaceAll('111122223333', '777788889999')),
        '2c3d4e5f-6071-4b8c-8d9e-0f1a2b3c4d5e',
      ),
    ],
  ])('near miss: %s is an ordinary entry and alerts', async (_name, record) => {
    const envelope = toEnvelope(record);
    await pipeline.record(envelope);
    const stored = await pipeline.store.get(envelope.detail.eventID);
    expect(stored).not.toHaveProperty('canary');
    expect(await arrivals.canaryState()).toBeUndefined();

    await notifyEverything();
    expect(pipeline.slack.requests).toHaveLength(1);
    expect(pipeline.sns.published).toHaveLength(1);
  });
});
