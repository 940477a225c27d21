import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOG_EXAMPLES, examplesOf } from '../../rules/catalog-examples';
import { sourceFromEventSource } from '../../rules/cloudtrail/envelope';
import { makeContext } from '../../rules/context';
import {
  DETECTION_ID_PATTERN,
  DetectionDefinitionError,
  type DetectionSpec,
  defineDetection,
  MITRE_ID_PATTERN,
} from '../../rules/detections/define';
import { triggerCovers } from '../../rules/engine';
import { defineExamples, iamCall } from '../../rules/examples';
import { normalise } from '../../rules/normalise';
import { CATALOG, findDetection } from '../../rules/registry';
import { type Detection, SEVERITIES } from '../../rules/types';
import { REQUIRED_DETECTION_IDS } from '../support/contract';

const REQUIRED_IDS = REQUIRED_DETECTION_IDS;

/** Severities the design table fixes per id (the usual one first). */
const DESIGN_SEVERITIES: Record<string, string[]> = {
  'iam-admin-policy-attached': ['critical', 'high'],
  'iam-role-trust-allows-external': ['high', 'critical'],
  'iam-password-policy-changed': ['medium', 'high'],
  'root-console-login': ['high', 'critical'],
  'root-session-assumed': ['high', 'critical'],
  'console-login-failed': ['low', 'medium'],
  'cloudtrail-logging-stopped': ['critical', 'high'],
  'sso-permission-set-changed': ['medium', 'high'],
  'iam-login-profile-changed-for-another-user': ['high', 'medium'],
  'iam-user-created': ['medium'],
  'iam-user-deleted': ['low'],
  'iam-access-key-created-for-another-user': ['high'],
  'root-access-key-created': ['critical'],
  'iam-inline-admin-policy-added': ['critical'],
  'org-account-removed': ['critical'],
  // medium/low: iamwatch's own deployments (deployment.principals through CloudFormation), recorded low.
  'monitor-tampered': ['critical', 'medium', 'low'],
  'tampering-denied': ['high'],
  'iam-write-denied': ['medium'],
  'iam-change': ['info'],
};

const detectionsDir = fileURLToPath(new URL('../../rules/detections/', import.meta.url));
const HELPER_FILES = new Set(['define.ts', 'sign-in.ts']);
const EXAMPLES_SUFFIX = '.examples.ts';

