/**
 * A fake CloudTrail (and STS AssumeRole) on 127.0.0.1, port 0, speaking the wire protocols the real
 * SDK clients use: CloudTrail is awsJson1_1 (POST /, `X-Amz-Target: CloudTrail_20131101.<Operation>`,
 * JSON body, timestamps as epoch seconds, errors as `{"__type": …}`), STS is awsQuery (form body,
 * XML answer). LookupEvents filters canned events by the lookup attribute, time range and the region
 * the request was signed for, newest first, in pages with opaque NextTokens, as AWS does. Requests
 * signed with an assumed role's key (see `assumedKeyIdFor`) see only that account's events.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudTrailRecord } from '../../../../rules/types';

export interface Call {
  /** `LookupEvents`, `GetTrailStatus`, … or `AssumeRole`. */
  operation: string;
  /** The full X-Amz-Target header (CloudTrail) or `Action` (STS). */
  target: string;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** The region of the SigV4 credential scope. */
  region: string;
  /** The access key id the request was signed with. */
  accessKeyId: string;
  /** `stamp()` at arrival (a test's virtual clock). */
  at: number;
}

export interface Reply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export interface FakeCloudTrailOptions {
  /** Records LookupEvents answers from. */
  events?: readonly CloudTrailRecord[];
  /** Answers for other CloudTrail operations, by operation name. */
  operations?: Record<string, (call: Call) => Reply>;
  /** Return a reply to override the normal answer (throttling, failures); undefined to answer normally. */
  fault?: (call: Call, index: number) => Reply | undefined;
  stamp?: () => number;
}

export interface FakeCloudTrail {
  endpoint: string;
  calls: Call[];
  /** Calls of one operation, in order. */
  callsOf(operation: string): Call[];
  close(): Promise<void>;
}

const PAGE_LIMIT = 50;

export function errorReply(type: string, message: string, status = 400): Reply {
  return {
    status,
    body: JSON.stringify({ __type: type, message }),
    headers: { 'content-type': 'application/x-amz-json-1.1' },
  };
}

export function jsonReply(value: unknown): Reply {
  return {
    status: 200,
    body: JSON.stringify(value),
    headers: { 'content-type': 'application/x-amz-json-1.1' },
  };
}

