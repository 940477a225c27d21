import { describe, expect, it } from 'vitest';
import { readLookedUpEvent } from '../../../handlers/backfill/lookup';
import { fixture } from './support/events';

describe('readLookedUpEvent', () => {
  it('parses CloudTrailEvent into a record in the envelope EventBridge would deliver', () => {
    const record = fixture('create-user.json');
    const item = readLookedUpEvent({ EventId: record.eventID, CloudTrailEvent: JSON.stringify(record) });
    if (!item.ok) throw item.error;
    expect(item.record.eventID).toBe(record.eventID);
    expect(item.envelope).toMatchObject({
      source: 'aws.iam',
      'detail-type': 'AWS API Call via CloudTrail',
      account: '111122223333',
      detail: { eventName: 'CreateUser' },
    });
  });

  it('names the EventId of events it cannot read', () => {
    const broken = readLookedUpEvent({ EventId: 'e-1', CloudTrailEvent: '{"eventID": ' });
    expect(broken).toMatchObject({ ok: false, eventId: 'e-1' });
    expect(broken.ok ? '' : broken.error.message).toMatch(/not valid JSON/);
    const missing = readLookedUpEvent({ EventId: 'e-2' });
    expect(missing.ok ? '' : missing.error.message).toMatch(/CloudTrailEvent/);
    const invalid = readLookedUpEvent({
      EventId: 'e-3',
      CloudTrailEvent: JSON.stringify({ ...fixture('create-user.json'), userIdentity: 42 }),
    });
    expect(invalid.ok ? '' : invalid.error.message).toMatch(/userIdentity/);
  });

  it('reads an event whose unneeded field is mistyped, with a warning naming the field', () => {
    const warned = readLookedUpEvent({
      EventId: 'e-4',
      CloudTrailEvent: JSON.stringify({ ...fixture('create-user.json'), sourceIPAddress: 42 }),
    });
    expect(warned.ok && warned.record.sourceIPAddress).toBe(undefined);
    expect(warned.ok ? warned.warnings.map((warning) => warning.field) : []).toEqual(['sourceIPAddress']);
  });
});
