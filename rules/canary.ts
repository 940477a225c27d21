/**
 * The end-to-end canary's write, recognised: a scheduled `iam:TagRole` by the canary function on the
 * dedicated canary role, in the monitor account. Such an entry proves that CloudTrail, EventBridge, a
 * forwarder, the central bus and the record path all still work; it is labelled and never alerted on.
 *
 * Everything must hold, so a look-alike is an ordinary entry: TagRole on another role, the canary role
 * tagged by anyone else (a person, another function), the same names in another account, or a
 * failed call (which `iam-write-denied` must still see).
 */
import { arnAccount, lastArnSegment } from './arn';
import { toEnvelope } from './cloudtrail/envelope';
import { API_CALL_DETAIL_TYPE, type DerivedPattern } from './eventbridge/derive';
import { matchesPattern } from './eventbridge/matcher';
import { stateAdmits } from './eventbridge/rule-state';
import { placePatterns } from './placement';
import { MONITOR_REGION } from './regions';
import type { CanaryIdentity, CloudTrailRecord, EventBridgeEnvelope, NormalisedEvent } from './types';

/** The call the canary makes. */
export const CANARY_EVENT_NAME = 'TagRole';
/** The tag it writes, with the time of the write as the value. */
export const CANARY_TAG_KEY = 'iamwatch:canary';

type CanarySubject = Pick<
  NormalisedEvent,
  'eventSource' | 'eventName' | 'result' | 'accountId' | 'actor' | 'target'
>;

/** Whether the event is the canary's own scheduled write (see the module comment). */
export function isCanaryWrite(event: CanarySubject, canary: CanaryIdentity): boolean {
  if (event.eventSource !== 'iam.amazonaws.com' || event.eventName !== CANARY_EVENT_NAME) return false;
  if (event.result !== 'success' || event.accountId !== canary.accountId) return false;
  if (event.target?.type !== 'role' || event.target.name !== canary.roleName) return false;
  const { actor } = event;
  if (actor.type !== 'AssumedRole' || !actor.sessionIssuerArn) return false;
  return (
    arnAccount(actor.sessionIssuerArn) === canary.accountId &&
    lastArnSegment(actor.sessionIssuerArn) === canary.writerRoleName
  );
}

/** The canary's write as EventBridge delivers it (a representative record; times are placeholders). */
export function canaryEnvelope(canary: CanaryIdentity): EventBridgeEnvelope {
  const issuer = `arn:aws:iam::${canary.accountId}:role/${canary.writerRoleName}`;
  const record: CloudTrailRecord = {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROACANARYEXAMPLE:canary',
      arn: `arn:aws:sts::${canary.accountId}:assumed-role/${canary.writerRoleName}/canary`,
      accountId: canary.accountId,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          arn: issuer,
          accountId: canary.accountId,
          userName: canary.writerRoleName,
        },
      },
    },
    eventTime: '2026-01-01T00:00:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: CANARY_EVENT_NAME,
    awsRegion: MONITOR_REGION,
    sourceIPAddress: '192.0.2.1',
    userAgent: 'aws-sdk-js/3 exec-env/AWS_Lambda_nodejs24.x',
    requestParameters: {
      roleName: canary.roleName,
      tags: [{ key: CANARY_TAG_KEY, value: '2026-01-01T00:00:00.000Z' }],
    },
    responseElements: null,
    eventID: '00000000-0000-4000-8000-000000000000',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: canary.accountId,
  } as CloudTrailRecord;
  return toEnvelope(record);
}

/** The narrowest pattern delivering the canary's write: TagRole on the canary role. */
export function canaryPattern(canary: CanaryIdentity): DerivedPattern {
  return {
    name: 'canary',
    description: `the end-to-end canary (TagRole on ${canary.roleName})`,
    pattern: {
      source: ['aws.iam'],
      'detail-type': [API_CALL_DETAIL_TYPE],
      detail: {
        eventSource: ['iam.amazonaws.com'],
        eventName: [CANARY_EVENT_NAME],
        requestParameters: { roleName: [canary.roleName] },
      },
    },
  };
}

/**
 * The patterns to deploy with a canary: as given when one that runs in us-east-1 already delivers the
 * canary's write (the full catalog does: `iam-change` watches every `Tag…` call), else with
 * {@link canaryPattern} added, so forwarders and central rules alike carry it.
 */
export function withCanaryPattern(
  patterns: readonly DerivedPattern[],
  canary: CanaryIdentity | undefined,
): readonly DerivedPattern[] {
  if (!canary) return patterns;
  const envelope = canaryEnvelope(canary);
  const delivered = placePatterns(patterns).some(
    (placed) =>
      (placed.placement === 'us-east-1' || placed.placement === 'every-region') &&
      stateAdmits(placed.state, envelope) &&
      matchesPattern(placed.pattern, envelope),
  );
  return delivered ? patterns : [...patterns, canaryPattern(canary)];
}