describe('registry', () => {
  const ids = CATALOG.map((d) => d.id);

  it('lists exactly the detection files (file name = id)', () => {
    const files = readdirSync(detectionsDir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith(EXAMPLES_SUFFIX) && !HELPER_FILES.has(f))
      .map((f) => f.slice(0, -'.ts'.length));
    expect([...ids].sort()).toEqual(files.sort());
  });

  it('has an examples file next to each detection file, and the examples list holds them all in order', () => {
    const examplesFiles = readdirSync(detectionsDir)
      .filter((f) => f.endsWith(EXAMPLES_SUFFIX))
      .map((f) => f.slice(0, -EXAMPLES_SUFFIX.length));
    expect(examplesFiles.sort()).toEqual([...ids].sort());
    expect(CATALOG_EXAMPLES.map(({ detection }) => detection)).toEqual(CATALOG);
  });

  it('has unique ids', () => {
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('contains every id the design requires', () => {
    expect(REQUIRED_IDS.filter((id) => !ids.includes(id))).toEqual([]);
  });

  it('names ids in kebab-case', () => {
    for (const id of ids) expect(id, id).toMatch(DETECTION_ID_PATTERN);
  });

  it('finds detections by id', () => {
    expect(findDetection('iam-user-created')?.id).toBe('iam-user-created');
    expect(findDetection('no-such-detection')).toBeUndefined();
  });

  it('only iam-change is a fallback', () => {
    expect(CATALOG.filter((d) => d.fallback).map((d) => d.id)).toEqual(['iam-change']);
  });

  it('root-activity listens to the Root identity type on any source', () => {
    const trigger = findDetection('root-activity')?.trigger;
    expect(trigger).toEqual([{ userIdentityTypes: ['Root'] }]);
  });

  it('keeps the severities the design fixes', () => {
    for (const [id, severities] of Object.entries(DESIGN_SEVERITIES)) {
      const detection = findDetection(id);
      expect(detection?.severity, id).toBe(severities[0]);
      expect([...(detection?.severities ?? [])].sort(), id).toEqual([...severities].sort());
    }
  });

  describe.each(CATALOG.map((d) => [d.id, d] as const))('%s', (_id, detection) => {
    it('has complete metadata', () => {
      expect(detection.status).toMatch(/^(stable|experimental|deprecated)$/);
      expect(detection.description.trim().length).toBeGreaterThan(40);
      expect(detection.runbook.trim().length).toBeGreaterThan(40);
      expect(detection.falsePositives.length).toBeGreaterThan(0);
      expect(SEVERITIES).toContain(detection.severity);
      expect(detection.severities).toContain(detection.severity);
      if (detection.severities.length > 1) expect(detection.severityOf).toBeTypeOf('function');
    });

    it('cites https references and well-formed MITRE ATT&CK techniques', () => {
      expect(detection.references.length).toBeGreaterThan(0);
      for (const ref of detection.references) expect(ref).toMatch(/^https:\/\/[^\s]+$/);
      expect(detection.mitre.length).toBeGreaterThan(0);
      for (const technique of detection.mitre) {
        expect(technique.id).toMatch(MITRE_ID_PATTERN);
        expect(technique.name.length).toBeGreaterThan(3);
      }
    });

    const examples = examplesOf(detection);

    it('has a positive and a near-miss negative example', () => {
      expect(examples.some((e) => e.expect)).toBe(true);
      expect(examples.some((e) => !e.expect)).toBe(true);
    });

    it('keeps every example inside its trigger (event name, source, identity type)', () => {
      for (const example of examples) {
        const event = normalise(example.event, makeContext(example.context));
        expect(
          triggerCovers(detection.trigger, event),
          `${example.name}: ${sourceFromEventSource(event.eventSource)} ${event.eventName}`,
        ).toBe(true);
      }
    });

    it('has unique example names', () => {
      const names = examples.map((e) => e.name);
      expect(new Set(names).size).toBe(names.length);
    });
  });
});

describe('defineDetection', () => {
  const valid: DetectionSpec = {
    id: 'test-detection',
    title: () => 'test',
    severity: 'low',
    description: 'A detection used to test the definition checks.',
    runbook: '1. Nothing to do.',
    references: ['https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagUser.html'],
    mitre: [{ id: 'T1098', name: 'Account Manipulation' }],
    falsePositives: ['Always.'],
    trigger: { sources: ['aws.iam'], eventNames: ['TagUser'] },
    match: () => true,
  };

  it('fills defaults and freezes', () => {
    const detection = defineDetection(valid);
    expect(detection.status).toBe('stable');
    expect(detection.severities).toEqual(['low']);
    expect(Object.isFrozen(detection)).toBe(true);
  });

  it('numbers runbook steps and ends the references with the ATT&CK page', () => {
    const detection = defineDetection({ ...valid, runbook: ['Look.', 'Act.'] });
    expect(detection.runbook).toBe('1. Look.\n2. Act.');
    expect(detection.references).toEqual([
      'https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagUser.html',
      'https://attack.mitre.org/techniques/T1098/',
    ]);
    const linked = defineDetection({
      ...valid,
      mitre: [...valid.mitre, { id: 'T1098.001', name: 'Additional Cloud Credentials' }],
      attackPage: { id: 'T1098.001', name: 'Additional Cloud Credentials' },
    });
    expect(linked.references.at(-1)).toBe('https://attack.mitre.org/techniques/T1098/001/');
    expect(linked).not.toHaveProperty('attackPage');
  });

  it.each([
    ['a non-kebab id', { id: 'Test_Detection' }, 'kebab-case'],
    ['an http reference', { references: ['http://example.com'] }, 'not https'],
    ['a malformed MITRE id', { mitre: [{ id: 'T98', name: 'x' }] }, 'MITRE'],
    [
      'an ATT&CK page of a technique not cited',
      { attackPage: { id: 'T1110', name: 'Brute Force' } },
      'not in mitre',
    ],
    ['an empty runbook', { runbook: [] }, 'runbook is empty'],
    ['two severities without severityOf', { severities: ['low', 'high'] }, 'severityOf'],
    ['a trigger naming nothing', { trigger: { sources: ['aws.iam'] } }, 'trigger must name'],
    [
      'a source not shaped aws.<service>',
      { trigger: { sources: ['iam.amazonaws.com'], eventNames: ['TagUser'] } },
      'aws.',
    ],
  ] as const)('rejects %s', (_name, change, message) => {
    const attempt = () => defineDetection({ ...valid, ...change } as DetectionSpec);
    expect(attempt).toThrow(DetectionDefinitionError);
    expect(attempt).toThrow(message);
  });
});

describe('defineExamples', () => {
  const detection = CATALOG[0] as Detection;
  const fires = { name: 'fires', expect: true, event: iamCall('TagUser') };
  const nearMiss = {
    name: 'near miss',
    expect: false,
    event: iamCall('TagUser', { errorCode: 'NoSuchEntity' }),
  };

  it('keeps a positive and a near miss, frozen, with their detection', () => {
    const defined = defineExamples(detection, [fires, nearMiss]);
    expect(defined.detection).toBe(detection);
    expect(defined.examples).toEqual([fires, nearMiss]);
    expect(Object.isFrozen(defined.examples)).toBe(true);
  });

  it.each([
    ['no near miss', [fires], 'near-miss'],
    ['no positive example', [nearMiss], 'positive'],
    ['two examples with one name', [fires, nearMiss, { ...nearMiss }], 'share a name'],
  ] as const)('rejects %s', (_name, examples, message) => {
    const attempt = () => defineExamples(detection, examples);
    expect(attempt).toThrow(DetectionDefinitionError);
    expect(attempt).toThrow(message);
  });
});
