/**
 * Wire tests: the real SNSClient publishes to a local server. SNS speaks the awsQuery protocol in this
 * SDK version: a form-encoded POST with `Action=Publish`, answered with XML.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { createSnsNotifier } from '../../../handlers/notify/sns';
import { PermanentDeliveryError, TransientDeliveryError } from '../../../handlers/ports';
import { hostileEntry, keyForAnotherUser, ssoAdminAttach } from './entries';
import { type LocalServer, type Reply, startLocalServer } from './local-server';
import { iamAlertAttributes, MESSAGE_STRUCTURE_KEYS } from './sns-expected';

const TOPIC = 'arn:aws:sns:us-east-1:999988887777:iamwatch-alerts';
const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';

function published(messageId = '94f20ce6-13c5-43a0-9a9e-ca52d816e90b'): Reply {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<PublishResponse xmlns="${NS}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></PublishResponse>`,
  };
}

function snsError(status: number, code: string, type: 'Sender' | 'Receiver' = 'Sender'): Reply {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${code} happened</Message></Error><RequestId>req-2</RequestId></ErrorResponse>`,
  };
}

interface PublishRequest {
  action: string | null;
  topicArn: string | null;
  subject: string | null;
  messageStructure: string | null;
  message: Record<string, string>;
  attributes: Record<string, { type: string; value: string }>;
}

/** Decodes the awsQuery form body, including `MessageAttributes.entry.N.{Name,Value.DataType,Value.StringValue}`. */
function parsePublish(body: string): PublishRequest {
  const form = new URLSearchParams(body);
  const attributes: PublishRequest['attributes'] = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    attributes[form.get(`MessageAttributes.entry.${n}.Name`)!] = {
      type: form.get(`MessageAttributes.entry.${n}.Value.DataType`)!,
      value: form.get(`MessageAttributes.entry.${n}.Value.StringValue`)!,
    };
  }
  return {
    action: form.get('Action'),
    topicArn: form.get('TopicArn'),
    subject: form.get('Subject'),
    messageStructure: form.get('MessageStructure'),
    message: JSON.parse(form.get('Message') ?? '{}'),
    attributes,
  };
}

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function notifierFor(replies: (index: number) => Reply, maxAttempts = 3) {
  server = await startLocalServer((_request, index) => replies(index));
  const client = new SNSClient({
    region: 'us-east-1',
    endpoint: server.url,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
    maxAttempts,
  });
  return { notifier: createSnsNotifier({ client, topicArn: TOPIC }), server };
}

