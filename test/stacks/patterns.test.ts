import { describe, expect, it } from 'vitest';
import { archivePatternFor, forwarderAlarmPattern } from '../../stacks/monitor-patterns';
import { patternsForRegion, placePatterns } from '../../stacks/patterns';
import { MIXED_PATTERNS } from './support';

describe('placing derived patterns by region', () => {
  it('keeps every pattern, unchanged, in us-east-1', () => {
    expect(patternsForRegion(MIXED_PATTERNS, 'us-east-1')).toEqual(MIXED_PATTERNS);
  });

  it('keeps only sign-in and STS sources in other regions, narrowing mixed patterns', () => {
    const regional = patternsForRegion(MIXED_PATTERNS, 'eu-north-1');
    expect(regional.map((p) => p.name)).toEqual(['signin-1', 'identity-1-regional']);
    expect(regional[0]?.pattern).toEqual(MIXED_PATTERNS[1]?.pattern);
    expect(regional[1]?.pattern).toEqual({ ...MIXED_PATTERNS[2]?.pattern, source: ['aws.sts'] });
  });

  it('places a mixed pattern twice and a pattern without a source list in us-east-1 only', () => {
    const anySource = {
      name: 'root-activity',
      description: 'root',
      pattern: { detail: { userIdentity: { type: ['Root'] } } },
    };
    const placed = placePatterns([...MIXED_PATTERNS, anySource]);
    expect(placed.map((p) => [p.name, p.placement])).toEqual([
      ['iam-1', 'home'],
      ['signin-1', 'everywhere'],
      ['identity-1', 'home'],
      ['identity-1-regional', 'elsewhere'],
      ['root-activity', 'home'],
    ]);
  });

  it('does not alter the patterns it is given', () => {
    const before = structuredClone(MIXED_PATTERNS);
    patternsForRegion(MIXED_PATTERNS, 'ap-southeast-2');
    expect(MIXED_PATTERNS).toEqual(before);
  });
});

describe('monitor patterns', () => {
  it('archives everything on the central bus and only the derived sources on a default bus', () => {
    expect(archivePatternFor(MIXED_PATTERNS, 'organization')).toBeUndefined();
    expect(archivePatternFor(MIXED_PATTERNS, 'single-account')).toEqual({
      source: ['aws.iam', 'aws.signin', 'aws.sso', 'aws.sts'],
    });
  });

  it('falls back to detail-types, then to everything, when sources are not plain lists', () => {
    const noSource = [
      { name: 'x', description: 'x', pattern: { 'detail-type': ['AWS API Call via CloudTrail'] } },
    ];
    expect(archivePatternFor(noSource, 'single-account')).toEqual({
      'detail-type': ['AWS API Call via CloudTrail'],
    });
    expect(
      archivePatternFor([{ name: 'y', description: 'y', pattern: { detail: {} } }], 'single-account'),
    ).toBeUndefined();
  });

  it('routes only forwarder alarms entering ALARM', () => {
    expect(forwarderAlarmPattern('acme')).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { alarmName: [{ prefix: 'acme-forwarder-' }], state: { value: ['ALARM'] } },
    });
  });
});
