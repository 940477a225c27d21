import { describe, expect, it } from 'vitest';
import {
  CANARY_EVENT_NAME,
  canaryEnvelope,
  canaryPattern,
  isCanaryWrite,
  withCanaryPattern,
} from '../../rules/canary';
import { toEnvelope } from '../../rules/cloudtrail/envelope';
import { makeContext } from '../../rules/context';
import { judge } from '../../rules/engine';
import { derivePatterns } from '../../rules/eventbridge/derive';
import { matchesPattern } from '../../rules/eventbridge/matcher';
import { actors } from '../../rules/examples';
import { normalise } from '../../rules/normalise';
import { CATALOG } from '../../rules/registry';
import type { CloudTrailRecord } from '../../rules/types';
import { CANARY, canaryRecord } from '../support/canary';

const context = makeContext({ canary: CANARY });

function entryOf(record: CloudTrailRecord, ctx = context) {
  return judge(normalise(record, ctx), ctx).entry;
}

/** The fixture moved to another account, every ARN and account field with it. */
function inAccount(record: CloudTrailRecord, accountId: string): CloudTrailRecord {
  return JSON.parse(JSON.stringify(record).replaceAll('111122223333', accountId));
}

describe('the canary write', () => {
  it('is labelled canary, recorded as the info-level change it is', () => {
    const entry = entryOf(canaryRecord());
    expect(entry).toMatchObject({
      eventName: 'TagRole',
      accountId: '111122223333',
      target: { type: 'role', name: 'iamwatch-canary' },
      actor: {
        type: 'AssumedRole',
        sessionIssuerArn: 'arn:aws:iam::111122223333:role/iamwatch-canary-writer',
      },
      canary: true,
      severity: 'info',
    });
    expect(entry.detections.map((d) => d.id)).toEqual(['iam-change']);
  });

  it('is not labelled without a canary in the context', () => {
    expect(entryOf(canaryRecord(), makeContext({}))).not.toHaveProperty('canary');
  });

  it.each<[string, (record: CloudTrailRecord) => CloudTrailRecord]>([
    [
      'TagRole on another role',
      (r) => ({ ...r, requestParameters: { ...r.requestParameters, roleName: 'payments-deploy' } }),
    ],
    ['the same TagRole in another account', (r) => inAccount(r, '777788889999')],
    ['the canary role tagged by a person', (r) => ({ ...r, userIdentity: actors.alice })],
    [
      'the canary role tagged by another function',
      (r) => JSON.parse(JSON.stringify(r).replaceAll('iamwatch-canary-writer', 'payments-tagger')),
    ],
    ['UntagRole on the canary role', (r) => ({ ...r, eventName: 'UntagRole' })],
  ])('near miss: %s is an ordinary entry', (_name, change) => {
    const entry = entryOf(change(canaryRecord()));
    expect(entry).not.toHaveProperty('canary');
  });

  it('near miss: a denied TagRole on the canary role still fires iam-write-denied', () => {
    const denied = { ...canaryRecord(), errorCode: 'AccessDenied', errorMessage: 'not authorized' };
    const entry = entryOf(denied);
    expect(entry).not.toHaveProperty('canary');
    expect(entry.detections.map((d) => d.id)).toContain('iam-write-denied');
  });

  it('isCanaryWrite needs every part of the identity', () => {
    const event = normalise(canaryRecord(), context);
    expect(isCanaryWrite(event, CANARY)).toBe(true);
    expect(isCanaryWrite(event, { ...CANARY, accountId: '777788889999' })).toBe(false);
    expect(isCanaryWrite(event, { ...CANARY, roleName: 'other' })).toBe(false);
    expect(isCanaryWrite(event, { ...CANARY, writerRoleName: 'other' })).toBe(false);
  });
});

describe('the patterns deliver the canary write', () => {
  const patterns = derivePatterns(CATALOG);

  it('the derived iam pattern matches the fixture and the representative envelope (Tag prefix)', () => {
    for (const envelope of [toEnvelope(canaryRecord()), canaryEnvelope(CANARY)]) {
      expect(patterns.filter((p) => matchesPattern(p.pattern, envelope)).map((p) => p.name)).toEqual([
        expect.stringMatching(/^iam-/),
      ]);
    }
    expect(withCanaryPattern(patterns, CANARY)).toBe(patterns);
  });

  it('adds the narrowest canary pattern when no pattern delivers it', () => {
    const onlyCreateUser = patterns.filter((p) => !matchesPattern(p.pattern, canaryEnvelope(CANARY)));
    const extended = withCanaryPattern(onlyCreateUser, CANARY);
    expect(extended).toEqual([...onlyCreateUser, canaryPattern(CANARY)]);
    const pattern = canaryPattern(CANARY).pattern;
    expect(matchesPattern(pattern, toEnvelope(canaryRecord()))).toBe(true);
    const otherRole = { ...canaryRecord(), requestParameters: { roleName: 'payments-deploy' } };
    expect(matchesPattern(pattern, toEnvelope(otherRole))).toBe(false);
    expect(matchesPattern(pattern, toEnvelope({ ...canaryRecord(), eventName: 'UntagRole' }))).toBe(false);
    expect(CANARY_EVENT_NAME).toBe('TagRole');
  });
});
