/** CloudTrail records for backfill tests: the project's fixtures plus generated IAM traffic. */
import { readFileSync } from 'node:fs';
import type { CloudTrailRecord } from '../../../../rules/types';

export const FIXTURES = new URL('../../../fixtures/cloudtrail/', import.meta.url).pathname;
const ACCOUNT = '111122223333';

export function fixture(name: string): CloudTrailRecord {
  return JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8')) as CloudTrailRecord;
}

/** A GUID-shaped id that is stable per (kind, n). */
function eventId(kind: number, n: number): string {
  const hex = (value: number, width: number) => value.toString(16).padStart(width, '0');
  return `${hex(kind, 8)}-0000-4000-8000-${hex(n, 12)}`;
}

/** An IAM call by IAM user alice, `minutes` after `base`. */
export function iamCall(
  eventName: string,
  n: number,
  options: { base?: string; minutes?: number; readOnly?: boolean; account?: string; userName?: string } = {},
): CloudTrailRecord {
  const account = options.account ?? ACCOUNT;
  const time = new Date(Date.parse(options.base ?? '2025-03-10T00:00:00Z') + (options.minutes ?? n) * 60_000);
  const readOnly = options.readOnly ?? false;
  const userName = options.userName ?? `user-${String(n).padStart(3, '0')}`;
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDACKCEVSQ6C2EXAMPLE',
      arn: `arn:aws:iam::${account}:user/alice`,
      accountId: account,
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      userName: 'alice',
    },
    eventTime: `${time.toISOString().slice(0, 19)}Z`,
    eventSource: 'iam.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.10',
    userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5 exe/x86_64 prompt/off',
    requestParameters: { userName },
    responseElements: readOnly
      ? null
      : eventName === 'CreateUser'
        ? { user: { userName, arn: `arn:aws:iam::${account}:user/${userName}`, path: '/' } }
        : null,
    requestID: eventId(0xfeed, n),
    eventID: eventId(readOnly ? 0xbead : 0xc0de, n),
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
  };
}

/** The root user stopping an EC2 instance: only the `Username` = root query finds it. */
export function rootEc2Call(): CloudTrailRecord {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'Root',
      principalId: ACCOUNT,
      arn: `arn:aws:iam::${ACCOUNT}:root`,
      accountId: ACCOUNT,
      accessKeyId: 'ASIAROOTEXAMPLE',
    },
    eventTime: '2025-03-12T08:00:00Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'StopInstances',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.50',
    userAgent: 'console.ec2.amazonaws.com',
    requestParameters: { instancesSet: { items: [{ instanceId: 'i-0123456789abcdef0' }] } },
    responseElements: null,
    eventID: eventId(0x2007, 1),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
  };
}
