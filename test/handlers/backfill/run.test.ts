import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../../handlers/backfill/checkpoint';
import type { LookupQuery } from '../../../handlers/backfill/plan';
import { type BackfillPlan, runBackfill } from '../../../handlers/backfill/run';
import { LOOKUP_SETTLE_MS, windowOf } from '../../../handlers/backfill/window';
import { MemoryLedgerStore } from '../../../handlers/ledger/memory-store';
import { makeContext } from '../../../rules/context';
import type { CloudTrailRecord } from '../../../rules/types';
import { iamCall } from './support/events';

const home = mkdtempSync(join(tmpdir(), 'iamwatch-backfill-run-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const NOW = new Date('2025-03-20T12:00:00Z');
const QUERY: LookupQuery = {
  attribute: 'EventSource',
  value: 'iam.amazonaws.com',
  key: 'source-iam.amazonaws.com',
  reason: 'test',
};

/** A CloudTrail client answering LookupEvents from `visible()`, filtered by the request's time range. */
function fakeClient(visible: () => CloudTrailRecord[]): CloudTrailClient {
  return {
    send: async (command: LookupEventsCommand) => {
      const { StartTime, EndTime } = command.input;
      const events = visible()
        .filter((record) => {
          const time = Date.parse(record.eventTime);
          return time >= (StartTime as Date).getTime() && time <= (EndTime as Date).getTime();
        })
        .map((record) => ({ EventId: record.eventID, CloudTrailEvent: JSON.stringify(record) }));
      return { Events: events };
    },
  } as unknown as CloudTrailClient;
}

describe('runBackfill', () => {
  it('fetches again next time the minutes CloudTrail may not have delivered yet', async () => {
    const late = iamCall('CreateUser', 1, { base: '2025-03-20T11:55:00Z', minutes: 0 });
    let available: CloudTrailRecord[] = [];
    const store = new MemoryLedgerStore();
    const checkpoints = new CheckpointStore(join(home, 'backfill'));
    const plan: BackfillPlan = {
      lanes: [{ account: 'default', region: 'us-east-1' }],
      queries: [QUERY],
      window: windowOf('2025-03-20T11:00:00Z', NOW),
      restart: false,
      parallel: 1,
    };
    const deps = {
      clientFor: () => fakeClient(() => available),
      checkpoints,
      isDelivered: () => true,
      record: {
        store,
        context: makeContext({}),
        clock: { now: () => NOW },
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      },
      report: () => undefined,
      now: () => NOW,
    };

    const first = await runBackfill(plan, deps);
    expect(first.inserted).toBe(0);
    const saved = await checkpoints.load('default', 'us-east-1', QUERY);
    expect(saved.covered).toEqual([
      windowOf('2025-03-20T11:00:00Z', new Date(NOW.getTime() - LOOKUP_SETTLE_MS)),
    ]);

    // The call made at 11:55 shows up in event history only now.
    available = [late];
    const second = await runBackfill(plan, deps);
    expect(second.upToDate).toBe(0);
    expect(second.inserted).toBe(1);
    expect(await store.get(late.eventID)).toBeDefined();
  });
});
