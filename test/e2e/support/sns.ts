/**
 * SNS for end-to-end tests: a local server speaking the awsQuery protocol the real `SNSClient` uses
 * (form-encoded `Action=Publish`, XML answers), so the SDK's serialisation, signing and error parsing
 * all run. Publications are decoded for assertions.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { type LocalServer, type Reply, startLocalServer } from '../../handlers/notify/local-server';

export const TOPIC_ARN = 'arn:aws:sns:us-east-1:999988887777:iamwatch-alerts';
const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';

interface Publication {
  topicArn: string | null;
  subject: string | null;
  messageStructure: string | null;
  /** The raw `Message` parameter (a JSON document with one message per protocol). */
  rawMessage: string;
  message: Record<string, string>;
  attributes: Record<string, { type: string; value: string }>;
}

export interface FakeSns {
  /** The endpoint, e.g. for `AWS_ENDPOINT_URL_SNS`. */
  url: string;
  /** A real SNSClient pointed at this server, with fake credentials and no SDK retries. */
  client: SNSClient;
  /** Successful publications, in order. */
  readonly published: Publication[];
  /** Every request, answered or failed. */
  requestCount(): number;
  /** Fails every following publication with this SNS error (or, without one, accepts them again). */
  failWith(error?: { status: number; code: string }): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeSns(): Promise<FakeSns> {
  let failure: { status: number; code: string } | undefined;
  const published: Publication[] = [];
  const server: LocalServer = await startLocalServer((request, index) => {
    if (failure) return snsError(failure.status, failure.code);
    const publication = parsePublish(request.body);
    if (!publication) return snsError(400, 'InvalidAction');
    published.push(publication);
    return publishedReply(`00000000-0000-4000-8000-${String(index).padStart(12, '0')}`);
  });
  const client = new SNSClient({
    region: 'us-east-1',
    endpoint: server.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example-secret' },
    maxAttempts: 1,
  });
  return {
    url: server.url,
    client,
    published,
    requestCount: () => server.requests.length,
    failWith: (error) => {
      failure = error;
    },
    reset: () => {
      published.length = 0;
      server.requests.length = 0;
    },
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}

function publishedReply(messageId: string): Reply {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<PublishResponse xmlns="${NS}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>req-ok</RequestId></ResponseMetadata></PublishResponse>`,
  };
}

function snsError(status: number, code: string): Reply {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="${NS}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${code}</Code><Message>${code} (test)</Message></Error><RequestId>req-err</RequestId></ErrorResponse>`,
  };
}

/** Decodes an awsQuery Publish body, including `MessageAttributes.entry.N.*`; undefined for other actions. */
function parsePublish(body: string): Publication | undefined {
  const form = new URLSearchParams(body);
  if (form.get('Action') !== 'Publish') return undefined;
  const attributes: Publication['attributes'] = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    attributes[form.get(`MessageAttributes.entry.${n}.Name`) ?? ''] = {
      type: form.get(`MessageAttributes.entry.${n}.Value.DataType`) ?? '',
      value: form.get(`MessageAttributes.entry.${n}.Value.StringValue`) ?? '',
    };
  }
  const rawMessage = form.get('Message') ?? '';
  return {
    topicArn: form.get('TopicArn'),
    subject: form.get('Subject'),
    messageStructure: form.get('MessageStructure'),
    rawMessage,
    message: messagesOf(rawMessage),
    attributes,
  };
}

/** The per-protocol messages of a `MessageStructure: json` publication; empty when it is not one. */
function messagesOf(rawMessage: string): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(rawMessage);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((pair): pair is [string, string] => typeof pair[1] === 'string'),
    );
  } catch {
    return {};
  }
}
