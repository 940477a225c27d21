/**
 * The EventBridge envelope CloudTrail events arrive in, built offline exactly as EventBridge builds
 * it, so replayed records take the same path (pattern match → record) as live ones.
 */
import type { CloudTrailRecord, EventBridgeEnvelope } from '../types';
import { isPlainObject } from './schema';

/** EventBridge detail-types per CloudTrail `eventType`. */
export const DETAIL_TYPES = {
  AwsApiCall: 'AWS API Call via CloudTrail',
  AwsConsoleSignIn: 'AWS Console Sign In via CloudTrail',
  AwsServiceEvent: 'AWS Service Event via CloudTrail',
  AwsConsoleAction: 'AWS Console Action via CloudTrail',
} as const;

/** Sign-in service events that CloudTrail types `AwsConsoleSignIn`. */
const SIGN_IN_EVENTS = new Set([
  'ConsoleLogin',
  'ConsoleLogout',
  'CheckMfa',
  'ExitRole',
  'RenewRole',
  'SwitchRole',
  'PasswordUpdated',
  'UserAuthentication',
  'CredentialChallenge',
  'CredentialVerification',
]);

/**
 * EventBridge source for a CloudTrail eventSource: `iam.amazonaws.com` → `aws.iam`,
 * `signin.amazonaws.com` → `aws.signin`. EventBridge uses the host's first label for every service
 * (including `monitoring` → `aws.monitoring`, `sso-directory` → `aws.sso-directory`).
 */
export function sourceFromEventSource(eventSource: string): string {
  const dot = eventSource.indexOf('.');
  return `aws.${dot < 0 ? eventSource : eventSource.slice(0, dot)}`;
}

/** EventBridge detail-type for a record, inferring the event type when CloudTrail left it out. */
export function detailTypeOf(record: CloudTrailRecord): string {
  switch ((record.eventType ?? inferEventType(record)).toLowerCase()) {
    case 'awsconsolesignin':
      return DETAIL_TYPES.AwsConsoleSignIn;
    case 'awsserviceevent':
      return DETAIL_TYPES.AwsServiceEvent;
    case 'awsconsoleaction':
      return DETAIL_TYPES.AwsConsoleAction;
    default:
      return DETAIL_TYPES.AwsApiCall;
  }
}

/**
 * Old records and hand-written ones lack `eventType`. Sign-in events come from `signin`; service
 * events carry `serviceEventDetails` or no caller identity; everything else is an API call.
 */
function inferEventType(record: CloudTrailRecord): keyof typeof DETAIL_TYPES {
  if (record.eventSource === 'signin.amazonaws.com' && SIGN_IN_EVENTS.has(record.eventName)) {
    return 'AwsConsoleSignIn';
  }
  if (
    record.serviceEventDetails ||
    (record.userIdentity?.type === 'AWSService' && !record.requestParameters)
  ) {
    return 'AwsServiceEvent';
  }
  return 'AwsApiCall';
}

/** Builds the envelope EventBridge would deliver for this record. `detail` is the record itself. */
export function toEnvelope(record: CloudTrailRecord): EventBridgeEnvelope {
  return {
    version: '0',
    id: envelopeId(record.eventID),
    'detail-type': detailTypeOf(record),
    source: sourceFromEventSource(record.eventSource),
    account: record.recipientAccountId ?? record.userIdentity?.accountId ?? 'unknown',
    time: record.eventTime,
    region: record.awsRegion ?? 'us-east-1',
    resources: [],
    detail: record,
  };
}

/**
 * Merges an envelope read from input with the validated record: the input's own envelope fields win
 * (including `replay-name`), fields it lacks or spells wrongly are derived from the record.
 */
export function adoptEnvelope(input: Record<string, unknown>, record: CloudTrailRecord): EventBridgeEnvelope {
  const derived = toEnvelope(record);
  const envelope: EventBridgeEnvelope = {
    version: '0',
    id: stringOr(input.id, derived.id),
    'detail-type': stringOr(input['detail-type'], derived['detail-type']),
    source: stringOr(input.source, derived.source),
    account: stringOr(input.account, derived.account),
    time: stringOr(input.time, derived.time),
    region: stringOr(input.region, derived.region),
    resources: Array.isArray(input.resources)
      ? input.resources.filter((r): r is string => typeof r === 'string')
      : [],
    detail: record,
  };
  const replayName = input['replay-name'];
  if (typeof replayName === 'string' && replayName.length > 0) envelope['replay-name'] = replayName;
  return envelope;
}

/** True when a JSON value looks like an EventBridge event (has `detail-type` and an object `detail`). */
export function isEnvelopeLike(value: Record<string, unknown>): boolean {
  return 'detail-type' in value && isPlainObject(value.detail);
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}

/**
 * A UUID-shaped id derived from the eventID, so replaying the same record twice gives the same
 * envelope (EventBridge's own ids are random; only stability matters here).
 */
export function envelopeId(eventID: string): string {
  hash128(`iamwatch:${eventID}`, HASH);
  const a = hex32(HASH[0]);
  const b = hex32(HASH[1]);
  const c = hex32(HASH[2]);
  return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${hex32(HASH[3])}`;
}

// Replay builds an envelope for every record it reads: the id must cost next to nothing.
const HASH = new Int32Array(4);
const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(n: number | undefined): string {
  const u = (n ?? 0) >>> 0;
  return `${HEX_BYTE[u >>> 24]}${HEX_BYTE[(u >>> 16) & 255]}${HEX_BYTE[(u >>> 8) & 255]}${HEX_BYTE[u & 255]}`;
}

/** cyrb128: a fast, well-mixed 128-bit string hash (not cryptographic; none is needed for an id). */
function hash128(input: string, out: Int32Array): void {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < input.length; i++) {
    const k = input.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  out[0] = h1;
  out[1] = h2;
  out[2] = h3;
  out[3] = h4;
}
