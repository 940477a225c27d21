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
import type { CanaryIdentity, NormalisedEvent } from './types';

/** The call the canary makes. */
export const CANARY_EVENT_NAME = 'TagRole';
/** The tag it writes, with the time of the write as the value. */
export const CANARY_TAG_KEY = 'iamwatch:canary';

type CanarySubject = Pick<NormalisedEvent, 'eventSource' | 'eventName' | 'result' | 'accountId' | 'actor' | 'target'>;

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
