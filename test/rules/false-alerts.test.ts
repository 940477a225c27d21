import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { examplesOf } from '../../rules/catalog-examples';
import { toEnvelope } from '../../rules/cloudtrail/envelope';
import { parseInputText } from '../../rules/cloudtrail/parse';
import { makeContext } from '../../rules/context';
import { judge } from '../../rules/engine';
import { deliveredBy, derivePatterns } from '../../rules/eventbridge';
import { normalise } from '../../rules/normalise';
import { CATALOG } from '../../rules/registry';
import type { CloudTrailRecord } from '../../rules/types';

/**
 * The detection fixes of issue 11, over records written after the shapes AWS documents
 * (test/fixtures/rules/false-alerts/SOURCES.md), plus the catalog-wide property that a refused call
 * never fires a change detection.
 */
const FIXTURES = fileURLToPath(new URL('../fixtures/rules/false-alerts/', import.meta.url));

function fixture(name: string): CloudTrailRecord {
  const [item] = [...parseInputText(readFileSync(`${FIXTURES}${name}`, 'utf8'), name)];
  if (!item?.ok) throw new Error(`fixture ${name} does not parse`);
  return item.record;
}

function verdict(record: CloudTrailRecord): string[] {
  const ctx = makeContext();
  return judge(normalise(record, ctx), ctx).entry.detections.map((d) => `${d.id}:${d.severity}`);
}

const delivered = deliveredBy(derivePatterns(CATALOG));

/** Whether a pattern derived from the catalog delivers the record, and what the engine then fires. */
function pipeline(record: CloudTrailRecord): { delivered: boolean; fired: string[] } {
  return { delivered: delivered(toEnvelope(record)), fired: verdict(record) };
}

describe('root calls an AWS service makes on the root user’s behalf', () => {
  it('Identity Center provisioning a permission-set role as Root (invokedBy sso) is a plain change', () => {
    // iam-role-created leaves Identity Center's reserved roles to iam-change; root-activity stays quiet.
    expect(pipeline(fixture('root-createrole-invokedby-sso.json'))).toEqual({
      delivered: true,
      fired: ['iam-change:info'],
    });
  });

  it('root itself creating a role still fires root-activity (near miss)', () => {
    expect(verdict(fixture('root-createrole-console.json'))).toEqual([
      'root-activity:high',
      'iam-role-created:low',
    ]);
  });
});

it('a root access key created in the console (invokedBy signin) still fires (near miss)', () => {
  const record = fixture('root-createrole-console.json');
  const consoleKey: CloudTrailRecord = {
    ...record,
    eventName: 'CreateAccessKey',
    userIdentity: { ...record.userIdentity, invokedBy: 'signin.amazonaws.com' },
    requestParameters: null,
    responseElements: { accessKey: { accessKeyId: 'AKIAEXAMPLEROOTKEY01', status: 'Active' } },
  };
  expect(verdict(consoleKey)).toEqual(['root-access-key-created:critical', 'root-activity:high']);
  const byService = {
    ...consoleKey,
    userIdentity: { ...record.userIdentity, invokedBy: 'sso.amazonaws.com' },
  };
  expect(verdict(byService)).toEqual(['iam-change:info']);
});

describe('tampering-denied', () => {
  it('a StopLogging refused by an SCP is delivered and fires tampering-denied (high)', () => {
    expect(pipeline(fixture('stoplogging-denied.json'))).toEqual({
      delivered: true,
      fired: ['tampering-denied:high'],
    });
  });

  it('the same call succeeding is cloudtrail-logging-stopped, not a denial (near miss)', () => {
    const record = fixture('stoplogging-denied.json');
    const { errorCode: _code, errorMessage: _message, ...succeeded } = record;
    expect(verdict(succeeded as CloudTrailRecord)).toEqual(['cloudtrail-logging-stopped:critical']);
  });
});

describe('end-user token calls are not IAM changes', () => {
  it('`aws sso login` (sso-oauth CreateToken) is not delivered by any derived pattern', () => {
    expect(delivered(toEnvelope(fixture('sso-oauth-createtoken.json')))).toBe(false);
  });

  it('CreateToken logged under sso.amazonaws.com is delivered (aws.sso catch-all) but fires nothing', () => {
    expect(pipeline(fixture('sso-createtoken-portal.json'))).toEqual({ delivered: true, fired: [] });
  });

  it('a refused token call is not a denied write either', () => {
    const record = { ...fixture('sso-createtoken-portal.json'), errorCode: 'AccessDeniedException' };
    expect(verdict(record)).toEqual([]);
  });

  it('a real Identity Center change by the same user still is one (near miss)', () => {
    const record = {
      ...fixture('sso-createtoken-portal.json'),
      eventName: 'CreateAccountAssignment',
      requestParameters: { instanceArn: 'arn:aws:sso:::instance/ssoins-1', targetId: '444455556666' },
    };
    expect(verdict(record)).toEqual(['sso-account-assignment-changed:medium']);
  });
});

/** Detections that judge refusals (or, for root, any use at all), as the corpus test lists them. */
const DETECTIONS_OF_FAILED_CALLS = new Set([
  'iam-write-denied',
  'tampering-denied',
  'console-login-failed',
  'root-activity',
]);

const positives = CATALOG.flatMap((detection) =>
  examplesOf(detection)
    .filter((example) => example.expect && example.event.eventType !== 'AwsConsoleSignIn')
    .map((example) => ({ label: `${detection.id}: ${example.name}`, example })),
);

describe('every positive example, made to fail with AccessDenied, fires no change detection', () => {
  for (const { label, example } of positives) {
    it(label, () => {
      const failed: CloudTrailRecord = {
        ...example.event,
        errorCode: 'AccessDenied',
        errorMessage: 'not authorized (made to fail)',
        responseElements: null,
      };
      const ctx = makeContext(example.context);
      const fired = judge(normalise(failed, ctx), ctx).entry.detections.map((d) => d.id);
      expect(fired.filter((id) => !DETECTIONS_OF_FAILED_CALLS.has(id))).toEqual([]);
    });
  }
});
