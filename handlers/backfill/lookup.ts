/**
 * One page of CloudTrail `LookupEvents` for one lookup attribute and time window, and what a page's
 * events become: a validated record in the envelope EventBridge would have delivered, or the reason
 * it is not one.
 */
import { type CloudTrailClient, type Event, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { toEnvelope } from '../../rules/cloudtrail/envelope';
import { InvalidRecordError, parseRecord, type RecordWarning } from '../../rules/cloudtrail/parse';
import type { CloudTrailRecord, EventBridgeEnvelope } from '../../rules/types';
import type { LookupQuery } from './plan';
import type { TimeWindow } from './window';

/** The most events LookupEvents returns per page. */
const LOOKUP_PAGE_SIZE = 50;

export interface LookupPage {
  events: Event[];
  /** Absent on the window's last page. */
  nextToken?: string;
}

export async function lookupPage(
  client: CloudTrailClient,
  query: LookupQuery,
  window: TimeWindow,
  nextToken: string | undefined,
): Promise<LookupPage> {
  const response = await client.send(
    new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: query.attribute, AttributeValue: query.value }],
      StartTime: new Date(window.start),
      EndTime: new Date(window.end),
      MaxResults: LOOKUP_PAGE_SIZE,
      ...(nextToken ? { NextToken: nextToken } : {}),
    }),
  );
  const page: LookupPage = { events: response.Events ?? [] };
  if (response.NextToken) page.nextToken = response.NextToken;
  return page;
}

/** A LookupEvents event as a record, or why it cannot be one. */
export type LookedUpEvent =
  | { ok: true; record: CloudTrailRecord; envelope: EventBridgeEnvelope; warnings: RecordWarning[] }
  | { ok: false; eventId: string; error: InvalidRecordError };

/** `CloudTrailEvent` is the record as a JSON string; it is parsed and validated like any input. */
export function readLookedUpEvent(event: Event): LookedUpEvent {
  const eventId = event.EventId ?? '(no EventId)';
  if (typeof event.CloudTrailEvent !== 'string') {
    return { ok: false, eventId, error: new InvalidRecordError('event has no "CloudTrailEvent"') };
  }
  let json: unknown;
  try {
    json = JSON.parse(event.CloudTrailEvent);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return {
      ok: false,
      eventId,
      error: new InvalidRecordError(`"CloudTrailEvent" is not valid JSON: ${message}`, {
        field: 'CloudTrailEvent',
        cause,
      }),
    };
  }
  try {
    const warnings: RecordWarning[] = [];
    const record = parseRecord(json, warnings);
    return { ok: true, record, envelope: toEnvelope(record), warnings };
  } catch (error) {
    if (error instanceof InvalidRecordError) return { ok: false, eventId, error };
    throw error;
  }
}
