import { describe, expect, it } from 'vitest';
import { regionsSchema } from '../../handlers/shared/regions-config';
import { derivePatterns } from '../../rules/eventbridge/derive';
import {
  coverage,
  coverageGaps,
  emissionOf,
  PlacementError,
  patternsForRegion,
  placePatterns,
  SOURCE_EMISSION,
} from '../../rules/placement';
import { DEFAULT_ENABLED_REGIONS } from '../../rules/regions';
import { CATALOG } from '../../rules/registry';
import { archivePatternFor, forwarderAlarmPattern } from '../../stacks/monitor-patterns';
import { MIXED_PATTERNS } from '../stacks/support';

const regions = regionsSchema.parse({ identityCenter: 'eu-west-1' });

describe('placing derived patterns from where AWS emits their events', () => {
  it('runs us-east-1 sources only there, Identity Center sources in its home region, the rest everywhere', () => {
    const names = (region: string) => patternsForRegion(MIXED_PATTERNS, region, regions).map((p) => p.name);
    expect(names('us-east-1')).toEqual(['iam-1', 'signin-1', 'identity-1-regional']);
    expect(names('eu-west-1')).toEqual(['signin-1', 'identity-1-identity-center', 'identity-1-regional']);
    expect(names('ap-southeast-2')).toEqual(['signin-1', 'identity-1-regional']);
  });

  it('cuts a mixed pattern into parts narrowed to their sources, remembering the whole one', () => {
    const placed = placePatterns(MIXED_PATTERNS);
    expect(placed.map((p) => [p.name, p.placement, p.origin, p.pattern.source])).toEqual([
      ['iam-1', 'us-east-1', 'iam-1', ['aws.iam']],
      ['signin-1', 'every-region', 'signin-1', ['aws.signin']],
      ['identity-1-identity-center', 'identity-center-home', 'identity-1', ['aws.sso']],
      ['identity-1-regional', 'every-region', 'identity-1', ['aws.sts']],
    ]);
    expect(placed[2]?.pattern).toEqual({ ...MIXED_PATTERNS[2]?.pattern, source: ['aws.sso'] });
  });

  it('places a pattern without a source list (root activity) in every region', () => {
    const anySource = { name: 'root-activity', description: 'root', pattern: { detail: {} } };
    expect(placePatterns([anySource]).map((p) => p.placement)).toEqual(['every-region']);
  });

  it('refuses a source the emission table does not know', () => {
    const unknown = { name: 'x', description: 'x', pattern: { source: ['aws.newservice'] } };
    expect(() => placePatterns([unknown])).toThrow(PlacementError);
    expect(() => emissionOf('aws.newservice')).toThrow(/SOURCE_EMISSION/);
  });

  it('knows every source the catalog listens to', () => {
    for (const { pattern } of derivePatterns(CATALOG)) {
      for (const source of (pattern.source as string[] | undefined) ?? []) {
        expect(SOURCE_EMISSION[source], source).toBeDefined();
      }
    }
  });

  it('does not alter the patterns it is given', () => {
    const before = structuredClone(MIXED_PATTERNS);
    patternsForRegion(MIXED_PATTERNS, 'ap-southeast-2', regions);
    expect(MIXED_PATTERNS).toEqual(before);
  });
});

