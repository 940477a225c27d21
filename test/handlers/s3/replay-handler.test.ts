import { S3Client } from '@aws-sdk/client-s3';
import { beforeAll, expect, it } from 'vitest';
import {
  createReplayBatchHandler,
  ObjectsUnreadableError,
  type ReplayHandlerDeps,
} from '../../../handlers/s3/replay-handler';
import { silentLogger } from '../../../handlers/shared/logger';
import { makeContext } from '../../../rules/context';
import { describeWithMoto, useMoto } from '../../support/moto';
import { useSuiteResource } from '../../support/suite';
import { startDynaliteLedger } from '../ledger/support/dynalite';
import { CORRUPT_KEY, createTrailBucket, trailObjects } from './support/trail-bucket';

const BUCKET = 'org-trail-logs';
const OBJECTS = trailObjects();

describeWithMoto('the S3 backfill Lambda on a Distributed Map batch (moto S3, dynalite ledger)', () => {
  const moto = useMoto();
  const ledger = useSuiteResource(startDynaliteLedger);
  let s3: S3Client;

  beforeAll(async () => {
    s3 = moto.client(S3Client);
    await createTrailBucket(s3, BUCKET, OBJECTS);
  });

  const handler = (overrides: Partial<ReplayHandlerDeps> = {}) =>
    createReplayBatchHandler({
      store: ledger.store,
      context: makeContext({}),
      clock: { now: () => new Date('2026-12-01T00:00:00Z') },
      logger: silentLogger,
      s3,
      retentionDays: 36500,
      concurrency: 4,
      fetch: { retries: 0 },
      ...overrides,
    });

  const items = (keys: readonly string[]) => keys.map((Key) => ({ Key, Size: 1 }));
  const firstAccountLogs = OBJECTS.filter((o) => o.log && o.key.includes('/111122223333/')).map((o) => o.key);

  it('records each delivered event once as a silent backfill entry, skips digests, and a re-run changes nothing', async () => {
    const digests = OBJECTS.filter((o) => o.key.includes('CloudTrail-Digest')).map((o) => o.key);
    const event = {
      Items: items([...firstAccountLogs, ...digests.slice(0, 2)]),
      BatchInput: { bucket: BUCKET },
    };
    const first = await handler()(event);
    expect(first).toMatchObject({
      objects: 6,
      skipped: 2,
      read: 48,
      invalid: 0,
      duplicates: 0,
      failedObjects: [],
    });
    expect(first.inserted).toBe(first.delivered);
    expect(first.inserted + first.notDelivered).toBe(48);
    const entry = await ledger.store.get('00000000-0000-4000-8000-000000000001');
    expect(entry?.origin).toBe('backfill');
    const again = await handler()(event);
    expect(again).toMatchObject({ inserted: 0, duplicates: first.inserted });
  });

  it('honours the execution window: objects delivered outside it are not read', async () => {
    const event = {
      Items: items(firstAccountLogs),
      BatchInput: { bucket: BUCKET, since: '2025-03-16T00:00:00Z', regions: ['eu-west-1'] },
    };
    const result = await handler()(event);
    expect(result.objects).toBe(1);
    expect(result.skipped).toBe(firstAccountLogs.length - 1);
  });

  it('counts a corrupt object as invalid records, and fails the batch naming an unreadable one after recording the rest', async () => {
    const corrupt = await handler()({ Items: items([CORRUPT_KEY]), BatchInput: { bucket: BUCKET } });
    expect(corrupt).toMatchObject({ objects: 1, invalid: 1, failedObjects: [] });
    const missing = firstAccountLogs[0]?.replace('AbCdEfGh', 'MiSsInG0') as string;
    const run = handler()({
      Items: items([missing, ...firstAccountLogs.slice(1, 2)]),
      BatchInput: { bucket: BUCKET },
    });
    await expect(run).rejects.toBeInstanceOf(ObjectsUnreadableError);
    await expect(run).rejects.toThrow(missing);
  });

  it('writes nothing that the ledger TTL would delete at once: events older than the retention', async () => {
    const result = await handler({ retentionDays: 400 })({
      Items: items(firstAccountLogs.slice(0, 1)),
      BatchInput: { bucket: BUCKET },
    });
    expect(result.delivered).toBeGreaterThan(0);
    expect(result).toMatchObject({ inserted: 0, duplicates: 0, expired: result.delivered });
  });

  it('rejects an event that is not a Distributed Map batch', async () => {
    await expect(handler()({ Items: 'x' })).rejects.toThrow(/Distributed Map batch/);
    await expect(
      handler()({ Items: [], BatchInput: { bucket: BUCKET, since: 'yesterday' } }),
    ).rejects.toThrow(/not an ISO time/);
  });
});
