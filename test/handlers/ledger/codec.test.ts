import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeEntryItem,
  decodeRawItem,
  encodeEntry,
  eventIdOfItem,
  expiresAtOf,
} from '../../../handlers/ledger/codec';
import { LedgerDecodingError, LedgerEncodingError } from '../../../handlers/ledger/errors';
import { facetKey, sortTime } from '../../../handlers/ledger/keys';
import { decodeRawRecord, encodeRawRecord, TRUNCATION_MARKER } from '../../../handlers/ledger/raw';
import { DYNAMODB_MAX_ITEM_BYTES, itemSize } from '../../../handlers/ledger/size';
import type { CloudTrailRecord } from '../../../rules/types';
import { entry, hit, rawOf, SCENARIO } from './support/entries';

describe('entry codec', () => {
  const stored = SCENARIO[2]!;

  it('round-trips an entry through its item, dropping keys and bookkeeping', () => {
    const encoded = encodeEntry(stored, rawOf(stored), 400);
    expect(encoded.entryItem).toMatchObject({
      pk: 'E#e03',
      sk: 'ENTRY',
      kind: 'entry',
      facet: 'day#2026-11-19',
      ts: '2026-11-19T08:00:00.000Z#e03',
      delivery: {},
      expiresAt: expiresAtOf(stored.eventTime, 400),
    });
    expect(decodeEntryItem(encoded.entryItem)).toEqual(stored);
    expect(decodeRawItem(encoded.rawItem)).toEqual(rawOf(stored));
    expect(encoded.dayItem).toMatchObject({ pk: 'DAYS', sk: '2026-11-19', kind: 'day' });
  });

  it('computes retention from the event time', () => {
    expect(expiresAtOf('2026-11-20T00:00:00Z', 400)).toBe(Date.parse('2027-12-25T00:00:00Z') / 1000);
    expect(expiresAtOf('2026-11-20T00:00:00Z', 1)).toBe(Date.parse('2026-11-21T00:00:00Z') / 1000);
  });

  it('keeps fields it does not know about (a newer contract read by an older reader)', () => {
    const newer = { ...stored, riskScore: 7 };
    expect(decodeEntryItem(encodeEntry(newer, rawOf(newer), 400).entryItem)).toEqual(newer);
  });

  it.each<[string, () => unknown]>([
    ['an unparseable event time', () => entry({ eventId: 'x', eventTime: 'not a time' })],
    [
      'a missing eventId',
      () => ({ ...entry({ eventId: 'x', eventTime: '2026-11-20T00:00:00Z' }), eventId: '' }),
    ],
    [
      'an unknown target type',
      () => ({ ...entry({ eventId: 'x', eventTime: '2026-11-20T00:00:00Z' }), target: { type: 'bucket' } }),
    ],
    [
      'a value that is not JSON',
      () => ({ ...entry({ eventId: 'x', eventTime: '2026-11-20T00:00:00Z' }), extra: 10n }),
    ],
    [
      'a reserved attribute name',
      () => ({ ...entry({ eventId: 'x', eventTime: '2026-11-20T00:00:00Z' }), pk: 'E#other' }),
    ],
    [
      'an entry over 400 KB',
      () =>
        entry({
          eventId: 'x',
          eventTime: '2026-11-20T00:00:00Z',
          detections: [hit('big', 'low')].map((h) => ({ ...h, title: 'x'.repeat(500_000) })),
        }),
    ],
  ])('refuses %s with LedgerEncodingError', (_name, build) => {
    const bad = build() as Parameters<typeof encodeEntry>[0];
    expect(() =>
      encodeEntry(bad, rawOf(entry({ eventId: 'x', eventTime: '2026-11-20T00:00:00Z' })), 400),
    ).toThrow(LedgerEncodingError);
  });

  it('refuses a corrupt stored item with LedgerDecodingError naming the entry', () => {
    const item = { ...encodeEntry(stored, rawOf(stored), 400).entryItem, severity: 'urgent' };
    expect(() => decodeEntryItem(item)).toThrow(LedgerDecodingError);
    expect(() => decodeEntryItem(item)).toThrow(/e03/);
  });

  it('tells entry items from their companions', () => {
    const encoded = encodeEntry(stored, rawOf(stored), 400);
    expect(eventIdOfItem(encoded.entryItem)).toBe('e03');
    expect(eventIdOfItem(encoded.rawItem)).toBeUndefined();
    expect(eventIdOfItem(encoded.dayItem)).toBeUndefined();
    for (const item of encoded.indexItems) expect(eventIdOfItem(item)).toBeUndefined();
  });

  it('writes one index item per distinct facet value, all pointing at the entry time', () => {
    const { indexItems } = encodeEntry(stored, rawOf(stored), 400);
    const facets = indexItems.map((item) => item.facet);
    expect(new Set(facets).size).toBe(facets.length);
    expect(facets).toContain('actor#alice@example.com');
    expect(facets).toContain('target#administratoraccess');
    expect(facets).toContain('severity#high');
    expect(new Set(indexItems.map((item) => item.ts))).toEqual(new Set([sortTime(stored.eventTime, 'e03')]));
  });

  it('does not index info severity (the bulk of the ledger)', () => {
    const info = entry({
      eventId: 'i1',
      eventTime: '2026-11-20T00:00:00Z',
      detections: [hit('iam-change', 'info')],
    });
    const facets = encodeEntry(info, rawOf(info), 400).indexItems.map((item) => item.facet);
    expect(facets.filter((facet) => String(facet).startsWith('severity#'))).toEqual([]);
    expect(facets).toContain('detection#iam-change');
  });
});

