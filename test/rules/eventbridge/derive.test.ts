import { describe, expect, it } from 'vitest';
import { isReadOnlyEventName, MUTATING_PREFIXES } from '../../../rules/cloudtrail/verbs';
import {
  API_CALL_DETAIL_TYPE,
  type DerivedPattern,
  deliveredBy,
  derivePatterns,
  describePatternLimits,
  EVENT_PATTERN_MAX_CHARS,
  PatternDerivationError,
  READ_ONLY_VERBS,
  SIGN_IN_DETAIL_TYPES,
  validatePattern,
} from '../../../rules/eventbridge';
import { type CallShape, catalogCovers, detection, envelopeOf } from './support';

const IAM_SOURCES = ['aws.iam', 'aws.organizations', 'aws.sso', 'aws.identitystore', 'aws.sso-directory'];

/** One detection per trigger shape the catalog can use. */
const SYNTHETIC = [
  detection('iam-user-created', { sources: ['aws.iam'], eventNames: ['CreateUser'] }),
  detection('iam-mfa-device-removed', {
    sources: ['aws.iam'],
    eventNames: ['DeactivateMFADevice', 'DeleteVirtualMFADevice'],
  }),
  detection('iam-change', { sources: IAM_SOURCES, eventNamePrefixes: MUTATING_PREFIXES }),
  detection('root-access-key-created', {
    sources: ['aws.iam'],
    eventNames: ['CreateAccessKey'],
    userIdentityTypes: ['Root'],
  }),
  detection('root-console-login', {
    sources: ['aws.signin'],
    eventNames: ['ConsoleLogin'],
    userIdentityTypes: ['Root'],
  }),
  detection('console-login-failed', { sources: ['aws.signin'], eventNames: ['ConsoleLogin'] }),
  detection('root-activity', { userIdentityTypes: ['Root'] }),
  detection('cloudtrail-logging-stopped', [
    { sources: ['aws.cloudtrail'], eventNames: ['StopLogging', 'DeleteTrail'] },
    { sources: ['aws.cloudtrail'], eventNames: ['UpdateTrail', 'PutEventSelectors'] },
  ]),
  detection('monitor-tampered', [
    { sources: ['aws.events'], eventNames: ['DisableRule', 'DeleteRule', 'RemoveTargets'] },
    { sources: ['aws.lambda'], eventNamePrefixes: ['DeleteFunction'] },
  ]),
  detection('trail-read-by-federated-user', {
    sources: ['aws.cloudtrail'],
    eventNames: ['GetTrailStatus'],
    userIdentityTypes: ['FederatedUser', 'AssumedRole'],
  }),
  detection('kms-anything', { sources: ['aws.kms'] }),
  detection('old-rule', { sources: ['aws.s3'], eventNames: ['PutBucketPolicy'] }, 'deprecated'),
];

const byName = (patterns: readonly DerivedPattern[], name: string) =>
  patterns.find((p) => p.name === name)?.pattern;

