/**
 * A trail bucket in the organization layout, built from the bundled demo incident: two accounts, two
 * regions, three days, one log file per account × region × day, plus what a real bucket also holds —
 * digest files, a stray non-log object — and one corrupt log file.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export const ORG_ID = 'o-a1b2c3d4e5';
const ACCOUNTS = ['111122223333', '444455556666'] as const;
const REGIONS = ['eu-west-1', 'us-east-1'] as const;
const DAYS = ['2025/03/14', '2025/03/15', '2025/03/16'] as const;
export const CORRUPT_KEY = `AWSLogs/${ORG_ID}/444455556666/CloudTrail/us-east-1/2025/03/15/444455556666_CloudTrail_us-east-1_20250315T2355Z_CoRrUpT0000000001.json.gz`;

export interface TrailObject {
  key: string;
  body: Buffer;
  /** A CloudTrail log file replay reads (digests and strays are not). */
  log: boolean;
}

const DEMO = new URL(
  '../../../../demo/cloudtrail/111122223333_CloudTrail_us-east-1_20250314T1305Z_Dm0aB1cD2eF3gH4i.json',
  import.meta.url,
);

/** Every object of the bucket, keys in sorted order. */
export function trailObjects(): TrailObject[] {
  const demo = (JSON.parse(readFileSync(DEMO, 'utf8')) as { Records: Record<string, unknown>[] }).Records;
  const objects: TrailObject[] = [];
  let serial = 0;
  for (const account of ACCOUNTS) {
    for (const region of REGIONS) {
      for (const [dayIndex, day] of DAYS.entries()) {
        const compact = day.replaceAll('/', '');
        const records = Array.from({ length: 8 }, (_, index) => {
          const source = demo[(dayIndex * 8 + index) % demo.length] as Record<string, unknown>;
          serial++;
          return {
            ...source,
            eventID: `00000000-0000-4000-8000-${serial.toString(16).padStart(12, '0')}`,
            recipientAccountId: account,
            awsRegion: region,
            eventTime: `${day.replaceAll('/', '-')}T12:${String(index).padStart(2, '0')}:00Z`,
          };
        });
        const folder = `AWSLogs/${ORG_ID}/${account}/CloudTrail/${region}/${day}`;
        objects.push({
          key: `${folder}/${account}_CloudTrail_${region}_${compact}T1305Z_AbCdEfGh${String(serial).padStart(8, '0')}.json.gz`,
          body: gzipSync(JSON.stringify({ Records: records })),
          log: true,
        });
        const digestFolder = `AWSLogs/${ORG_ID}/${account}/CloudTrail-Digest/${region}/${day}`;
        objects.push({
          key: `${digestFolder}/${account}_CloudTrail-Digest_${region}_org-trail_us-east-1_${compact}T131500Z.json.gz`,
          body: gzipSync(JSON.stringify({ awsAccountId: account, digestStartTime: `${day}`, logFiles: [] })),
          log: false,
        });
      }
    }
  }
  objects.push({ key: CORRUPT_KEY, body: Buffer.from('\u001f\u008bnot really gzip', 'latin1'), log: true });
  objects.push({
    key: `AWSLogs/${ORG_ID}/111122223333/CloudTrail/us-east-1/2025/03/14/README.txt`,
    body: Buffer.from('x'),
    log: false,
  });
  objects.push({ key: `AWSLogs/${ORG_ID}/_SUCCESS`, body: Buffer.from(''), log: false });
  return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export async function createTrailBucket(
  client: S3Client,
  bucket: string,
  objects: readonly TrailObject[],
): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const object of objects) {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: object.body }));
  }
}

/** The log files written to a local folder under their keys, for a replay from disk. */
export async function writeLogFiles(dir: string, objects: readonly TrailObject[]): Promise<void> {
  for (const object of objects.filter((o) => o.log)) {
    const path = join(dir, object.key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, object.body);
  }
}
