/**
 * The patterns derived from the real catalog: within AWS limits, valid, and delivering every event a
 * detection needs to see (and, for a set of probes, nothing the catalog does not ask for).
 */
import { describe, expect, it } from 'vitest';
import { examplesOf } from '../../../rules/catalog-examples';
import { toEnvelope } from '../../../rules/cloudtrail/envelope';
import {
  deliveredBy,
  derivePatterns,
  describePatternLimits,
  EVENT_PATTERN_MAX_CHARS,
  RULES_PER_BUS_MAX,
  SIGN_IN_DETAIL_TYPES,
  validatePattern,
} from '../../../rules/eventbridge';
import { CATALOG } from '../../../rules/registry';
import { type CallShape, catalogCovers, envelopeOf, triggerCovers, triggersOf } from './support';

const live = CATALOG.filter((d) => d.status !== 'deprecated');
const patterns = derivePatterns(CATALOG);
const delivered = deliveredBy(patterns);

describe('patterns derived from the catalog', () => {
  it('stay within AWS limits', () => {
    expect(patterns.length).toBeLessThanOrEqual(RULES_PER_BUS_MAX);
    for (const { name, pattern } of patterns) {
      expect(JSON.stringify(pattern).length, name).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
    }
    expect(describePatternLimits(patterns).withinLimits).toBe(true);
  });

  it('have unique CloudFormation-safe names', () => {
    const names = patterns.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-zA-Z0-9-]{1,40}$/);
  });

  it('are valid EventBridge patterns, as objects and as the JSON text deployed', () => {
    for (const { name, pattern } of patterns) {
      expect(() => validatePattern(pattern), name).not.toThrow();
      expect(() => validatePattern(JSON.stringify(pattern)), name).not.toThrow();
    }
  });

  it('match both sign-in spellings wherever sign-in events are listened to', () => {
    const signInPatterns = patterns.filter((p) =>
      (p.pattern.source as unknown[] | undefined)?.includes('aws.signin'),
    );
    for (const { name, pattern } of signInPatterns) {
      expect(pattern['detail-type'], name).toEqual(expect.arrayContaining([...SIGN_IN_DETAIL_TYPES]));
    }
    const listensToSignIn = live.some((d) => triggersOf(d).some((t) => t.sources?.includes('aws.signin')));
    expect(signInPatterns.length > 0).toBe(listensToSignIn);
  });

  it('name the detections they serve, and serve every live detection', () => {
    const served = new Set(patterns.flatMap((p) => p.detections ?? []));
    expect([...served].sort()).toEqual(live.map((d) => d.id).sort());
  });
});

describe('delivery of the catalog examples', () => {
  const examples = live.flatMap((d) => examplesOf(d).map((example) => ({ detection: d, example })));

  it.each(
    examples
      .filter(({ example }) => example.expect)
      .map(({ detection, example }) => [detection.id, example.name, example]),
  )('%s fires on "%s", so EventBridge must deliver it', (_id, _name, example) => {
    expect(delivered(toEnvelope(example.event))).toBe(true);
  });

  it.each(
    examples.map(({ detection, example }) => [detection.id, example.name, detection, example] as const),
  )('%s "%s" is delivered when its trigger asks for it', (_id, _name, detection, example) => {
    const envelope = toEnvelope(example.event);
    if (triggersOf(detection).some((t) => triggerCovers(t, envelope))) expect(delivered(envelope)).toBe(true);
  });
});

describe('what stays out', () => {
  // Read-only and non-IAM calls reach the pipeline only when some trigger names them.
  const probes: [string, CallShape][] = [
    ['IAM read', { source: 'aws.iam', eventName: 'GetUser', readOnly: true }],
    ['IAM list without the readOnly flag', { source: 'aws.iam', eventName: 'ListRoles' }],
    [
      'Organizations read',
      { source: 'aws.organizations', eventName: 'DescribeOrganization', readOnly: true },
    ],
    ['EC2 read', { source: 'aws.ec2', eventName: 'DescribeInstances', readOnly: true }],
    ['EC2 change', { source: 'aws.ec2', eventName: 'RunInstances', readOnly: false }],
    ['S3 read', { source: 'aws.s3', eventName: 'GetObject', identityType: 'AssumedRole', readOnly: true }],
    ['STS read', { source: 'aws.sts', eventName: 'GetCallerIdentity', readOnly: true }],
    [
      'root read',
      { source: 'aws.ec2', eventName: 'DescribeInstances', identityType: 'Root', readOnly: true },
    ],
    [
      'root change elsewhere',
      { source: 'aws.ec2', eventName: 'RunInstances', identityType: 'Root', readOnly: false },
    ],
    ['IAM change', { source: 'aws.iam', eventName: 'CreateUser', readOnly: false }],
    ['console sign-in', { source: 'aws.signin', eventName: 'ConsoleLogin' }],
  ];

  it.each(probes)('%s is delivered exactly when the catalog asks for it', (_what, call) => {
    const envelope = envelopeOf(call);
    expect(delivered(envelope)).toBe(catalogCovers(CATALOG, envelope));
  });
});
