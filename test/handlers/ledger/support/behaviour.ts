/**
 * The behavioural suite every LedgerStore must pass, written once and run for the memory store and
 * the DynamoDB store (over a real dynalite).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerEncodingError, LedgerEntryNotFoundError } from '../../../../handlers/ledger/errors';
import { TRUNCATION_MARKER } from '../../../../handlers/ledger/raw';
import type { HistoryFilter, LedgerStore, StoredEntry } from '../../../../handlers/ports';
import { ACCOUNT_A, ACCOUNT_B, entry, hit, manyEntries, rawOf, SCENARIO, SSO_ROLE_ARN } from './entries';

interface LedgerUnderTest {
  store: LedgerStore;
  close(): Promise<void>;
}

export type OpenLedger = (options: { pageSize?: number }) => Promise<LedgerUnderTest>;

const digest = (text: string) => createHash('sha256').update(text).digest('base64url');
const ids = (entries: StoredEntry[]) => entries.map((stored) => stored.eventId);

async function putAll(store: LedgerStore, entries: StoredEntry[], parallel = 10): Promise<void> {
  for (let offset = 0; offset < entries.length; offset += parallel) {
    const results = await Promise.all(
      entries.slice(offset, offset + parallel).map((stored) => store.putIfAbsent(stored, rawOf(stored))),
    );
    expect(results.every((result) => result.outcome === 'inserted')).toBe(true);
  }
}

/** Registers the shared suite under `name`. */
export function describeLedgerBehaviour(name: string, open: OpenLedger): void {
  describe(`${name}: LedgerStore behaviour`, () => {
    describe('insert, duplicates, read back', () => {
      let ledger: LedgerUnderTest;
      beforeAll(async () => {
        ledger = await open({});
      });
      afterAll(async () => ledger.close());

      it('inserts once and reports a second put of the same eventId as duplicate', async () => {
        const first = entry({ eventId: 'dup-1', eventTime: '2026-11-20T14:03:11Z', severity: 'medium' });
        expect(await ledger.store.putIfAbsent(first, rawOf(first))).toEqual({ outcome: 'inserted' });
        const changed = {
          ...first,
          severity: 'critical' as const,
          detections: [hit('root-activity', 'high')],
        };
        expect(await ledger.store.putIfAbsent(changed, rawOf(changed))).toEqual({ outcome: 'duplicate' });
        expect(await ledger.store.get('dup-1')).toEqual(first);
      });

      it('lets exactly one of 20 concurrent puts of one eventId insert', async () => {
        const stored = entry({
          eventId: 'race-1',
          eventTime: '2026-11-21T01:02:03Z',
          actor: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/racer', name: 'racer' },
          detections: [hit('iam-user-created', 'medium')],
          severity: 'medium',
        });
        const results = await Promise.all(
          Array.from({ length: 20 }, () => ledger.store.putIfAbsent(stored, rawOf(stored))),
        );
        expect(results.filter((result) => result.outcome === 'inserted')).toHaveLength(1);
        expect(results.filter((result) => result.outcome === 'duplicate')).toHaveLength(19);
        expect(ids(await ledger.store.history({ actor: 'racer' }))).toEqual(['race-1']);
        expect(
          ids(await ledger.store.history({ detection: 'iam-user-created', since: '2026-11-21' })),
        ).toEqual(['race-1']);
      });

      it('round-trips every contract field and the raw record', async () => {
        const full: StoredEntry = {
          ...SCENARIO[2]!,
          eventId: 'full-1',
          accountName: 'prod-payments',
          vpcEndpointId: 'vpce-0abc',
          userAgent: 'aws-cli/2.15.0 Python/3.11',
          actor: {
            ...SCENARIO[2]!.actor,
            principalId: 'AROAEXAMPLE:alice',
            sourceIdentity: 'alice',
            accessKeyId: 'ASIAEXAMPLE',
          },
          delivery: { sns: { status: 'delivered', at: '2026-11-19T08:00:05.000Z', attempts: 1 } },
        };
        const raw = rawOf(full, { requestParameters: { roleName: 'deployer', policyArn: full.policyArn } });
        await ledger.store.putIfAbsent(full, raw);
        expect(await ledger.store.get('full-1')).toEqual(full);
        expect(await ledger.store.getRaw('full-1')).toEqual(raw);
      });

      it('returns undefined for an unknown eventId', async () => {
        expect(await ledger.store.get('no-such-event')).toBeUndefined();
        expect(await ledger.store.getRaw('no-such-event')).toBeUndefined();
      });

      it('refuses an entry that cannot be encoded with LedgerEncodingError and stores nothing', async () => {
        const bad = entry({ eventId: 'bad-1', eventTime: 'yesterday' });
        await expect(ledger.store.putIfAbsent(bad, rawOf(bad))).rejects.toBeInstanceOf(LedgerEncodingError);
        const badSeverity = {
          ...entry({ eventId: 'bad-2', eventTime: '2026-11-20T00:00:00Z' }),
          severity: 'urgent',
        };
        // @ts-expect-error: an invalid severity, as untyped input could carry
        await expect(ledger.store.putIfAbsent(badSeverity, rawOf(badSeverity))).rejects.toBeInstanceOf(
          LedgerEncodingError,
        );
        expect(await ledger.store.get('bad-1')).toBeUndefined();
        expect(await ledger.store.get('bad-2')).toBeUndefined();
      });

      it('keeps the entry intact when the raw record carries a 1 MB policy document', async () => {
        const big = entry({
          eventId: 'big-1',
          eventTime: '2026-11-20T15:00:00Z',
          eventName: 'PutUserPolicy',
        });
        const policyDocument = JSON.stringify({
          Version: '2012-10-17',
          // Hash-derived names barely compress, like a real policy listing thousands of distinct resources.
          Statement: Array.from({ length: 8000 }, (_, index) => ({
            Sid: `S${index}`,
            Effect: 'Allow',
            Action: ['s3:GetObject', 'kms:Decrypt'],
            Resource: `arn:aws:s3:::${digest(`bucket-${index}`)}/${digest(`key-${index}`)}/*`,
          })),
        });
        expect(policyDocument.length).toBeGreaterThan(1_000_000);
        const raw = rawOf(big, {
          requestParameters: { userName: 'bob', policyName: 'huge', policyDocument },
        });
        expect(await ledger.store.putIfAbsent(big, raw)).toEqual({ outcome: 'inserted' });
        expect(await ledger.store.get('big-1')).toEqual(big);
        const stored = await ledger.store.getRaw('big-1');
        expect(stored?.eventID).toBe('big-1');
        expect(stored?.userIdentity).toEqual(raw.userIdentity);
        if (stored && TRUNCATION_MARKER in stored) {
          expect(stored[TRUNCATION_MARKER]).toMatchObject({ originalBytes: expect.any(Number) });
          expect(JSON.stringify(stored).length).toBeLessThan(400 * 1024);
        } else {
          expect(stored).toEqual(raw);
        }
      });
    });

    describe('delivery state', () => {
      let ledger: LedgerUnderTest;
      const stored = entry({ eventId: 'deliver-1', eventTime: '2026-11-20T12:00:00Z', severity: 'high' });
      beforeAll(async () => {
        ledger = await open({});
        await ledger.store.putIfAbsent(stored, rawOf(stored));
      });
      afterAll(async () => ledger.close());

      it('records each channel without clobbering the other', async () => {
        const slackFailed = {
          status: 'failed' as const,
          at: '2026-11-20T12:00:01.000Z',
          attempts: 1,
          error: 'transient: 503',
        };
        const sns = { status: 'delivered' as const, at: '2026-11-20T12:00:01.500Z', attempts: 1 };
        const slackDelivered = { status: 'delivered' as const, at: '2026-11-20T12:00:09.000Z', attempts: 2 };
        await ledger.store.markDelivery('deliver-1', 'slack:default', slackFailed);
        await ledger.store.markDelivery('deliver-1', 'sns', sns);
        expect((await ledger.store.get('deliver-1'))?.delivery).toEqual({
          'slack:default': slackFailed,
          sns,
        });
        await ledger.store.markDelivery('deliver-1', 'slack:default', slackDelivered);
        const after = await ledger.store.get('deliver-1');
        expect(after?.delivery).toEqual({ 'slack:default': slackDelivered, sns });
        expect({ ...after, delivery: undefined }).toEqual({ ...stored, delivery: undefined });
      });

      it('keeps concurrent updates of two channels', async () => {
        const other = entry({ eventId: 'deliver-2', eventTime: '2026-11-20T12:30:00Z' });
        await ledger.store.putIfAbsent(other, rawOf(other));
        const at = '2026-11-20T12:30:01.000Z';
        await Promise.all([
          ledger.store.markDelivery('deliver-2', 'slack:sec', { status: 'delivered', at, attempts: 1 }),
          ledger.store.markDelivery('deliver-2', 'sns', { status: 'skipped', at, attempts: 0 }),
        ]);
        expect(Object.keys((await ledger.store.get('deliver-2'))?.delivery ?? {}).sort()).toEqual([
          'slack:sec',
          'sns',
        ]);
      });

      it('rejects delivery state for an entry that does not exist', async () => {
        await expect(
          ledger.store.markDelivery('ghost', 'sns', {
            status: 'delivered',
            at: '2026-11-20T00:00:00Z',
            attempts: 1,
          }),
        ).rejects.toBeInstanceOf(LedgerEntryNotFoundError);
        expect(await ledger.store.get('ghost')).toBeUndefined();
      });
    });

    describe('history: every access pattern and filter combination', () => {
      let ledger: LedgerUnderTest;
      beforeAll(async () => {
        ledger = await open({ pageSize: 3 });
        await putAll(ledger.store, SCENARIO);
      });
      afterAll(async () => ledger.close());

      const cases: [string, HistoryFilter, string[]][] = [
        [
          'no filter: everything, newest first',
          {},
          ['e09', 'e08', 'e07', 'e06', 'e05', 'e04', 'e03', 'e02', 'e01'],
        ],
        ['actor ARN', { actor: `arn:aws:iam::${ACCOUNT_A}:user/alice` }, ['e09', 'e07', 'e02', 'e01']],
        ['actor name, any case', { actor: 'ALICE' }, ['e09', 'e07', 'e02', 'e01']],
        ['actor role ARN finds its sessions', { actor: SSO_ROLE_ARN }, ['e04', 'e03']],
        ['actor session name', { actor: 'alice@example.com' }, ['e03']],
        ['target name', { target: 'bob' }, ['e06', 'e04', 'e02', 'e01']],
        ['target ARN', { target: `arn:aws:iam::${ACCOUNT_A}:user/bob` }, ['e06', 'e02', 'e01']],
        ['target type/name', { target: 'user/bob' }, ['e06', 'e04', 'e02', 'e01']],
        ['target type/name in an account', { target: 'user/bob', account: ACCOUNT_B }, ['e04']],
        ['target name in an account', { target: 'bob', account: ACCOUNT_A }, ['e06', 'e02', 'e01']],
        ['target of the wrong type', { target: 'role/bob' }, []],
        ['attached policy by name', { target: 'AdministratorAccess' }, ['e03']],
        ['attached policy by ARN', { target: 'arn:aws:iam::aws:policy/AdministratorAccess' }, ['e03']],
        ['account', { account: ACCOUNT_B }, ['e08', 'e04', 'e03']],
        ['source IP', { ip: '203.0.113.7' }, ['e09', 'e06', 'e02', 'e01']],
        ['event name, any case', { eventName: 'createuser' }, ['e04', 'e01']],
        ['detection', { detection: 'iam-user-created' }, ['e04', 'e01']],
        ['second detection of an entry', { detection: 'iam-inline-admin-policy-added' }, ['e07']],
        ['minimum severity high', { minSeverity: 'high' }, ['e07', 'e05', 'e03', 'e02']],
        [
          'minimum severity low skips info',
          { minSeverity: 'low' },
          ['e09', 'e07', 'e06', 'e05', 'e04', 'e03', 'e02', 'e01'],
        ],
        [
          'minimum severity info is everything',
          { minSeverity: 'info' },
          ['e09', 'e08', 'e07', 'e06', 'e05', 'e04', 'e03', 'e02', 'e01'],
        ],
        ['since (inclusive)', { since: '2026-11-19T12:00:00Z' }, ['e09', 'e08', 'e07', 'e06', 'e05', 'e04']],
        ['until (inclusive)', { until: '2026-11-19T12:00:00.000Z' }, ['e05', 'e04', 'e03', 'e02', 'e01']],
        ['one day', { since: '2026-11-19', until: '2026-11-19T23:59:59Z' }, ['e05', 'e04', 'e03']],
        ['actor since', { actor: 'alice', since: '2026-11-19T00:00:00Z' }, ['e09', 'e07']],
        ['account and minimum severity', { account: ACCOUNT_A, minSeverity: 'high' }, ['e07', 'e05', 'e02']],
        ['detection in an account', { detection: 'iam-user-created', account: ACCOUNT_A }, ['e01']],
        ['IP and event name', { ip: '198.51.100.9', eventName: 'CreateUser' }, ['e04']],
        ['actor, target and time', { actor: 'alice', target: 'bob', until: '2026-11-18T09:30:00Z' }, ['e01']],
        [
          'event name in a time window',
          { eventName: 'CreateUser', since: '2026-11-19', until: '2026-11-20' },
          ['e04'],
        ],
        ['limit', { limit: 3 }, ['e09', 'e08', 'e07']],
        ['limit with a filter', { account: ACCOUNT_A, limit: 2 }, ['e09', 'e07']],
        ['limit with merged severities', { minSeverity: 'medium', limit: 4 }, ['e09', 'e07', 'e05', 'e04']],
        ['unknown actor', { actor: 'mallory' }, []],
        ['a window with nothing in it', { since: '2026-11-21' }, []],
        ['a reversed window', { since: '2026-11-20', until: '2026-11-19' }, []],
        ['a reversed window on a facet', { actor: 'alice', since: '2026-11-20', until: '2026-11-19' }, []],
        [
          'empty strings are no constraint',
          { actor: '', account: '' },
          ['e09', 'e08', 'e07', 'e06', 'e05', 'e04', 'e03', 'e02', 'e01'],
        ],
      ];

      it.each(cases)('%s', async (_name, filter, expected) => {
        expect(ids(await ledger.store.history(filter))).toEqual(expected);
      });

      it('returns the stored entries themselves', async () => {
        expect(await ledger.store.history({ actor: 'carol' })).toEqual([SCENARIO[5]]);
      });

      it('finds entries dated far in the past and the future without a time filter', async () => {
        const old = entry({ eventId: 'x-old', eventTime: '2019-01-02T03:04:05Z', accountId: '999988887777' });
        const future = entry({
          eventId: 'x-future',
          eventTime: '2031-06-07T08:09:10Z',
          accountId: '999988887777',
        });
        await putAll(ledger.store, [old, future]);
        const all = ids(await ledger.store.history({}));
        expect(all[0]).toBe('x-future');
        expect(all.at(-1)).toBe('x-old');
        expect(ids(await ledger.store.history({ account: '999988887777' }))).toEqual(['x-future', 'x-old']);
      });
    });

    describe('history: 250 entries, small pages', () => {
      let ledger: LedgerUnderTest;
      const bulk = manyEntries(250);
      const newestFirst = [...bulk].sort((a, b) => Date.parse(b.eventTime) - Date.parse(a.eventTime));
      beforeAll(async () => {
        ledger = await open({ pageSize: 7 });
        await putAll(ledger.store, bulk);
      });
      afterAll(async () => ledger.close());

      it('reaches every entry, newest first, each once', async () => {
        const all = ids(await ledger.store.history({}));
        expect(all).toHaveLength(250);
        expect(new Set(all).size).toBe(250);
        expect(all).toEqual(ids(newestFirst));
      });

      it('honours the limit across pages', async () => {
        expect(ids(await ledger.store.history({ limit: 100 }))).toEqual(ids(newestFirst.slice(0, 100)));
        expect(ids(await ledger.store.history({ limit: 1 }))).toEqual(ids(newestFirst.slice(0, 1)));
      });

      it('pages through one facet partition', async () => {
        const expected = newestFirst.filter((stored) => stored.accountId === ACCOUNT_B);
        expect(ids(await ledger.store.history({ account: ACCOUNT_B }))).toEqual(ids(expected));
        expect(ids(await ledger.store.history({ account: ACCOUNT_B, limit: 30 }))).toEqual(
          ids(expected.slice(0, 30)),
        );
      });

      it('merges severity partitions newest first', async () => {
        const expected = newestFirst.filter(
          (stored) => stored.severity === 'high' || stored.severity === 'critical',
        );
        expect(ids(await ledger.store.history({ minSeverity: 'high' }))).toEqual(ids(expected));
        expect(ids(await ledger.store.history({ minSeverity: 'high', limit: 11 }))).toEqual(
          ids(expected.slice(0, 11)),
        );
      });

      it('walks the days of a time window', async () => {
        const since = '2026-10-02T06:00:00Z';
        const until = '2026-10-04T18:00:00Z';
        const expected = newestFirst.filter(
          (stored) =>
            Date.parse(stored.eventTime) >= Date.parse(since) &&
            Date.parse(stored.eventTime) <= Date.parse(until),
        );
        expect(expected.length).toBeGreaterThan(50);
        expect(ids(await ledger.store.history({ since, until }))).toEqual(ids(expected));
      });
    });
  });
}