describe('coverage', () => {
  const patterns = derivePatterns(CATALOG);
  const config = { resourcePrefix: 'iamwatch', mode: 'organization' as const, regions };

  it('covers every detection of the catalog in every region its events can be emitted in', () => {
    const rows = coverage(CATALOG, patterns, config);
    expect(coverageGaps(rows)).toEqual([]);
    const detections = new Set(rows.map((r) => r.detection));
    expect(CATALOG.filter((d) => d.status !== 'deprecated' && !detections.has(d.id))).toEqual([]);
  });

  it('names the deployed rules and their states per region', () => {
    const rows = coverage(CATALOG, patterns, config);
    const assumeRoot = rows.find((r) => r.detection === 'root-session-assumed');
    expect(assumeRoot?.emitted).toBe('every-region');
    expect(assumeRoot?.emittedIn.sort()).toEqual([...DEFAULT_ENABLED_REGIONS].sort());
    expect(assumeRoot?.rules).toContainEqual({
      region: 'eu-central-1',
      name: 'iamwatch-fwd-sts-1',
      state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      kind: 'forwarder',
    });
    expect(assumeRoot?.rules).toContainEqual({
      region: 'us-east-1',
      name: 'iamwatch-sts-1',
      state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
      kind: 'monitor',
    });
    const sso = rows.find((r) => r.detection === 'sso-account-assignment-changed');
    expect(sso?.emittedIn).toEqual(['eu-west-1']);
    expect(sso?.rules.filter((r) => r.kind === 'forwarder').map((r) => r.region)).toEqual(['eu-west-1']);
    const lambda = rows.find((r) => r.detection === 'monitor-tampered' && r.source === 'aws.lambda');
    expect(lambda).toMatchObject({ emitted: 'every-region', watched: 'us-east-1', uncovered: [] });
    expect(lambda?.note).toMatch(/only in the monitor region/);
  });

  it('finds the gap when a default region or the Identity Center home region gets no forwarders', () => {
    const narrow = regionsSchema.parse({
      forwarders: DEFAULT_ENABLED_REGIONS.filter((r) => r !== 'eu-west-3'),
      identityCenter: 'ap-east-1',
    });
    const gaps = coverageGaps(coverage(CATALOG, patterns, { ...config, regions: narrow }));
    expect(gaps).toContainEqual(
      expect.stringMatching(/^cloudtrail-logging-stopped \(aws\.cloudtrail\): .*eu-west-3/),
    );
    expect(gaps).toContainEqual(
      expect.stringMatching(/^sso-account-assignment-changed \(aws\.sso\): .*ap-east-1/),
    );
  });

  it('counts the monitor rules on the default bus as us-east-1 coverage in single-account mode', () => {
    const rows = coverage(CATALOG, patterns, { ...config, mode: 'single-account' });
    expect(coverageGaps(rows)).toEqual([]);
    const iam = rows.find((r) => r.detection === 'iam-user-created');
    expect(iam?.rules.map((r) => r.kind)).toEqual(['monitor']);
  });
});

describe('monitor patterns', () => {
  it('archives what the monitor rules match: their sources and detail-types, source-less patterns whole', () => {
    const anySource = { detail: { userIdentity: { type: ['Root'] } } };
    expect(archivePatternFor([...MIXED_PATTERNS.map((p) => p.pattern), anySource])).toEqual({
      $or: [
        {
          source: ['aws.iam', 'aws.signin', 'aws.sso', 'aws.sts'],
          'detail-type': [
            'AWS API Call via CloudTrail',
            'AWS Console Sign In via CloudTrail',
            'AWS Console Signin via CloudTrail',
          ],
        },
        anySource,
      ],
    });
  });

  it('keeps everything when nothing narrower fits one pattern', () => {
    expect(archivePatternFor([])).toBeUndefined();
    const huge = { detail: { eventName: ['x'.repeat(3000)] } };
    expect(archivePatternFor([huge])).toBeUndefined();
  });

  it('archives the real catalog with a pattern EventBridge accepts', () => {
    const pattern = archivePatternFor([
      ...derivePatterns(CATALOG).map((p) => p.pattern),
      forwarderAlarmPattern('iamwatch'),
    ]);
    expect(pattern).toBeDefined();
    expect(pattern?.$or).toHaveLength(2);
  });

  it('routes only forwarder alarms entering ALARM', () => {
    expect(forwarderAlarmPattern('acme')).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { alarmName: [{ prefix: 'acme-forwarder-' }], state: { value: ['ALARM'] } },
    });
  });
});
