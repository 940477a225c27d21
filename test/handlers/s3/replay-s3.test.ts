import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { describeWithMoto, useMoto } from '../../support/moto';
import { useSuiteResource } from '../../support/suite';
import { cli, jsonLines } from '../cli/support';
import { getObjectKey, listedPrefixes, startS3Proxy } from './support/proxy';
import { CORRUPT_KEY, createTrailBucket, ORG_ID, trailObjects, writeLogFiles } from './support/trail-bucket';

const BUCKET = 'org-trail-logs';
const OBJECTS = trailObjects();
const LOG_KEYS = OBJECTS.filter((o) => o.log).map((o) => o.key);

/** Ledger entries as printed, in order, without what depends on the run (where the input came from). */
function entries(stdout: string): unknown[] {
  return jsonLines(stdout);
}

describeWithMoto('replay s3:// against moto_server', () => {
  const moto = useMoto({ stubEnv: 'credentials' });
  const proxy = useSuiteResource(() => startS3Proxy(moto.endpoint));
  let home: string;

  beforeAll(async () => {
    await createTrailBucket(moto.client(S3Client), BUCKET, OBJECTS);
  });
  afterEach(async () => {
    proxy.requests.length = 0;
    proxy.fault = () => undefined;
    if (home) await rm(home, { recursive: true, force: true });
  });

  const env = () => ({ AWS_ENDPOINT_URL_S3: proxy.endpoint, AWS_REGION: 'us-east-1' });

  it('gives exactly the ledger and output of the same files replayed from disk, digests skipped', async () => {
    home = await mkdtemp(join(tmpdir(), 'iamwatch-s3-'));
    await writeLogFiles(join(home, 'copy'), OBJECTS);
    const fromS3 = await cli(
      ['replay', `s3://${BUCKET}/`, '--store', 'memory', '--format', 'jsonl', '--no-alerts'],
      {
        env: env(),
      },
    );
    const fromDisk = await cli(
      ['replay', join(home, 'copy'), '--store', 'memory', '--format', 'jsonl', '--no-alerts'],
      {
        env: {},
      },
    );
    expect(fromS3.code).toBe(3);
    expect(fromDisk.code).toBe(3);
    expect(entries(fromS3.stdout)).toEqual(entries(fromDisk.stdout));
    expect(entries(fromS3.stdout).length).toBeGreaterThan(20);
    const summary = (stderr: string) => stderr.slice(stderr.indexOf('Replay summary'));
    expect(summary(fromS3.stderr)).toBe(summary(fromDisk.stderr));
    expect(fromS3.stderr).toContain(`invalid input s3://${BUCKET}/${CORRUPT_KEY}: not valid gzip`);
    const fetched = proxy.requests.map((r) => getObjectKey(r, BUCKET)).filter((key) => key !== undefined);
    expect(fetched.sort()).toEqual([...LOG_KEYS].sort());
    expect(listedPrefixes(proxy.requests).some((prefix) => prefix.includes('CloudTrail-Digest'))).toBe(false);
  });

  it('lists only the accounts, regions and date folders in range', async () => {
    const run = await cli(
      [
        'replay',
        `s3://${BUCKET}/AWSLogs/`,
        '--accounts',
        '444455556666',
        '--regions',
        'eu-west-1',
        '--since',
        '2025-03-15T00:00:00Z',
        '--until',
        '2025-03-15T23:00:00Z',
        '--store',
        'memory',
        '--format',
        'jsonl',
        '--no-alerts',
      ],
      { env: env() },
    );
    expect(run.code).toBe(0);
    const fetched = proxy.requests.map((r) => getObjectKey(r, BUCKET)).filter((key) => key !== undefined);
    expect(fetched).toEqual([
      LOG_KEYS.find((key) => key.includes('444455556666/CloudTrail/eu-west-1/2025/03/15/')),
    ]);
    const prefixes = listedPrefixes(proxy.requests);
    expect(prefixes.filter((prefix) => prefix.includes('111122223333'))).toEqual([]);
    expect(prefixes.filter((prefix) => prefix.includes('/us-east-1/'))).toEqual([]);
    expect(prefixes.filter((prefix) => /\/2025\/03\/14\//.test(prefix))).toEqual([]);
    for (const entry of entries(run.stdout) as { accountId: string; region: string }[]) {
      expect(entry).toMatchObject({ accountId: '444455556666', region: 'eu-west-1' });
    }
  });

  it('retries an object whose body breaks off half way, and loses nothing', async () => {
    const victim = LOG_KEYS[2] as string;
    let cut = false;
    proxy.fault = (request) => {
      if (cut || getObjectKey(request, BUCKET) !== victim) return undefined;
      cut = true;
      return 'truncate';
    };
    const run = await cli(
      ['replay', `s3://${BUCKET}/AWSLogs/${ORG_ID}/111122223333/`, '--store', 'memory', '--no-alerts'],
      {
        env: env(),
      },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const gets = proxy.requests.filter((r) => getObjectKey(r, BUCKET) === victim);
    expect(gets).toHaveLength(2);
    expect(run.stdout).toMatch(/records read\s+48\n/);
  });

  it('resumes an interrupted replay after the last object recorded, reading nothing twice', async () => {
    home = await mkdtemp(join(tmpdir(), 'iamwatch-s3-'));
    const args = ['replay', `s3://${BUCKET}/AWSLogs/${ORG_ID}/111122223333/`, '--home', home, '--no-alerts'];
    const keys = LOG_KEYS.filter((key) => key.includes('/111122223333/'));
    const gotFirst = new Set<string>();
    proxy.fault = (request) => {
      const key = getObjectKey(request, BUCKET);
      if (!key) return undefined;
      gotFirst.add(key);
      return keys.indexOf(key) >= 4 ? { status: 403, code: 'AccessDenied' } : undefined;
    };
    const first = await cli(args, { env: env() });
    expect(first.code).toBe(3);
    expect(first.stderr).toContain('AccessDenied');
    expect(await readdir(join(home, 's3-replay'))).toHaveLength(1);
    const firstNew = Number(/recorded \(new\)\s+(\d+)/.exec(first.stdout)?.[1]);

    proxy.requests.length = 0;
    proxy.fault = () => undefined;
    const second = await cli(args, { env: env() });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('resuming');
    const fetchedAgain = proxy.requests
      .map((r) => getObjectKey(r, BUCKET))
      .filter((key) => key !== undefined);
    expect(fetchedAgain).toEqual(keys.slice(4));
    expect(second.stdout).toMatch(/already in ledger\s+0\n/);
    const secondNew = Number(/recorded \(new\)\s+(\d+)/.exec(second.stdout)?.[1]);

    const whole = await cli(
      ['replay', `s3://${BUCKET}/AWSLogs/${ORG_ID}/111122223333/`, '--store', 'memory', '--no-alerts'],
      {
        env: env(),
      },
    );
    expect(firstNew + secondNew).toBe(Number(/recorded \(new\)\s+(\d+)/.exec(whole.stdout)?.[1]));
    expect(existsSync(join(home, 's3-replay'))).toBe(true);
    expect(await readdir(join(home, 's3-replay'))).toEqual([]);
  });

  it('rejects S3 options without an s3:// input, and a malformed URL, as usage errors', async () => {
    expect((await cli(['replay', '--since', '7d', '--store', 'memory'])).code).toBe(2);
    const bad = await cli(['replay', 's3://Not_A_Bucket/x', '--store', 'memory']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not an S3 location');
  });
});
