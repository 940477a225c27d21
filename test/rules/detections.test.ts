import { describe, expect, it } from 'vitest';
import { CATALOG_EXAMPLES } from '../../rules/catalog-examples';
import { makeContext } from '../../rules/context';
import { judge } from '../../rules/engine';
import { iamCall, policyJson, ssoCall, trustPolicy } from '../../rules/examples';
import { normalise } from '../../rules/normalise';
import { MAX_POLICY_DOCUMENT_CHARS } from '../../rules/policy/document';
import { lowerSeverity } from '../../rules/severity';

/**
 * Every example of every detection, through the real normaliser: the detection's own `match` must
 * agree with the example, and so must the whole catalog's verdict (so an example's expectation also
 * holds with fallback and severity handling in place).
 */
const cases = CATALOG_EXAMPLES.flatMap(({ detection, examples }) =>
  examples.map((example) => ({ label: `${detection.id}: ${example.name}`, detection, example })),
);

describe('detection examples', () => {
  it.each(cases)('$label', ({ detection, example }) => {
    const ctx = makeContext(example.context);
    const event = normalise(example.event, ctx);

    expect(detection.match(event, ctx)).toBe(example.expect);

    const verdict = judge(event, ctx);
    expect(verdict.errors).toEqual([]);
    const hit = verdict.entry.detections.find((h) => h.id === detection.id);
    if (!example.expect) {
      expect(hit).toBeUndefined();
      return;
    }
    expect(hit).toBeDefined();
    expect(hit?.title.length).toBeGreaterThan(0);
    const own = detection.severityOf ? detection.severityOf(event, ctx) : detection.severity;
    expect(detection.severities).toContain(own);
    expect(hit?.severity).toBe(event.automation ? lowerSeverity(own) : own);
    if (example.severity) expect(hit?.severity).toBe(example.severity);
  });
});

describe('policy documents too large to inspect', () => {
  // No successful call carries one (IAM takes at most 131,072 characters), so they fail closed.
  const pad = (document: string) => document.replace('{', `{${' '.repeat(MAX_POLICY_DOCUMENT_CHARS)}`);
  const ids = (record: Parameters<typeof normalise>[0]) => {
    const ctx = makeContext();
    return judge(normalise(record, ctx), ctx).entry.detections.map((d) => `${d.id}:${d.severity}`);
  };

  it('an oversized inline policy is reported as admin', () => {
    const record = iamCall('PutUserPolicy', {
      request: {
        userName: 'bob',
        policyName: 'padded',
        policyDocument: pad(policyJson([{ Effect: 'Allow', Action: '*', Resource: '*' }])),
      },
    });
    expect(ids(record)).toEqual(['iam-inline-admin-policy-added:critical']);
  });

  it('an oversized trust policy is reported as trusting unknown principals', () => {
    const record = iamCall('UpdateAssumeRolePolicy', {
      request: { roleName: 'app', policyDocument: pad(trustPolicy('*')) },
    });
    expect(ids(record)).toContain('iam-role-trust-allows-external:high');
  });

  it('an oversized permission-set inline policy grants admin', () => {
    const record = ssoCall('PutInlinePolicyToPermissionSet', {
      request: {
        permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-72233af8ea2d1f14/ps-ae5d1fa1f80b684e',
        inlinePolicy: pad(policyJson([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }])),
      },
    });
    expect(ids(record)).toEqual(['sso-permission-set-changed:high']);
  });
});