describe('derivePatterns on every trigger shape', () => {
  const patterns = derivePatterns(SYNTHETIC);
  const delivered = deliveredBy(patterns);

  it('gives one pattern per source, named after it, and one named after the any-source detection', () => {
    expect(patterns.map((p) => p.name)).toEqual([
      'cloudtrail-1',
      'events-1',
      'iam-1',
      'identitystore-1',
      'kms-1',
      'lambda-1',
      'organizations-1',
      'signin-1',
      'sso-1',
      'sso-directory-1',
      'root-activity',
    ]);
    for (const { name } of patterns) expect(name).toMatch(/^[a-zA-Z0-9-]+$/);
  });

  it('merges names and verbs of one source, leaving out names a verb already covers', () => {
    const iam = byName(patterns, 'iam-1') as { detail: { eventName: unknown[] } };
    expect(iam.detail.eventName).toEqual(
      MUTATING_PREFIXES.slice()
        .sort()
        .map((prefix) => ({ prefix })),
    );
    expect(byName(patterns, 'iam-1')?.source).toEqual(['aws.iam']);
    expect(byName(patterns, 'iam-1')?.['detail-type']).toEqual([API_CALL_DETAIL_TYPE]);
  });

  it('keeps an identity restriction in its own $or branch when the rest of the source does not cover it', () => {
    expect(byName(patterns, 'cloudtrail-1')).toEqual({
      source: ['aws.cloudtrail'],
      'detail-type': [API_CALL_DETAIL_TYPE],
      detail: {
        $or: [
          { eventName: ['DeleteTrail', 'PutEventSelectors', 'StopLogging', 'UpdateTrail'] },
          { userIdentity: { type: ['AssumedRole', 'FederatedUser'] }, eventName: ['GetTrailStatus'] },
        ],
      },
    });
  });

  it('matches both sign-in spellings for aws.signin, and drops the Root-only trigger the open one covers', () => {
    expect(byName(patterns, 'signin-1')).toEqual({
      source: ['aws.signin'],
      'detail-type': [API_CALL_DETAIL_TYPE, ...SIGN_IN_DETAIL_TYPES],
      detail: { eventName: ['ConsoleLogin'] },
    });
  });

  it('listens to root across services for non-read-only calls and sign-in events', () => {
    const root = byName(patterns, 'root-activity');
    expect(root?.source).toBeUndefined();
    expect(root?.['detail-type']).toEqual([API_CALL_DETAIL_TYPE, ...SIGN_IN_DETAIL_TYPES]);
  });

  it('leaves deprecated detections out', () => {
    expect(patterns.some((p) => p.detections?.includes('old-rule'))).toBe(false);
    expect(delivered(envelopeOf({ source: 'aws.s3', eventName: 'PutBucketPolicy', readOnly: false }))).toBe(
      false,
    );
  });

  it('produces valid patterns within the size limit', () => {
    for (const { pattern } of patterns) {
      expect(() => validatePattern(pattern)).not.toThrow();
      expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
    }
  });

  it('is deterministic and independent of catalog order', () => {
    expect(derivePatterns(SYNTHETIC)).toEqual(patterns);
    expect(derivePatterns([...SYNTHETIC].reverse())).toEqual(patterns);
  });

  const probes: [string, CallShape][] = [
    ['named IAM call', { source: 'aws.iam', eventName: 'CreateUser', readOnly: false }],
    ['IAM call by verb', { source: 'aws.iam', eventName: 'TagRole', readOnly: false }],
    ['IAM read', { source: 'aws.iam', eventName: 'GetUser', readOnly: true }],
    ['IAM read without the readOnly flag', { source: 'aws.iam', eventName: 'ListUsers' }],
    ['Identity Center change', { source: 'aws.sso', eventName: 'CreatePermissionSet' }],
    ['identity-store change', { source: 'aws.identitystore', eventName: 'CreateUser' }],
    [
      'root change elsewhere',
      { source: 'aws.ec2', eventName: 'RunInstances', identityType: 'Root', readOnly: false },
    ],
    ['root change, no readOnly flag', { source: 'aws.s3', eventName: 'PutBucketAcl', identityType: 'Root' }],
    [
      'root read',
      { source: 'aws.ec2', eventName: 'DescribeInstances', identityType: 'Root', readOnly: true },
    ],
    ['root read, no readOnly flag', { source: 'aws.s3', eventName: 'GetObject', identityType: 'Root' }],
    [
      'root call flagged mutating despite its verb',
      { source: 'aws.iam', eventName: 'GenerateCredentialReport', identityType: 'Root', readOnly: false },
    ],
    ['non-IAM change', { source: 'aws.ec2', eventName: 'RunInstances', readOnly: false }],
    ['console sign-in', { source: 'aws.signin', eventName: 'ConsoleLogin' }],
    [
      'console sign-in, other spelling',
      { source: 'aws.signin', eventName: 'ConsoleLogin', eventType: 'AwsConsoleSignin' },
    ],
    ['root console sign-in', { source: 'aws.signin', eventName: 'ConsoleLogin', identityType: 'Root' }],
    ['other sign-in event', { source: 'aws.signin', eventName: 'ConsoleLogout' }],
    [
      'root sign-in event other than ConsoleLogin (root password changed)',
      { source: 'aws.signin', eventName: 'PasswordUpdated', identityType: 'Root' },
    ],
    [
      'root sign-in step logged as a service event',
      {
        source: 'aws.signin',
        eventName: 'CredentialVerification',
        identityType: 'Root',
        eventType: 'AwsServiceEvent',
      },
    ],
    ['service event', { source: 'aws.iam', eventName: 'CreateUser', eventType: 'AwsServiceEvent' }],
    [
      'identity-restricted name, right identity',
      { source: 'aws.cloudtrail', eventName: 'GetTrailStatus', identityType: 'AssumedRole' },
    ],
    [
      'identity-restricted name, other identity',
      { source: 'aws.cloudtrail', eventName: 'GetTrailStatus', identityType: 'IAMUser' },
    ],
    [
      'any call of a source-wide trigger',
      { source: 'aws.kms', eventName: 'ScheduleKeyDeletion', readOnly: false },
    ],
    ['read of a source-wide trigger', { source: 'aws.kms', eventName: 'DescribeKey', readOnly: true }],
    ['second trigger of a detection', { source: 'aws.lambda', eventName: 'DeleteFunction20150331' }],
  ];

  it.each(probes)('delivers exactly what the triggers ask for: %s', (_what, call) => {
    const envelope = envelopeOf(call);
    expect(delivered(envelope)).toBe(catalogCovers(SYNTHETIC, envelope));
  });

  it('the probes include both outcomes (no vacuous pass)', () => {
    const outcomes = probes.map(([, call]) => delivered(envelopeOf(call)));
    expect(outcomes).toContain(true);
    expect(outcomes).toContain(false);
  });

  it('sign-in events arrive under either detail-type spelling', () => {
    for (const detailType of SIGN_IN_DETAIL_TYPES) {
      const envelope = {
        ...envelopeOf({ source: 'aws.signin', eventName: 'ConsoleLogin' }),
        'detail-type': detailType,
      };
      expect(delivered(envelope)).toBe(true);
    }
  });

  it('agrees with the normaliser on which calls are read-only when CloudTrail does not say', () => {
    const names = [...MUTATING_PREFIXES, ...READ_ONLY_VERBS, 'Stop', 'Run', 'Terminate'].map(
      (v) => `${v}Thing`,
    );
    for (const eventName of names) {
      const envelope = envelopeOf({ source: 'aws.ec2', eventName, identityType: 'Root' });
      expect(delivered(envelope), eventName).toBe(!isReadOnlyEventName(eventName));
    }
  });

  it('known difference: a pattern cannot see word boundaries, so `Gettysburg…` counts as a read verb', () => {
    // The normaliser reads `GettysburgThing` as mutating (Get is not a whole word there); EventBridge
    // prefixes cannot express that. Only matters when CloudTrail omits `readOnly`.
    const envelope = envelopeOf({ source: 'aws.ec2', eventName: 'GettysburgThing', identityType: 'Root' });
    expect(isReadOnlyEventName('GettysburgThing')).toBe(false);
    expect(delivered(envelope)).toBe(false);
  });
});