describe('facet keys', () => {
  it('are case-insensitive and hash values too long for a key', () => {
    expect(facetKey('actor', ' Alice ')).toBe('actor#alice');
    const long = `arn:aws:iam::111122223333:role/${'p/'.repeat(400)}r`;
    const key = facetKey('target', long);
    expect(key).toMatch(/^target#sha256:[0-9a-f]{64}$/);
    expect(facetKey('target', long.toUpperCase())).toBe(key);
  });
});

describe('raw record encoding', () => {
  const base: CloudTrailRecord = {
    eventID: 'r1',
    eventTime: '2026-11-20T00:00:00Z',
    eventName: 'PutUserPolicy',
    eventSource: 'iam.amazonaws.com',
    userIdentity: { type: 'IAMUser', userName: 'alice' },
  };

  it('stores small records as JSON and compresses large ones losslessly', () => {
    expect(encodeRawRecord(base, 10_000)).toMatchObject({ encoding: 'json', truncated: false });
    const large = { ...base, requestParameters: { policyDocument: 'Allow '.repeat(5_000) } };
    const encoded = encodeRawRecord(large, 10_000);
    expect(encoded).toMatchObject({ encoding: 'gzip-base64', truncated: false });
    expect(decodeRawRecord(encoded.text, encoded.encoding, 'r1')).toEqual(large);
  });

  it('shortens long strings when compression is not enough, and says so', () => {
    const large = { ...base, requestParameters: { policyDocument: randomBytes(600_000).toString('base64') } };
    const encoded = encodeRawRecord(large, 300_000);
    expect(encoded.truncated).toBe(true);
    expect(encoded.text.length).toBeLessThanOrEqual(300_000);
    const back = decodeRawRecord(encoded.text, encoded.encoding, 'r1');
    expect(back[TRUNCATION_MARKER]).toMatchObject({ originalBytes: encoded.originalBytes });
    expect(back.userIdentity).toEqual(base.userIdentity);
    expect(String(back.requestParameters?.policyDocument)).toMatch(/truncated \d+ chars/);
  });

  it('empties whole request parts when many small values are the problem', () => {
    const many = Object.fromEntries(
      Array.from({ length: 40_000 }, (_, index) => [`k${index}`, randomBytes(6).toString('hex')]),
    );
    const record = { ...base, requestParameters: many, resources: [{ ARN: 'arn:aws:iam::1:user/x' }] };
    const encoded = encodeRawRecord(record, 20_000);
    const back = decodeRawRecord(encoded.text, encoded.encoding, 'r1');
    expect(encoded.truncated).toBe(true);
    expect(back.requestParameters).toEqual({ [TRUNCATION_MARKER]: expect.stringMatching(/bytes removed/) });
    expect(back.eventID).toBe('r1');
  });

  it('refuses a record that is not JSON', () => {
    const circular: CloudTrailRecord = { ...base };
    circular.self = circular;
    expect(() => encodeRawRecord(circular, 10_000)).toThrow(LedgerEncodingError);
  });

  it('refuses stored text it cannot decode', () => {
    expect(() => decodeRawRecord('not base64 gzip', 'gzip-base64', 'r1')).toThrow(LedgerDecodingError);
    expect(() => decodeRawRecord('{}', 'json', 'r1')).toThrow(LedgerDecodingError);
    expect(() => decodeRawRecord(JSON.stringify(base), 'zstd', 'r1')).toThrow(LedgerDecodingError);
  });

  it('keeps every encoded raw item under the DynamoDB limit', () => {
    const stored = entry({ eventId: 'r1', eventTime: '2026-11-20T00:00:00Z' });
    const huge = {
      ...base,
      requestParameters: { policyDocument: randomBytes(1_000_000).toString('base64') },
    };
    const { rawItem, rawTruncated } = encodeEntry(stored, huge, 400);
    expect(rawTruncated).toBe(true);
    expect(itemSize(rawItem)).toBeLessThan(DYNAMODB_MAX_ITEM_BYTES);
  });
});

describe('itemSize', () => {
  it('counts names and values the way DynamoDB does', () => {
    expect(itemSize({ a: 'abc' })).toBe(4);
    expect(itemSize({ ok: true, n: null })).toBe(2 + 1 + 1 + 1);
    expect(itemSize({ m: { x: 'yz' } })).toBe(1 + 3 + 1 + 1 + 2);
    expect(itemSize({ l: ['ab', 'c'] })).toBe(1 + 3 + (1 + 2) + (1 + 1));
    expect(itemSize({ s: 'é' })).toBe(3);
    expect(itemSize({ n: 12345 })).toBe(1 + 4);
  });
});
