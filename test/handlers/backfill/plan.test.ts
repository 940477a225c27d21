import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type LookupQuery, planLookups, queryAppliesTo } from '../../../handlers/backfill/plan';
import { examplesOf } from '../../../rules/catalog-examples';
import { toEnvelope } from '../../../rules/cloudtrail/envelope';
import { parseInputText } from '../../../rules/cloudtrail/parse';
import { deliveredBy, derivePatterns } from '../../../rules/eventbridge/derive';
import { CATALOG } from '../../../rules/registry';
import type { CloudTrailRecord, Detection, Trigger } from '../../../rules/types';
import { FIXTURES } from './support/events';
import { usernameOf } from './support/fake-cloudtrail';

const plan = planLookups(CATALOG);
const isDelivered = deliveredBy(derivePatterns(CATALOG));

/** What LookupEvents would return the record for (the fake server implements the same rule). */
function finds(query: LookupQuery, record: CloudTrailRecord): boolean {
  switch (query.attribute) {
    case 'EventSource':
      return record.eventSource === query.value;
    case 'EventName':
      return record.eventName === query.value;
    case 'Username':
      return usernameOf(record) === query.value;
    case 'ReadOnly':
      return String(record.readOnly ?? false) === query.value;
  }
}

function reachable(record: CloudTrailRecord): boolean {
  const region = record.awsRegion ?? 'us-east-1';
  return plan.some((query) => queryAppliesTo(query, region) && finds(query, record));
}

describe('planLookups over the catalog', () => {
  it('queries open-ended IAM-family sources by EventSource and named calls by EventName', () => {
    const bySource = plan.filter((q) => q.attribute === 'EventSource').map((q) => q.value);
    expect(bySource).toEqual([
      'iam.amazonaws.com',
      'identitystore.amazonaws.com',
      'organizations.amazonaws.com',
      'sso.amazonaws.com',
      'sso-directory.amazonaws.com',
    ]);
    const byName = plan.filter((q) => q.attribute === 'EventName').map((q) => q.value);
    expect(byName).toEqual(
      expect.arrayContaining(['ConsoleLogin', 'StopLogging', 'DeleteTrail', 'DeleteTable']),
    );
    // Names of sources already queried whole are not asked for again.
    expect(byName).not.toContain('CreateUser');
    expect(byName).not.toContain('AttachPolicy');
    expect(new Set(byName).size).toBe(byName.length);
    expect(plan.filter((q) => q.attribute === 'Username')).toEqual([
      expect.objectContaining({ value: 'root', key: 'user-root' }),
    ]);
    expect(plan.some((q) => q.attribute === 'ReadOnly')).toBe(false);
    expect(new Set(plan.map((q) => q.key)).size).toBe(plan.length);
  });

  it('reaches every delivered example event of every detection', () => {
    const missed: string[] = [];
    let delivered = 0;
    for (const detection of CATALOG) {
      for (const example of examplesOf(detection)) {
        if (!isDelivered(toEnvelope(example.event))) continue;
        delivered++;
        if (!reachable(example.event)) missed.push(`${detection.id}: ${example.name}`);
      }
    }
    expect(delivered).toBeGreaterThan(50);
    expect(missed).toEqual([]);
  });

  it('reaches every delivered record of the project fixtures', () => {
    const records = readdirSync(FIXTURES)
      .filter((name) => name.endsWith('.json'))
      .flatMap((name) => [...parseInputText(readFileSync(`${FIXTURES}${name}`, 'utf8'), name)])
      .flatMap((item) => (item.ok && isDelivered(item.envelope) ? [item.record] : []));
    expect(records.length).toBeGreaterThan(10);
    expect(records.filter((record) => !reachable(record)).map((r) => r.eventName)).toEqual([]);
  });

  it('reads IAM and Organizations in us-east-1 only, the rest in every region', () => {
    const iam = plan.find((q) => q.value === 'iam.amazonaws.com');
    const sso = plan.find((q) => q.value === 'sso.amazonaws.com');
    const login = plan.find((q) => q.value === 'ConsoleLogin');
    if (!iam || !sso || !login) throw new Error('plan lacks expected queries');
    expect(queryAppliesTo(iam, 'us-east-1')).toBe(true);
    expect(queryAppliesTo(iam, 'eu-north-1')).toBe(false);
    expect(queryAppliesTo(sso, 'eu-west-1')).toBe(true);
    expect(queryAppliesTo(login, 'ap-southeast-2')).toBe(true);
  });
});

describe('planLookups on other catalogs', () => {
  const base = CATALOG[0] as Detection;
  const detection = (id: string, trigger: Trigger, status: Detection['status'] = 'stable') => ({
    ...base,
    id,
    status,
    trigger: [trigger],
  });

  it('falls back to ReadOnly=false for a trigger on every source and principal', () => {
    const queries = planLookups([
      detection('anything', {}),
      detection('root', { userIdentityTypes: ['Root'] }),
    ]);
    expect(queries.map((q) => `${q.attribute}=${q.value}`)).toEqual(['ReadOnly=false']);
  });

  it('leaves deprecated detections out, as the deployed patterns do', () => {
    const queries = planLookups([
      detection('old', { sources: ['aws.ec2'], eventNames: ['RunInstances'] }, 'deprecated'),
      detection('new', { sources: ['aws.s3'], eventNames: ['PutBucketPolicy'] }),
    ]);
    expect(queries.map((q) => `${q.attribute}=${q.value}`)).toEqual(['EventName=PutBucketPolicy']);
  });

  it('queries a source by EventSource as soon as one trigger on it is open-ended', () => {
    const queries = planLookups([
      detection('named', { sources: ['aws.kms'], eventNames: ['ScheduleKeyDeletion'] }),
      detection('open', { sources: ['aws.kms'], eventNamePrefixes: ['Disable'] }),
    ]);
    expect(queries.map((q) => `${q.attribute}=${q.value}`)).toEqual(['EventSource=kms.amazonaws.com']);
  });
});
