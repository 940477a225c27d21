import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { deliveredBatches, inputBytesAtLeast } from '../../../handlers/input/reader-threads';
import { InvalidRecordError } from '../../../rules/cloudtrail/parse';
import { derivePatterns } from '../../../rules/eventbridge/derive';
import { CATALOG } from '../../../rules/registry';

const FIXTURES = new URL('../../fixtures/cloudtrail/', import.meta.url).pathname;
const patterns = derivePatterns(CATALOG);
const dir = mkdtempSync(join(tmpdir(), 'iamwatch-delivered-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(paths: string[], worker: boolean) {
  const batches = [];
  for await (const batch of deliveredBatches(paths, { patterns, worker })) batches.push(batch);
  return {
    read: batches.reduce((n, b) => n + b.read, 0),
    notDelivered: batches.reduce((n, b) => n + b.notDelivered, 0),
    items: batches.flatMap((b) => b.items),
  };
}

describe('deliveredBatches', () => {
  it('delivers the same records, in the same order, in a worker thread as in process', async () => {
    const inProcess = await collect([FIXTURES], false);
    const inWorker = await collect([FIXTURES], true);
    expect(inProcess.read).toBeGreaterThan(15);
    expect(inProcess.notDelivered).toBeGreaterThan(0);
    expect(inWorker.read).toBe(inProcess.read);
    expect(inWorker.notDelivered).toBe(inProcess.notDelivered);
    const ids = (items: typeof inProcess.items) =>
      items.map((i) => (i.ok ? i.record.eventID : i.location.source));
    expect(ids(inWorker.items)).toEqual(ids(inProcess.items));
    expect(inWorker.items.filter((i) => i.ok).map((i) => i.ok && i.envelope.source)).toEqual(
      inProcess.items.filter((i) => i.ok).map((i) => i.ok && i.envelope.source),
    );
  });

  it('reports invalid records from the worker as InvalidRecordError with their location', async () => {
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ Records: [{ eventName: 'CreateUser' }] }));
    const { items } = await collect([join(dir, 'bad.json')], true);
    expect(items).toHaveLength(1);
    const [item] = items;
    expect(item?.ok).toBe(false);
    if (item && !item.ok) {
      expect(item.error).toBeInstanceOf(InvalidRecordError);
      expect(item.error.message).toContain('eventID');
      expect(item.location).toEqual({ source: join(dir, 'bad.json'), record: 1 });
    }
  });

  it('reads stdin in the main thread even when worker threads are asked for', async () => {
    const record = readFileSync(join(FIXTURES, 'create-user.json'), 'utf8');
    const stdin = Readable.from([record]);
    const batches = [];
    for await (const batch of deliveredBatches(['-'], { patterns, worker: true, stdin })) batches.push(batch);
    const items = batches.flatMap((b) => b.items);
    expect(items).toHaveLength(1);
    expect(items[0]?.ok && items[0].record.eventName).toBe('CreateUser');
  });

  it('picks the worker by input size', async () => {
    writeFileSync(join(dir, 'small.json'), '{}');
    expect(await inputBytesAtLeast([dir], 1024 * 1024)).toBe(false);
    expect(await inputBytesAtLeast([dir], 2)).toBe(true);
    expect(await inputBytesAtLeast([join(dir, 'missing')], 1)).toBe(false);
  });
});
