import { describe, expect, it } from 'vitest';
import { InvalidRecordError, type ParsedItem, parseInputText } from '../../../rules/cloudtrail/parse';

function record(eventID: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', accountId: '111122223333', userName: 'alice' },
    eventTime: '2025-03-14T09:12:04Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateUser',
    awsRegion: 'us-east-1',
    requestParameters: { userName: 'bob' },
    responseElements: null,
    eventID,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
    ...overrides,
  };
}

function envelope(detail: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: '8f950901-82db-6ad4-96fc-f50e9762dc97',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.iam',
    account: '111122223333',
    time: '2025-03-14T09:12:04Z',
    region: 'us-east-1',
    resources: [],
    detail,
    ...extra,
  };
}

const parse = (text: string, source = 'input.json'): ParsedItem[] => [...parseInputText(text, source)];
const ids = (items: ParsedItem[]) =>
  items.map((item) => (item.ok ? item.record.eventID : `error:${item.error.message}`));

describe('parseInputText', () => {
  it('reads a single record and wraps it in an envelope', () => {
    const [item, ...rest] = parse(JSON.stringify(record('id-1')));
    expect(rest).toHaveLength(0);
    expect(item).toMatchObject({ ok: true, location: { source: 'input.json' } });
    if (!item?.ok) throw new Error('expected a record');
    expect(item.record.eventName).toBe('CreateUser');
    expect(item.envelope.source).toBe('aws.iam');
    expect(item.envelope.detail).toBe(item.record);
    expect(item.location).toEqual({ source: 'input.json' });
  });

  it('reads a CloudTrail log file and numbers its records', () => {
    const items = parse(JSON.stringify({ Records: [record('id-1'), record('id-2'), record('id-3')] }));
    expect(ids(items)).toEqual(['id-1', 'id-2', 'id-3']);
    expect(items.map((item) => item.location)).toEqual([
      { source: 'input.json', record: 1 },
      { source: 'input.json', record: 2 },
      { source: 'input.json', record: 3 },
    ]);
  });

  it('reports a record missing eventID with its number and keeps the others', () => {
    const { eventID: _omitted, ...noId } = record('unused');
    const items = parse(
      JSON.stringify({ Records: [record('id-1'), noId, record('id-3')] }),
      'logs/day1.json',
    );
    expect(ids(items)).toEqual(['id-1', 'error:missing required field "eventID"', 'id-3']);
    const bad = items[1];
    expect(bad).toMatchObject({ ok: false, location: { source: 'logs/day1.json', record: 2 } });
    if (bad?.ok !== false) throw new Error('expected an error item');
    expect(bad.error).toBeInstanceOf(InvalidRecordError);
    expect(bad.error.field).toBe('eventID');
  });

  it('keeps an EventBridge envelope as delivered, including replay-name', () => {
    const [item] = parse(JSON.stringify(envelope(record('id-1'), { 'replay-name': 'march-replay' })));
    if (!item?.ok) throw new Error('expected a record');
    expect(item.envelope.id).toBe('8f950901-82db-6ad4-96fc-f50e9762dc97');
    expect(item.envelope['replay-name']).toBe('march-replay');
    expect(item.record.eventID).toBe('id-1');
  });

  it('names the detail field when an envelope carries a bad record', () => {
    const { eventName: _omitted, ...noName } = record('id-1');
    const [item] = parse(JSON.stringify(envelope(noName)));
    if (item?.ok !== false) throw new Error('expected an error item');
    expect(item.error.field).toBe('detail.eventName');
    expect(item.error.message).toContain('missing required field "eventName"');
  });

  it('reads an array mixing records and envelopes', () => {
    const items = parse(JSON.stringify([record('id-1'), envelope(record('id-2'))]));
    expect(ids(items)).toEqual(['id-1', 'id-2']);
    expect(items[1]?.location).toEqual({ source: 'input.json', record: 2 });
  });

  it('reads LookupEvents events and responses', () => {
    const event = {
      EventId: 'id-1',
      EventName: 'CreateUser',
      CloudTrailEvent: JSON.stringify(record('id-1')),
    };
    expect(ids(parse(JSON.stringify(event)))).toEqual(['id-1']);
    const response = {
      Events: [event, { EventId: 'id-2', CloudTrailEvent: JSON.stringify(record('id-2')) }],
    };
    expect(ids(parse(JSON.stringify(response)))).toEqual(['id-1', 'id-2']);
    const broken = parse(JSON.stringify({ Events: [{ EventId: 'x', CloudTrailEvent: '{"eventID":' }] }));
    expect(broken[0]).toMatchObject({ ok: false, location: { record: 1 } });
    if (broken[0]?.ok !== false) throw new Error('expected an error item');
    expect(broken[0].error.field).toBe('CloudTrailEvent');
  });

  it('reads JSON lines of records and envelopes, reporting a bad line by number', () => {
    const text = [
      JSON.stringify(record('id-1')),
      '',
      '{"eventID": "id-broken", ',
      JSON.stringify(envelope(record('id-2'))),
      JSON.stringify({ Records: [record('id-3'), record('id-4')] }),
      '',
    ].join('\n');
    const items = parse(text, 'events.jsonl');
    expect(ids(items).map((id) => id.replace(/^error:malformed JSON.*/, 'error'))).toEqual([
      'id-1',
      'error',
      'id-2',
      'id-3',
      'id-4',
    ]);
    expect(items.map((item) => item.location)).toEqual([
      { source: 'events.jsonl', line: 1 },
      { source: 'events.jsonl', line: 3 },
      { source: 'events.jsonl', line: 4 },
      { source: 'events.jsonl', line: 5, record: 1 },
      { source: 'events.jsonl', line: 5, record: 2 },
    ]);
  });

  it('reads JSON lines with Windows line endings', () => {
    const text = `${JSON.stringify(record('id-1'))}\r\n${JSON.stringify(record('id-2'))}\r\n`;
    expect(ids(parse(text))).toEqual(['id-1', 'id-2']);
  });

  it('turns a broken JSON document into one error naming the source', () => {
    const pretty = JSON.stringify({ Records: [record('id-1'), record('id-2')] }, null, 2);
    const items = parse(pretty.slice(0, pretty.length - 40), 'logs/truncated.json');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ ok: false, location: { source: 'logs/truncated.json' } });
    if (items[0]?.ok !== false) throw new Error('expected an error item');
    expect(items[0].error.message).toMatch(/^malformed JSON: /);
  });

  it('rejects text that is not JSON at all', () => {
    const items = parse('eventID,eventName\nid-1,CreateUser\n', 'export.csv');
    expect(items).toHaveLength(1);
    expect(items[0]?.ok).toBe(false);
  });

  it('rejects empty input and JSON that is not a record', () => {
    expect(ids(parse('  \n'))).toEqual(['error:input is empty']);
    expect(ids(parse('42'))).toEqual(['error:expected a CloudTrail record object, got a number']);
  });

  it('ignores a byte-order mark', () => {
    expect(ids(parse(`\ufeff${JSON.stringify(record('id-1'))}`))).toEqual(['id-1']);
  });

  it('reports an empty Records array as nothing to read', () => {
    expect(parse('{"Records":[]}')).toEqual([]);
  });
});