describe('derivePatterns limits', () => {
  it('splits a source whose names do not fit one pattern, keeping every name', () => {
    const names = Array.from(
      { length: 300 },
      (_, i) => `CreateSomethingQuiteLongNumber${String(i).padStart(3, '0')}`,
    );
    const patterns = derivePatterns([detection('many', { sources: ['aws.iam'], eventNames: names })]);
    expect(patterns.length).toBeGreaterThan(1);
    expect(patterns.map((p) => p.name)).toEqual(patterns.map((_, i) => `iam-${i + 1}`));
    for (const { pattern } of patterns)
      expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
    const delivered = deliveredBy(patterns);
    for (const eventName of names) expect(delivered(envelopeOf({ source: 'aws.iam', eventName }))).toBe(true);
    expect(delivered(envelopeOf({ source: 'aws.iam', eventName: 'CreateSomethingElse' }))).toBe(false);
    expect(patterns.map((p) => p.description)).toContain(
      `aws.iam calls watched by 1 detection (part 1 of ${patterns.length})`,
    );
  });

  it('refuses a catalog that needs more rules than a bus holds', () => {
    const catalog = Array.from({ length: 301 }, (_, i) =>
      detection(`d${i}`, { sources: [`aws.s${i}`], eventNames: ['X'] }),
    );
    expect(() => derivePatterns(catalog)).toThrow(PatternDerivationError);
  });

  it('refuses a name that cannot fit any pattern', () => {
    expect(() =>
      derivePatterns([detection('huge', { sources: ['aws.iam'], eventNames: ['A'.repeat(3000)] })]),
    ).toThrow(/cannot fit 2048 characters/);
  });

  it('an empty catalog deploys nothing and delivers nothing', () => {
    expect(derivePatterns([])).toEqual([]);
    expect(deliveredBy([])(envelopeOf({ source: 'aws.iam', eventName: 'CreateUser' }))).toBe(false);
  });
});

describe('describePatternLimits', () => {
  it('reports each size against the limits', () => {
    const patterns = derivePatterns(SYNTHETIC);
    const limits = describePatternLimits(patterns);
    expect(limits.count).toBe(patterns.length);
    expect(limits.maxChars).toBe(2048);
    expect(limits.maxCount).toBe(300);
    expect(limits.withinLimits).toBe(true);
    expect(limits.patterns[0]).toEqual({
      name: patterns[0]?.name,
      chars: JSON.stringify(patterns[0]?.pattern).length,
    });
  });

  it('flags a pattern over the size limit', () => {
    const big: DerivedPattern = { name: 'big', description: '', pattern: { source: ['x'.repeat(2100)] } };
    expect(describePatternLimits([big]).withinLimits).toBe(false);
  });
});

describe('READ_ONLY_VERBS', () => {
  it('are exactly the verbs the normaliser treats as read-only', () => {
    expect(READ_ONLY_VERBS.length).toBeGreaterThan(10);
    for (const verb of READ_ONLY_VERBS) expect(isReadOnlyEventName(`${verb}Thing`)).toBe(true);
    for (const verb of MUTATING_PREFIXES) expect(isReadOnlyEventName(`${verb}Thing`)).toBe(false);
  });
});
