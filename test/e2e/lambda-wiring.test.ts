/**
 * The two Lambda entry points exactly as deployed: configuration from the environment, AWS clients
 * from the standard SDK configuration (`AWS_ENDPOINT_URL_DYNAMODB` / `_SNS` point them at dynalite and
 * the local SNS), structured JSON logs on stdout. The stream INSERT is built from the entry item read
 * back from dynalite, as DynamoDB Streams would carry it.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_CREDENTIALS, type LocalLedger, startLocalLedger } from '../../handlers/ledger/local';
import { DEFAULT_LEDGER_TABLE_NAME } from '../../handlers/ledger/table';
import { textsOf } from '../handlers/notify/slack-limits';
import { adminAttachEnvelope } from './support/events';
import { type FakeSlack, startFakeSlack } from './support/slack';
import { type FakeSns, startFakeSns, TOPIC_ARN } from './support/sns';

let local: LocalLedger;
let slack: FakeSlack;
let sns: FakeSns;
let stdout: string[];

beforeAll(async () => {
  [local, slack, sns] = await Promise.all([
    startLocalLedger({ persist: false }),
    startFakeSlack(),
    startFakeSns(),
  ]);
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
    AWS_ENDPOINT_URL_SNS: sns.url,
    IAMWATCH_TABLE_NAME: DEFAULT_LEDGER_TABLE_NAME,
    IAMWATCH_DETECTION_CONTEXT: JSON.stringify({ accountNames: { '111122223333': 'prod-payments' } }),
    IAMWATCH_SLACK_ROUTES: JSON.stringify([
      { name: 'sec', webhookUrl: slack.webhookUrl, minSeverity: 'high' },
    ]),
    IAMWATCH_SNS_TOPIC_ARN: TOPIC_ARN,
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.stubEnv('AWS_PROFILE', undefined);
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterAll(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await Promise.all([slack?.close(), sns?.close()]);
  await local?.close();
});

function logLines(): Record<string, unknown>[] {
  return stdout
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the deployed entry points', () => {
  it('record an EventBridge event and notify from its stream INSERT', async () => {
    const { handler: record } = await import('../../handlers/record/lambda');
    const { handler: notify } = await import('../../handlers/notify/lambda');
    const envelope = adminAttachEnvelope();
    const eventId = envelope.detail.eventID;

    await record(envelope, { awsRequestId: 'request-1' });
    await record(envelope, { awsRequestId: 'request-2' });

    const reader = new DynamoDBClient({
      endpoint: local.endpoint,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    const { Item } = await reader.send(
      new GetItemCommand({
        TableName: DEFAULT_LEDGER_TABLE_NAME,
        Key: { pk: { S: `E#${eventId}` }, sk: { S: 'ENTRY' } },
        ConsistentRead: true,
      }),
    );
    reader.destroy();
    expect(Item?.accountName).toEqual({ S: 'prod-payments' });
    const insert = {
      eventID: '1',
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      dynamodb: {
        Keys: { pk: Item!.pk!, sk: Item!.sk! },
        NewImage: Item!,
        SequenceNumber: '100000000000000000001',
        StreamViewType: 'NEW_IMAGE',
      },
    };

    expect(await notify({ Records: [insert] })).toEqual({ batchItemFailures: [] });
    expect(await notify({ Records: [insert] })).toEqual({ batchItemFailures: [] });

    expect(slack.requests).toHaveLength(1);
    expect(textsOf(JSON.parse(slack.requests[0]!.body))).toContain(
      '*Account*\n`prod-payments` `111122223333`',
    );
    expect(sns.published).toHaveLength(1);
    expect(sns.published[0]?.attributes.severity?.value).toBe('critical');

    const logs = logLines();
    expect(logs.filter((line) => line.service === 'iamwatch-record').map((line) => line.message)).toEqual([
      'recorded',
      'duplicate delivery ignored',
    ]);
    expect(logs[0]).toMatchObject({
      level: 'info',
      requestId: 'request-1',
      eventId,
      eventName: 'AttachUserPolicy',
      severity: 'critical',
      detections: ['iam-admin-policy-attached'],
    });
    // Identifying fields only: never the record (its user agent, request parameters…).
    expect(stdout.join('')).not.toContain(envelope.detail.userAgent ?? 'no user agent');
  });
});