export async function startFakeCloudTrail(options: FakeCloudTrailOptions = {}): Promise<FakeCloudTrail> {
  const calls: Call[] = [];
  const events = [...(options.events ?? [])];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const call = describeCall(req.headers, text, options.stamp?.() ?? 0);
      calls.push(call);
      const reply = options.fault?.(call, calls.length - 1) ?? answer(call, events, options);
      res.writeHead(reply.status, { ...(reply.headers ?? {}), 'x-amzn-requestid': `req-${calls.length}` });
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    callsOf: (operation) => calls.filter((call) => call.operation === operation),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function describeCall(headers: IncomingHttpHeaders, text: string, at: number): Call {
  const authorization = String(headers.authorization ?? '');
  const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(authorization);
  const target = String(headers['x-amz-target'] ?? '');
  if (target) {
    return {
      operation: target.slice(target.lastIndexOf('.') + 1),
      target,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      headers,
      region: scope?.[2] ?? '',
      accessKeyId: scope?.[1] ?? '',
      at,
    };
  }
  const form = Object.fromEntries(new URLSearchParams(text));
  return {
    operation: form.Action ?? '',
    target: form.Action ?? '',
    body: form,
    headers,
    region: scope?.[2] ?? '',
    accessKeyId: scope?.[1] ?? '',
    at,
  };
}

function answer(call: Call, events: readonly CloudTrailRecord[], options: FakeCloudTrailOptions): Reply {
  if (call.operation === 'LookupEvents') return lookupEvents(call, events);
  if (call.operation === 'AssumeRole') return assumeRole(call);
  const handler = options.operations?.[call.operation];
  if (handler) return handler(call);
  return errorReply('UnknownOperationException', `the fake does not implement ${call.operation}`);
}

/** What LookupEvents' `Username` attribute matches: the IAM user, the role session, `root`. */
export function usernameOf(record: CloudTrailRecord): string | undefined {
  const identity = record.userIdentity;
  if (identity?.type === 'Root') return 'root';
  if (identity?.userName) return identity.userName;
  return identity?.arn?.split('/').pop();
}

function lookupEvents(call: Call, events: readonly CloudTrailRecord[]): Reply {
  const attributes = (call.body.LookupAttributes as { AttributeKey: string; AttributeValue: string }[]) ?? [];
  if (attributes.length > 1) return errorReply('InvalidLookupAttributesException', 'one attribute only');
  const [attribute] = attributes;
  const start = typeof call.body.StartTime === 'number' ? call.body.StartTime * 1000 : -Infinity;
  const end = typeof call.body.EndTime === 'number' ? call.body.EndTime * 1000 : Infinity;
  const pageSize = typeof call.body.MaxResults === 'number' ? call.body.MaxResults : PAGE_LIMIT;
  const fingerprint = JSON.stringify([attribute, call.body.StartTime, call.body.EndTime, call.region]);
  let offset = 0;
  if (typeof call.body.NextToken === 'string') {
    const decoded = decodeToken(call.body.NextToken);
    if (decoded?.fingerprint !== fingerprint) {
      return errorReply('InvalidNextTokenException', 'the token was issued for other parameters');
    }
    offset = decoded.offset;
  }
  const account = /^ASIA(\d{12})$/.exec(call.accessKeyId)?.[1];
  const matching = events
    .filter((record) => (record.awsRegion ?? 'us-east-1') === call.region)
    .filter((record) => !account || record.recipientAccountId === account)
    .filter((record) => {
      const time = Date.parse(record.eventTime);
      return time >= start && time <= end;
    })
    .filter(
      (record) => !attribute || attributeMatches(record, attribute.AttributeKey, attribute.AttributeValue),
    )
    .sort((a, b) => Date.parse(b.eventTime) - Date.parse(a.eventTime) || compare(a.eventID, b.eventID));
  const page = matching.slice(offset, offset + pageSize);
  const response: Record<string, unknown> = { Events: page.map(asLookupEvent) };
  if (offset + pageSize < matching.length) {
    response.NextToken = Buffer.from(JSON.stringify({ fingerprint, offset: offset + pageSize })).toString(
      'base64url',
    );
  }
  return jsonReply(response);
}

function decodeToken(token: string): { fingerprint: string; offset: number } | undefined {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      fingerprint: string;
      offset: number;
    };
  } catch {
    return undefined;
  }
}

function attributeMatches(record: CloudTrailRecord, key: string, value: string): boolean {
  switch (key) {
    case 'EventSource':
      return record.eventSource === value;
    case 'EventName':
      return record.eventName === value;
    case 'Username':
      return usernameOf(record) === value;
    case 'ReadOnly':
      return String(record.readOnly ?? false) === value;
    case 'EventId':
      return record.eventID === value;
    default:
      return false;
  }
}

/** The LookupEvents shape: summary fields plus the whole record as a JSON string. */
function asLookupEvent(record: CloudTrailRecord): Record<string, unknown> {
  const event: Record<string, unknown> = {
    EventId: record.eventID,
    EventName: record.eventName,
    ReadOnly: String(record.readOnly ?? false),
    EventTime: Date.parse(record.eventTime) / 1000,
    EventSource: record.eventSource,
    Resources: [],
    CloudTrailEvent: JSON.stringify(record),
  };
  const username = usernameOf(record);
  if (username) event.Username = username;
  if (record.userIdentity?.accessKeyId) event.AccessKeyId = record.userIdentity.accessKeyId;
  return event;
}

/** Assumed-role credentials whose key id names the role's account, so tests can tell them apart. */
export function assumedKeyIdFor(roleArn: string): string {
  return `ASIA${roleArn.split(':')[4] ?? 'UNKNOWN'}`;
}

function assumeRole(call: Call): Reply {
  const roleArn = String(call.body.RoleArn ?? '');
  const session = String(call.body.RoleSessionName ?? '');
  const body = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${assumedKeyIdFor(roleArn)}</AccessKeyId>
      <SecretAccessKey>fake-secret</SecretAccessKey>
      <SessionToken>fake-session-token</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROAFAKE:${session}</AssumedRoleId>
      <Arn>${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/${session}</Arn>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
  return { status: 200, body, headers: { 'content-type': 'text/xml' } };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
