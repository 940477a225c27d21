/** What the three console sign-in detections share: their trigger, reference and title wording. */
import type { NormalisedEvent, Trigger } from '../types';

/** Console sign-ins (`signin.amazonaws.com`, ConsoleLogin). */
export const CONSOLE_SIGN_IN: Trigger = { sources: ['aws.signin'], eventNames: ['ConsoleLogin'] };

/** CloudTrail's description of console sign-in records (`ConsoleLogin`, `MFAUsed` …). */
export const SIGN_IN_EVENTS_REFERENCE =
  'https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html';

/** Where a sign-in came from, for titles: ` from 203.0.113.7`, or nothing when the record has no IP. */
export function fromSourceIp(e: NormalisedEvent): string {
  return e.sourceIp ? ` from ${e.sourceIp}` : '';
}