describe('SNS notifier over the wire', () => {
  it('publishes subject, JSON structure, every variant and every attribute', async () => {
    const { notifier, server } = await notifierFor(() => published());
    const entry = ssoAdminAttach();
    await notifier.send(entry);

    expect(server.requests).toHaveLength(1);
    const request = server.requests[0]!;
    expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/us-east-1\/sns\//,
    );
    const publish = parsePublish(request.body);
    expect(publish.action).toBe('Publish');
    expect(publish.topicArn).toBe(TOPIC);
    expect(publish.subject).toBe('HIGH: Admin policy attached to role deploy');
    expect(publish.messageStructure).toBe('json');
    expect(Object.keys(publish.message).sort()).toEqual(MESSAGE_STRUCTURE_KEYS);
    expect(publish.message.default).toMatch(/^\[HIGH\] Admin policy attached to role deploy\n/);
    expect(publish.message.default).toMatch(/^SSO user: +carol@example\.com$/m);
    expect(publish.message.email).toBe(publish.message.default);
    expect(publish.message.sms).toBe(
      'iamwatch HIGH iam-admin-policy-attached acct 111122223333: carol@example.com AttachRolePolicy -> deploy',
    );
    for (const protocol of ['sqs', 'lambda', 'http', 'https']) {
      expect(JSON.parse(publish.message[protocol]!)).toEqual(entry);
    }
    expect(publish.attributes).toEqual(
      iamAlertAttributes('high', ['iam-admin-policy-attached', 'iam-policy-attached'], 'AttachRolePolicy'),
    );
  });

  it('publishes a hostile 100 KB entry within the 256 KB limit', async () => {
    const { notifier, server } = await notifierFor(() => published());
    await notifier.send(hostileEntry());
    const publish = parsePublish(server.requests[0]!.body);
    expect(
      Buffer.byteLength(new URLSearchParams(server.requests[0]!.body).get('Message') ?? ''),
    ).toBeLessThanOrEqual(256 * 1024);
    expect(publish.subject).toMatch(/^[\x20-\x7e]{1,99}$/);
    expect(JSON.parse(publish.message.sqs!).truncated).toBe(true);
  });

  it('wants high and above by default', async () => {
    const { notifier } = await notifierFor(() => published());
    expect(notifier.channel).toBe('sns');
    expect(notifier.wants(keyForAnotherUser())).toBe(true);
    expect(notifier.wants(keyForAnotherUser({ severity: 'medium' }))).toBe(false);
  });

  it('lets the SDK retry throttling, then succeeds', async () => {
    const { notifier, server } = await notifierFor((index) =>
      index === 0 ? snsError(429, 'Throttled') : published(),
    );
    await notifier.send(keyForAnotherUser());
    expect(server.requests).toHaveLength(2);
    expect(parsePublish(server.requests[1]!.body).topicArn).toBe(TOPIC);
  });

  it('reports throttling that outlasts the SDK retries as transient', async () => {
    const { notifier, server } = await notifierFor(() => snsError(429, 'Throttled'), 2);
    const error = await notifier.send(keyForAnotherUser()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect((error as Error).message).toMatch(/ThrottledException \(HTTP 429\)/);
    expect(server.requests).toHaveLength(2);
  });

  it('reports a server error that outlasts the SDK retries as transient', async () => {
    const { notifier, server } = await notifierFor(() => snsError(500, 'InternalError', 'Receiver'), 2);
    const error = await notifier.send(keyForAnotherUser()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientDeliveryError);
    expect(server.requests).toHaveLength(2);
  });

  const permanent: [number, string, string][] = [
    [403, 'AuthorizationError', 'AuthorizationErrorException'],
    [404, 'NotFound', 'NotFoundException'],
    [400, 'InvalidParameter', 'InvalidParameterException'],
    [400, 'KMSDisabled', 'KMSDisabledException'],
  ];
  for (const [status, code, name] of permanent) {
    it(`fails permanently on ${code} without retrying`, async () => {
      const { notifier, server } = await notifierFor(() => snsError(status, code));
      const error = await notifier.send(keyForAnotherUser()).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PermanentDeliveryError);
      expect((error as PermanentDeliveryError).channel).toBe('sns');
      expect((error as Error).message).toContain(`${name} (HTTP ${status})`);
      expect(server.requests).toHaveLength(1);
    });
  }

  it('follows AWS_ENDPOINT_URL_SNS from the standard SDK configuration', async () => {
    server = await startLocalServer(() => published());
    const previous = process.env.AWS_ENDPOINT_URL_SNS;
    process.env.AWS_ENDPOINT_URL_SNS = server.url;
    try {
      const client = new SNSClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
      });
      await createSnsNotifier({ client, topicArn: TOPIC }).send(keyForAnotherUser());
    } finally {
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_SNS;
      else process.env.AWS_ENDPOINT_URL_SNS = previous;
    }
    expect(server.requests).toHaveLength(1);
    expect(parsePublish(server.requests[0]!.body).action).toBe('Publish');
  });

  it('reports an unreachable endpoint as transient', async () => {
    const closed = await startLocalServer(() => published());
    await closed.close();
    const client = new SNSClient({
      region: 'us-east-1',
      endpoint: closed.url,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
      maxAttempts: 1,
    });
    const error = await createSnsNotifier({ client, topicArn: TOPIC })
      .send(keyForAnotherUser())
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransientDeliveryError);
  });
});
