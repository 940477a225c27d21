import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointError, CheckpointStore } from '../../../handlers/backfill/checkpoint';
import type { LookupQuery } from '../../../handlers/backfill/plan';

const dir = mkdtempSync(join(tmpdir(), 'iamwatch-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const iam: LookupQuery = {
  attribute: 'EventSource',
  value: 'iam.amazonaws.com',
  key: 'source-iam.amazonaws.com',
  reason: '',
};
const login: LookupQuery = {
  attribute: 'EventName',
  value: 'ConsoleLogin',
  key: 'event-ConsoleLogin',
  reason: '',
};

describe('CheckpointStore', () => {
  const store = new CheckpointStore(join(dir, 'backfill'));

  it('starts empty, and keeps windows and the NextToken across save and load', async () => {
    const fresh = await store.load('111122223333', 'us-east-1', iam);
    expect(fresh).toMatchObject({
      covered: [],
      lookup: { attribute: 'EventSource', value: 'iam.amazonaws.com' },
    });
    expect(fresh.inProgress).toBeUndefined();
    fresh.covered.push({ start: '2025-03-01T00:00:00Z', end: '2025-03-02T00:00:00Z' });
    fresh.covered.push({ start: '2025-03-02T00:00:01Z', end: '2025-03-03T00:00:00Z' });
    fresh.inProgress = {
      start: '2025-03-04T00:00:00Z',
      end: '2025-03-05T00:00:00Z',
      nextToken: 'abc',
      pages: 2,
    };
    await store.save(fresh, iam, new Date('2025-03-20T00:00:00Z'));
    const path = store.pathOf('111122223333', 'us-east-1', iam);
    expect(path).toBe(join(dir, 'backfill', '111122223333-us-east-1-source-iam.amazonaws.com.json'));
    const loaded = await store.load('111122223333', 'us-east-1', iam);
    expect(loaded.covered).toEqual([{ start: '2025-03-01T00:00:00Z', end: '2025-03-03T00:00:00Z' }]);
    expect(loaded.inProgress).toEqual({
      start: '2025-03-04T00:00:00Z',
      end: '2025-03-05T00:00:00Z',
      nextToken: 'abc',
      pages: 2,
    });
    expect(JSON.parse(readFileSync(path, 'utf8')).updatedAt).toBe('2025-03-20T00:00:00.000Z');
  });

  it('refuses a damaged file or one written for another lookup, pointing at --restart', async () => {
    writeFileSync(store.pathOf('111122223333', 'us-east-1', login), '{"version": 1, "covered": [');
    await expect(store.load('111122223333', 'us-east-1', login)).rejects.toThrow(CheckpointError);
    await expect(store.load('111122223333', 'us-east-1', login)).rejects.toThrow(/--restart/);
    const other = { ...login, value: 'StopLogging' };
    await store.save(await store.load('222233334444', 'us-east-1', other), other, new Date());
    writeFileSync(
      store.pathOf('222233334444', 'us-east-1', login),
      readFileSync(store.pathOf('222233334444', 'us-east-1', other)),
    );
    await expect(store.load('222233334444', 'us-east-1', login)).rejects.toThrow(/StopLogging/);
    await store.remove('222233334444', 'us-east-1', login);
    expect((await store.load('222233334444', 'us-east-1', login)).covered).toEqual([]);
  });

  it('keeps unsafe characters out of file names', () => {
    const odd: LookupQuery = { attribute: 'Username', value: 'a/b', key: 'user-../a b', reason: '' };
    expect(store.pathOf('default', 'us-east-1', odd)).toBe(
      join(dir, 'backfill', 'default-us-east-1-user-.._a_b.json'),
    );
  });
});
