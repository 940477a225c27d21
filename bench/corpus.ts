/**
 * Generates a synthetic CloudTrail corpus shaped like an organization trail's S3 output: gzipped
 * `{"Records":[…]}` files of realistic records, mostly ordinary read/non-IAM traffic with IAM changes
 * mixed in. Deterministic for a given seed.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const ACCOUNTS = ['111122223333', '222233334444', '333344445555', '444455556666'];
const USERS = ['alice', 'bob', 'carol', 'deploy-bot', 'svc-backup'];

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

type Make = (i: number, pick: <T>(items: readonly T[]) => T) => Record<string, unknown>;

function base(eventSource: string, eventName: string, account: string, user: string, i: number) {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: `AIDA${String(i % 100000).padStart(16, '0')}`,
      arn: `arn:aws:iam::${account}:user/${user}`,
      accountId: account,
      accessKeyId: `AKIA${String(i % 100000).padStart(16, '0')}`,
      userName: user,
    },
    eventTime: new Date(Date.UTC(2026, 10, 1) + i * 997).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource,
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: `203.0.113.${i % 250}`,
    userAgent: 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5 md/arch#x86_64 lang/python#3.11.8',
    requestID: randomUUID(),
    eventID: randomUUID(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: 'iam.amazonaws.com',
    },
  };
}

const ORDINARY: Make[] = [
  (i, pick) => ({
    ...base('ec2.amazonaws.com', 'DescribeInstances', pick(ACCOUNTS), pick(USERS), i),
    readOnly: true,
    requestParameters: { instancesSet: {}, filterSet: {} },
    responseElements: null,
  }),
  (i, pick) => ({
    ...base('s3.amazonaws.com', 'GetBucketAcl', pick(ACCOUNTS), pick(USERS), i),
    readOnly: true,
    requestParameters: { bucketName: `logs-${i % 40}`, Host: 's3.amazonaws.com', acl: '' },
    responseElements: null,
  }),
  (i, pick) => ({
    ...base('iam.amazonaws.com', 'GetUser', pick(ACCOUNTS), pick(USERS), i),
    readOnly: true,
    requestParameters: { userName: pick(USERS) },
    responseElements: null,
  }),
  (i, pick) => ({
    ...base('sts.amazonaws.com', 'GetCallerIdentity', pick(ACCOUNTS), pick(USERS), i),
    readOnly: true,
    requestParameters: null,
    responseElements: null,
  }),
  (i, pick) => ({
    ...base('ec2.amazonaws.com', 'RunInstances', pick(ACCOUNTS), pick(USERS), i),
    requestParameters: {
      instanceType: 't3.micro',
      instancesSet: { items: [{ imageId: 'ami-0abcdef1234567890' }] },
    },
    responseElements: { reservationId: `r-${i}`, instancesSet: { items: [{ instanceId: `i-${i}` }] } },
  }),
];

const IAM_CHANGES: Make[] = [
  (i, pick) => {
    const name = `user-${i}`;
    const account = pick(ACCOUNTS);
    return {
      ...base('iam.amazonaws.com', 'CreateUser', account, pick(USERS), i),
      requestParameters: { userName: name },
      responseElements: {
        user: {
          path: '/',
          userName: name,
          userId: `AIDA${i}`,
          arn: `arn:aws:iam::${account}:user/${name}`,
          createDate: 'Nov 1, 2026 12:00:00 AM',
        },
      },
    };
  },
  (i, pick) => ({
    ...base('iam.amazonaws.com', 'CreateAccessKey', pick(ACCOUNTS), pick(USERS), i),
    requestParameters: { userName: pick(USERS) },
    responseElements: {
      accessKey: {
        userName: pick(USERS),
        accessKeyId: `AKIA${i}`,
        status: 'Active',
        createDate: 'Nov 1, 2026 12:00:00 AM',
      },
    },
  }),
  (i, pick) => ({
    ...base('iam.amazonaws.com', 'AttachUserPolicy', pick(ACCOUNTS), pick(USERS), i),
    requestParameters: {
      userName: pick(USERS),
      policyArn: pick([
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
        'arn:aws:iam::aws:policy/AdministratorAccess',
      ]),
    },
    responseElements: null,
  }),
  (i, pick) => ({
    ...base('iam.amazonaws.com', 'PutRolePolicy', pick(ACCOUNTS), pick(USERS), i),
    requestParameters: {
      roleName: `app-role-${i % 50}`,
      policyName: 'inline',
      policyDocument: encodeURIComponent(
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
        }),
      ),
    },
    responseElements: null,
  }),
  (i, pick) => ({
    ...base('iam.amazonaws.com', 'TagRole', pick(ACCOUNTS), pick(USERS), i),
    requestParameters: { roleName: `app-role-${i % 50}`, tags: [{ key: 'team', value: 'payments' }] },
    responseElements: null,
  }),
];

export interface CorpusOptions {
  dir: string;
  records: number;
  recordsPerFile: number;
  /** Share of IAM changes among all records (a real trail has far fewer). */
  iamShare: number;
  seed?: number;
}

export async function generateCorpus(
  options: CorpusOptions,
): Promise<{ files: number; records: number; bytes: number }> {
  const random = rng(options.seed ?? 42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  await mkdir(options.dir, { recursive: true });
  let written = 0;
  let files = 0;
  let bytes = 0;
  while (written < options.records) {
    const count = Math.min(options.recordsPerFile, options.records - written);
    const records = Array.from({ length: count }, (_, k) => {
      const i = written + k;
      return random() < options.iamShare ? pick(IAM_CHANGES)(i, pick) : pick(ORDINARY)(i, pick);
    });
    const gz = gzipSync(JSON.stringify({ Records: records }));
    bytes += gz.length;
    await writeFile(join(options.dir, `${String(files).padStart(6, '0')}_CloudTrail_us-east-1.json.gz`), gz);
    written += count;
    files++;
  }
  return { files, records: written, bytes };
}
