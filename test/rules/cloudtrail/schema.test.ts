import { describe, expect, it } from 'vitest';
import { RECORD_LIMITS } from '../../../rules/cloudtrail/bounds';
import {
  FIELD_LIMITS,
  InvalidRecordError,
  parseRecord,
  type RecordWarning,
} from '../../../rules/cloudtrail/schema';

function record(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDACKCEVSQ6C2EXAMPLE',
      arn: 'arn:aws:iam::111122223333:user/alice',
      accountId: '111122223333',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      userName: 'alice',
    },
    eventTime: '2025-03-14T09:12:04Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateUser',
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.10',
    userAgent: 'aws-cli/2.15.30',
    requestParameters: { userName: 'bob' },
    responseElements: null,
    requestID: 'b9c1e3a5-0000-4000-8000-000000000001',
    eventID: '5b9f7c9e-1d2a-4c8e-9f3b-0a1b2c3d4e5f',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
    ...overrides,
  };
}

function rejection(value: unknown): InvalidRecordError {
  try {
    parseRecord(value);
  } catch (error) {
    if (error instanceof InvalidRecordError) return error;
    throw error;
  }
  throw new Error('expected parseRecord to reject the value');
}

describe('parseRecord', () => {
  it('returns a valid CloudTrail record as the same object', () => {
    const input = record();
    expect(parseRecord(input)).toBe(input);
  });

  it.each(['eventID', 'eventName', 'eventSource', 'eventTime'])('names a missing %s', (field) => {
    const error = rejection(record({ [field]: undefined }));
    expect(error.message).toBe(`missing required field "${field}"`);
    expect(error.field).toBe(field);
    expect(error.name).toBe('InvalidRecordError');
    expect(error).toBeInstanceOf(Error);
  });

  it('rejects a required field of the wrong type or empty', () => {
    expect(rejection(record({ eventID: 42 })).message).toBe('"eventID" must be a string, got a number');
    expect(rejection(record({ eventName: '' })).message).toBe('"eventName" is empty');
  });

  it('rejects values that are not records', () => {
    expect(rejection(null).message).toContain('got null');
    expect(rejection([record()]).message).toContain('got an array');
    expect(rejection('CreateUser').message).toContain('got a string');
  });

  it('rejects times that are not ISO 8601 or not real', () => {
    expect(rejection(record({ eventTime: 'yesterday' })).message).toContain('not an ISO 8601 time');
    expect(rejection(record({ eventTime: '14/03/2025 09:12:04' })).field).toBe('eventTime');
    expect(rejection(record({ eventTime: '2025-13-14T09:12:04Z' })).message).toContain('not a valid time');
  });

  it('accepts fractions and offsets CloudTrail-compatible tools write', () => {
    expect(parseRecord(record({ eventTime: '2025-03-14T09:12:04.123Z' })).eventTime).toBe(
      '2025-03-14T09:12:04.123Z',
    );
    expect(parseRecord(record({ eventTime: '2025-03-14T10:12:04+01:00' })).eventTime).toBe(
      '2025-03-14T10:12:04+01:00',
    );
  });

  it('rewrites a pipeline-rendered time on a copy, leaving the input untouched', () => {
    const input = record({ eventTime: '2024-06-02 20:16:22.000000000' });
    const parsed = parseRecord(input);
    expect(parsed.eventTime).toBe('2024-06-02T20:16:22Z');
    expect(parsed).not.toBe(input);
    expect(input.eventTime).toBe('2024-06-02 20:16:22.000000000');
    expect(parseRecord(record({ eventTime: '2021-05-20 15:53:47Z' })).eventTime).toBe('2021-05-20T15:53:47Z');
  });

  it('rejects an oversized identifying field', () => {
    const error = rejection(record({ eventID: 'x'.repeat(FIELD_LIMITS.eventID + 1) }));
    expect(error.field).toBe('eventID');
    expect(error.message).toContain('limit 128');
  });

  it('does not reject attacker-chosen text for its length', () => {
    const userAgent = `aws-cli/2.0 ${'A'.repeat(100_000)}`;
    expect(parseRecord(record({ userAgent })).userAgent).toBe(userAgent);
  });

  it('checks userIdentity', () => {
    expect(rejection(record({ userIdentity: 'alice' })).field).toBe('userIdentity');
    expect(rejection(record({ userIdentity: { type: 7 } })).field).toBe('userIdentity.type');
    expect(rejection(record({ userIdentity: { type: 'IAMUser', sessionContext: [] } })).field).toBe(
      'userIdentity.sessionContext',
    );
    const withoutIdentity = record({ userIdentity: undefined });
    expect(parseRecord(withoutIdentity)).toBe(withoutIdentity);
  });

  it('records a request or response that is not an object as absent, with a warning naming it', () => {
    expect(parseRecord(record({ requestParameters: null })).requestParameters).toBeNull();
    const warnings: RecordWarning[] = [];
    const parsed = parseRecord(
      record({
        requestParameters: 'null',
        responseElements: 5,
        additionalEventData: 'not json',
        serviceEventDetails: ['bob'],
      }),
      warnings,
    );
    expect(parsed.requestParameters).toBeUndefined();
    expect(parsed.responseElements).toBeUndefined();
    expect(parsed.additionalEventData).toBeUndefined();
    expect(parsed.serviceEventDetails).toBeUndefined();
    expect(warnings).toEqual([
      {
        field: 'requestParameters',
        message: '"requestParameters" must be an object, got text holding null; recorded without it',
      },
      {
        field: 'responseElements',
        message: '"responseElements" must be an object, got a number; recorded without it',
      },
      {
        field: 'additionalEventData',
        message: '"additionalEventData" must be an object, got text that is not JSON; recorded without it',
      },
      {
        field: 'serviceEventDetails',
        message: '"serviceEventDetails" must be an object, got an array; recorded without it',
      },
    ]);
  });

  it('parses nested objects a pipeline stored as JSON text', () => {
    const parsed = parseRecord(
      record({ serviceEventDetails: '{"createAccountStatus":{"state":"SUCCEEDED"}}' }),
    );
    expect(parsed.serviceEventDetails).toEqual({ createAccountStatus: { state: 'SUCCEEDED' } });
  });

  it('records a wrongly typed optional field as absent and warns, never mutating the input', () => {
    const input = record({ errorCode: 403, sourceIPAddress: { ip: '192.0.2.1' }, readOnly: 'yes' });
    const warnings: RecordWarning[] = [];
    const parsed = parseRecord(input, warnings);
    expect(parsed.errorCode).toBeUndefined();
    expect(parsed.sourceIPAddress).toBeUndefined();
    expect(parsed.readOnly).toBeUndefined();
    expect(input.errorCode).toBe(403);
    expect(warnings.map((warning) => warning.field)).toEqual(['sourceIPAddress', 'errorCode', 'readOnly']);
    expect(warnings[1]?.message).toBe('"errorCode" must be a string, got a number; recorded without it');
    const longRegion = 'r'.repeat(FIELD_LIMITS.awsRegion + 1);
    expect(parseRecord(record({ awsRegion: longRegion }), warnings).awsRegion).toBeUndefined();
    expect(warnings.at(-1)?.field).toBe('awsRegion');
  });

  it('rejects a record nested deeper than the edge bound and accepts one at the bound', () => {
    const nest = (levels: number) => {
      let value: unknown = 'leaf';
      for (let i = 0; i < levels; i++) value = { inner: value };
      return value;
    };
    // The record is level 1 and requestParameters level 2.
    expect(() => parseRecord(record({ requestParameters: nest(RECORD_LIMITS.depth - 1) }))).not.toThrow();
    expect(rejection(record({ requestParameters: nest(RECORD_LIMITS.depth) })).message).toBe(
      `record is nested more than ${RECORD_LIMITS.depth} levels deep`,
    );
    expect(rejection(record({ requestParameters: nest(100_000) })).message).toContain('nested more than');
    expect(
      rejection(record({ requestParameters: `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}` })).message,
    ).toContain('nested more than');
    expect(rejection(record({ userAgent: 'x'.repeat(RECORD_LIMITS.chars) })).message).toContain(
      'larger than',
    );
  });

  it('repairs what pipelines do to fields: null as absent, scalars as text, "true" as a boolean', () => {
    const parsed = parseRecord(
      record({ errorCode: null, sessionCredentialFromConsole: true, readOnly: 'true', tlsDetails: null }),
    );
    expect(parsed.errorCode).toBeUndefined();
    expect(parsed.sessionCredentialFromConsole).toBe('true');
    expect(parsed.readOnly).toBe(true);
    expect(parsed.tlsDetails).toBeUndefined();
  });
});
