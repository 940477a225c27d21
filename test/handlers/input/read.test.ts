import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readInputs } from '../../../handlers/input/read';
import type { ParsedItem } from '../../../rules/cloudtrail/parse';

const fixtures = fileURLToPath(new URL('../../fixtures/cloudtrail', import.meta.url));

function record(eventID: string, eventName = 'CreateUser'): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', accountId: '111122223333', userName: 'alice' },
    eventTime: '2025-03-14T09:12:04Z',
    eventSource: 'iam.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    eventID,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
  };
}

async function collect(paths: string[], stdin?: NodeJS.ReadableStream): Promise<ParsedItem[]> {
  const items: ParsedItem[] = [];
  for await (const item of readInputs(paths, stdin ? { stdin } : {})) items.push(item);
  return items;
}

const summary = (items: ParsedItem[]) =>
  items.map((item) =>
    item.ok ? item.record.eventID : `error ${item.location.source}: ${item.error.message}`,
  );

describe('readInputs', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'iamwatch-read-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a single file and names it in locations', async () => {
    const path = join(dir, 'one.json');
    await writeFile(path, JSON.stringify(record('id-1')));
    const items = await collect([path]);
    expect(summary(items)).toEqual(['id-1']);
    expect(items[0]?.location).toEqual({ source: path });
  });

  it('gunzips by magic bytes whatever the name, and reads .json.gz as CloudTrail writes it', async () => {
    await writeFile(
      join(dir, 'a.json.gz'),
      gzipSync(JSON.stringify({ Records: [record('id-1'), record('id-2')] })),
    );
    await writeFile(join(dir, 'b.json'), gzipSync(JSON.stringify(record('id-3'))));
    await writeFile(join(dir, 'c.gz'), gzipSync(JSON.stringify(record('id-4'))));
    const items = await collect([join(dir, 'a.json.gz'), join(dir, 'b.json'), join(dir, 'c.gz')]);
    expect(summary(items)).toEqual(['id-1', 'id-2', 'id-3', 'id-4']);
    expect(items[1]?.location).toEqual({ source: join(dir, 'a.json.gz'), record: 2 });
  });

  it('walks directories recursively in sorted order, skipping non-JSON and hidden files', async () => {
    await mkdir(join(dir, 'b', 'nested'), { recursive: true });
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, 'b', 'nested', 'z.jsonl'), `${JSON.stringify(record('id-4'))}\n`);
    await writeFile(join(dir, 'b', '2.json'), JSON.stringify(record('id-3')));
    await writeFile(join(dir, 'a.json'), JSON.stringify(record('id-1')));
    await writeFile(join(dir, 'B.json'), JSON.stringify(record('id-0')));
    await writeFile(join(dir, 'a2.json.gz'), gzipSync(JSON.stringify(record('id-2'))));
    await writeFile(join(dir, 'README.md'), '# not input');
    await writeFile(join(dir, 'notes.txt'), 'not input either');
    await writeFile(join(dir, '.hidden.json'), '{ broken');
    await writeFile(join(dir, '.git', 'x.json'), '{ broken');
    expect(summary(await collect([dir]))).toEqual(['id-0', 'id-1', 'id-2', 'id-3', 'id-4']);
  });

  it('reports a malformed file once by name and goes on with the next', async () => {
    await writeFile(join(dir, 'a.json'), '{"Records": [ {"eventID": ');
    await writeFile(join(dir, 'b.json'), JSON.stringify(record('id-2')));
    const items = await collect([dir]);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ ok: false, location: { source: join(dir, 'a.json') } });
    expect(summary(items)[1]).toBe('id-2');
  });

  it('reports a record missing eventID with file and record number, and keeps the rest', async () => {
    const { eventID: _omitted, ...noId } = record('unused');
    const path = join(dir, 'log.json');
    await writeFile(path, JSON.stringify({ Records: [record('id-1'), noId, record('id-3')] }));
    const items = await collect([path]);
    expect(summary(items)).toEqual(['id-1', `error ${path}: missing required field "eventID"`, 'id-3']);
    expect(items[1]?.location).toEqual({ source: path, record: 2 });
  });

  it('reports JSON lines with a bad line by line number', async () => {
    const path = join(dir, 'events.jsonl');
    await writeFile(
      path,
      [JSON.stringify(record('id-1')), 'not json', JSON.stringify(record('id-3'))].join('\n'),
    );
    const items = await collect([path]);
    expect(items.map((item) => [item.ok, item.location.line])).toEqual([
      [true, 1],
      [false, 2],
      [true, 3],
    ]);
  });

  it('reports a missing path and a corrupt gzip file, then continues', async () => {
    const missing = join(dir, 'missing.json');
    const corrupt = join(dir, 'corrupt.json.gz');
    await writeFile(corrupt, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from('garbage')]));
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify(record('id-1')));
    const items = await collect([missing, corrupt, good]);
    expect(items).toHaveLength(3);
    expect(items[0]).toMatchObject({ ok: false, location: { source: missing } });
    if (items[0]?.ok !== false || items[1]?.ok !== false) throw new Error('expected error items');
    expect(items[0].error.message).toMatch(/^cannot read input: .*ENOENT/);
    expect(items[1].location.source).toBe(corrupt);
    expect(items[1].error.message).toMatch(/^not valid gzip: /);
    expect(summary(items)[2]).toBe('id-1');
  });

  it('reads "-" from stdin, plain or gzipped, in path order', async () => {
    const path = join(dir, 'after.json');
    await writeFile(path, JSON.stringify(record('id-3')));
    const stdin = Readable.from([
      Buffer.from(`${JSON.stringify(record('id-1'))}\n`),
      `${JSON.stringify(record('id-2'))}\n`,
    ]);
    const items = await collect(['-', path], stdin);
    expect(summary(items)).toEqual(['id-1', 'id-2', 'id-3']);
    expect(items[0]?.location).toEqual({ source: '<stdin>', line: 1 });

    const gzipped = Readable.from([gzipSync(JSON.stringify({ Records: [record('id-9')] }))]);
    expect(summary(await collect(['-'], gzipped))).toEqual(['id-9']);
  });

  it('reads the project fixtures directory with no errors', async () => {
    const items = await collect([fixtures]);
    expect(items.filter((item) => !item.ok)).toEqual([]);
    expect(items.length).toBeGreaterThanOrEqual(20);
    const names = items.map((item) => (item.ok ? item.record.eventName : ''));
    expect(names).toContain('UpdateAssumeRolePolicy');
    expect(names).toContain('CreateGroup');
  });
});
