import { describe, expect, it } from 'vitest';
import {
  adoptEnvelope,
  DETAIL_TYPES,
  detailTypeOf,
  envelopeId,
  sourceFromEventSource,
  toEnvelope,
} from '../../../rules/cloudtrail/envelope';
import type { CloudTrailRecord } from '../../../rules/types';

const base: CloudTrailRecord = {
  eventID: '5b9f7c9e-1d2a-4c8e-9f3b-0a1b2c3d4e5f',
  eventTime: '2025-03-14T09:12:04Z',
  eventName: 'CreateUser',
  eventSource: 'iam.amazonaws.com',
  eventType: 'AwsApiCall',
  awsRegion: 'us-east-1',
  recipientAccountId: '111122223333',
  userIdentity: { type: 'IAMUser', accountId: '444455556666', userName: 'alice' },
};

describe('sourceFromEventSource', () => {
  it.each([
    ['iam.amazonaws.com', 'aws.iam'],
    ['signin.amazonaws.com', 'aws.signin'],
    ['sts.amazonaws.com', 'aws.sts'],
    ['cloudtrail.amazonaws.com', 'aws.cloudtrail'],
    ['organizations.amazonaws.com', 'aws.organizations'],
    ['sso.amazonaws.com', 'aws.sso'],
    ['sso-directory.amazonaws.com', 'aws.sso-directory'],
    ['identitystore.amazonaws.com', 'aws.identitystore'],
    ['monitoring.amazonaws.com', 'aws.monitoring'],
  ])('%s → %s', (eventSource, source) => {
    expect(sourceFromEventSource(eventSource)).toBe(source);
  });
});

describe('detailTypeOf', () => {
  it('maps every CloudTrail event type', () => {
    expect(detailTypeOf(base)).toBe('AWS API Call via CloudTrail');
    expect(detailTypeOf({ ...base, eventType: 'AwsConsoleSignIn' })).toBe(
      'AWS Console Sign In via CloudTrail',
    );
    expect(detailTypeOf({ ...base, eventType: 'AwsServiceEvent' })).toBe('AWS Service Event via CloudTrail');
    expect(detailTypeOf({ ...base, eventType: 'AwsConsoleAction' })).toBe(
      'AWS Console Action via CloudTrail',
    );
  });

  it('accepts the "Signin" spelling some records carry', () => {
    expect(detailTypeOf({ ...base, eventType: 'AwsConsoleSignin' })).toBe(DETAIL_TYPES.AwsConsoleSignIn);
  });

  it('infers the type when eventType is missing', () => {
    const { eventType: _omitted, ...untyped } = base;
    expect(detailTypeOf(untyped)).toBe(DETAIL_TYPES.AwsApiCall);
    expect(detailTypeOf({ ...untyped, eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin' })).toBe(
      DETAIL_TYPES.AwsConsoleSignIn,
    );
    expect(
      detailTypeOf({ ...untyped, eventSource: 'signin.amazonaws.com', eventName: 'GetSigninToken' }),
    ).toBe(DETAIL_TYPES.AwsApiCall);
    expect(
      detailTypeOf({
        ...untyped,
        eventSource: 'organizations.amazonaws.com',
        eventName: 'CreateAccountResult',
        serviceEventDetails: { createAccountStatus: { state: 'SUCCEEDED' } },
      }),
    ).toBe(DETAIL_TYPES.AwsServiceEvent);
  });
});

describe('toEnvelope', () => {
  it('builds what EventBridge delivers for a CloudTrail record', () => {
    const envelope = toEnvelope(base);
    expect(envelope).toEqual({
      version: '0',
      id: envelopeId(base.eventID),
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.iam',
      account: '111122223333',
      time: '2025-03-14T09:12:04Z',
      region: 'us-east-1',
      resources: [],
      detail: base,
    });
    expect(envelope.detail).toBe(base);
  });

  it('falls back to the caller account when the recipient is missing', () => {
    const { recipientAccountId: _omitted, ...noRecipient } = base;
    expect(toEnvelope(noRecipient).account).toBe('444455556666');
  });

  it('gives stable, distinct, UUID-shaped ids', () => {
    const id = envelopeId(base.eventID);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(envelopeId(base.eventID)).toBe(id);
    expect(envelopeId('5b9f7c9e-1d2a-4c8e-9f3b-0a1b2c3d4e60')).not.toBe(id);
  });
});

describe('adoptEnvelope', () => {
  it('keeps the input envelope fields, including replay-name', () => {
    const envelope = adoptEnvelope(
      {
        version: '0',
        id: 'c57f67a6-9eae-3d73-bb37-508078a8ce30',
        'detail-type': 'AWS API Call via CloudTrail',
        source: 'aws.iam',
        account: '111122223333',
        time: '2025-03-14T09:12:05Z',
        region: 'us-east-1',
        resources: ['arn:aws:iam::111122223333:user/bob'],
        'replay-name': 'backfill-march',
        detail: base,
      },
      base,
    );
    expect(envelope.id).toBe('c57f67a6-9eae-3d73-bb37-508078a8ce30');
    expect(envelope.time).toBe('2025-03-14T09:12:05Z');
    expect(envelope.resources).toEqual(['arn:aws:iam::111122223333:user/bob']);
    expect(envelope['replay-name']).toBe('backfill-march');
    expect(envelope.detail).toBe(base);
  });

  it('derives what the input envelope lacks', () => {
    const envelope = adoptEnvelope({ 'detail-type': 'AWS API Call via CloudTrail', detail: base }, base);
    expect(envelope).toEqual({ ...toEnvelope(base), 'detail-type': 'AWS API Call via CloudTrail' });
    expect(envelope).not.toHaveProperty('replay-name');
  });
});
