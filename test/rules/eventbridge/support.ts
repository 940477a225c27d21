/**
 * Test support for pattern derivation: synthetic detections, envelopes, and an independent
 * statement of which events a trigger asks for (what the derived patterns must deliver).
 */
import { toEnvelope } from '../../../rules/cloudtrail/envelope';
import { isReadOnlyEventName } from '../../../rules/cloudtrail/verbs';
import { API_CALL_DETAIL_TYPE, SIGN_IN_DETAIL_TYPES } from '../../../rules/eventbridge';
import type { CloudTrailRecord, Detection, EventBridgeEnvelope, Trigger } from '../../../rules/types';

/** A detection with only what derivation reads filled in meaningfully. */
export function detection(
  id: string,
  trigger: Trigger | readonly Trigger[],
  status: Detection['status'] = 'stable',
): Detection {
  return {
    id,
    status,
    title: () => id,
    severity: 'low',
    severities: ['low'],
    description: `synthetic ${id}`,
    runbook: '',
    references: [],
    mitre: [],
    falsePositives: [],
    trigger: Array.isArray(trigger) ? trigger : [trigger as Trigger],
    match: () => true,
  };
}

export interface CallShape {
  source: string;
  eventName: string;
  identityType?: string;
  readOnly?: boolean;
  eventType?: string;
}

/** A CloudTrail record for a call, in its EventBridge envelope. */
export function envelopeOf(call: CallShape): EventBridgeEnvelope {
  const record: CloudTrailRecord = {
    eventVersion: '1.08',
    eventID: `${call.source}-${call.eventName}-${call.identityType ?? 'IAMUser'}`,
    eventTime: '2026-11-20T14:03:11Z',
    eventName: call.eventName,
    eventSource: `${call.source.replace(/^aws\./, '')}.amazonaws.com`,
    eventType: call.eventType ?? (call.source === 'aws.signin' ? 'AwsConsoleSignIn' : 'AwsApiCall'),
    awsRegion: 'us-east-1',
    recipientAccountId: '111122223333',
    userIdentity: { type: call.identityType ?? 'IAMUser', accountId: '111122223333' },
  };
  if (call.readOnly !== undefined) record.readOnly = call.readOnly;
  return toEnvelope(record);
}

/**
 * Whether a trigger asks for this event: its sources (or any), its identity types (or any), the
 * named calls or verbs, or, naming none, every call that is not read-only (by CloudTrail's flag, else
 * by verb, as the normaliser decides). API calls only, plus both sign-in spellings for aws.signin
 * when the trigger names aws.signin or no source at all.
 */
export function triggerCovers(trigger: Trigger, envelope: EventBridgeEnvelope): boolean {
  const record = envelope.detail;
  const source = envelope.source;
  if (trigger.sources?.length && !trigger.sources.includes(source)) return false;
  const identity = record.userIdentity?.type;
  if (trigger.userIdentityTypes?.length && !(identity && trigger.userIdentityTypes.includes(identity)))
    return false;
  // A trigger for any source (root-activity) wants root's sign-in events too (PasswordUpdated …).
  const detailTypes =
    source === 'aws.signin' && (!trigger.sources?.length || trigger.sources.includes('aws.signin'))
      ? [API_CALL_DETAIL_TYPE, ...SIGN_IN_DETAIL_TYPES]
      : [API_CALL_DETAIL_TYPE];
  if (!detailTypes.includes(envelope['detail-type'])) return false;
  const names = trigger.eventNames ?? [];
  const prefixes = trigger.eventNamePrefixes ?? [];
  if (names.length > 0 || prefixes.length > 0) {
    return names.includes(record.eventName) || prefixes.some((p) => record.eventName.startsWith(p));
  }
  return !(record.readOnly ?? isReadOnlyEventName(record.eventName));
}

export function triggersOf(d: Detection): readonly Trigger[] {
  return d.trigger;
}

/** Whether any live detection of the catalog asks for the event. */
export function catalogCovers(catalog: readonly Detection[], envelope: EventBridgeEnvelope): boolean {
  return catalog
    .filter((d) => d.status !== 'deprecated')
    .some((d) => triggersOf(d).some((t) => triggerCovers(t, envelope)));
}
