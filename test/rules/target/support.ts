/** Shared by the per-service target tests: target builders and the table-driven case runner. */
import { expect, it } from 'vitest';
import { sourceFromEventSource } from '../../../rules/cloudtrail/envelope';
import { apiCall, type CallOptions } from '../../../rules/examples';
import { CATALOG } from '../../../rules/registry';
import { extractTarget } from '../../../rules/target';
import type { CloudTrailRecord, Target } from '../../../rules/types';

export const ACCOUNT = '111122223333';

/** One call and the target (and policy) it must give. */
export interface TargetCase {
  options?: CallOptions;
  target: Target | undefined;
  policyArn?: string;
  record?: CloudTrailRecord;
}

export const SERVICE_HOST: Record<string, string> = {
  'aws.iam': 'iam.amazonaws.com',
  'aws.organizations': 'organizations.amazonaws.com',
  'aws.sso': 'sso.amazonaws.com',
  'aws.identitystore': 'identitystore.amazonaws.com',
  'aws.sso-directory': 'sso-directory.amazonaws.com',
  'aws.cloudtrail': 'cloudtrail.amazonaws.com',
  'aws.events': 'events.amazonaws.com',
  'aws.lambda': 'lambda.amazonaws.com',
  'aws.dynamodb': 'dynamodb.amazonaws.com',
  'aws.sns': 'sns.amazonaws.com',
  'aws.signin': 'signin.amazonaws.com',
  'aws.sts': 'sts.amazonaws.com',
};

export const user = (name: string, arn?: string): Target =>
  arn ? { type: 'user', name, arn } : { type: 'user', name };
export const role = (name: string, arn?: string): Target =>
  arn ? { type: 'role', name, arn } : { type: 'role', name };
export const resource = (name: string, arn?: string): Target =>
  arn ? { type: 'resource', name, arn } : { type: 'resource', name };

/**
 * Runs a table of cases keyed `<EventBridge source> <eventName>`, and checks the table has a case for
 * every event name a detection triggers on from those sources.
 */
export function itExtractsTargets(sources: readonly string[], cases: Record<string, TargetCase>): void {
  it(`has a case for every event name a detection triggers on from ${sources.join(', ')}`, () => {
    const missing = triggeredEventNames()
      .filter((key) => sources.includes(key.split(' ')[0] ?? ''))
      .filter((key) => !(key in cases));
    expect(missing).toEqual([]);
  });

  it.each(Object.entries(cases))('%s', (key, c) => {
    const record = recordFor(key, c);
    expect(sourceFromEventSource(record.eventSource)).toBe(key.split(' ')[0]);
    const extracted = extractTarget(record);
    expect(extracted.target).toEqual(c.target);
    expect(extracted.policyArn).toEqual(c.policyArn);
  });
}

/** Every `<source> <eventName>` any detection triggers on. */
export function triggeredEventNames(): string[] {
  const keys = new Set<string>();
  for (const detection of CATALOG) {
    for (const trigger of detection.trigger) {
      for (const source of trigger.sources ?? []) {
        for (const name of trigger.eventNames ?? []) keys.add(`${source} ${name}`);
      }
    }
  }
  return [...keys].sort();
}

function recordFor(key: string, c: TargetCase): CloudTrailRecord {
  if (c.record) return c.record;
  const [source = '', eventName = ''] = key.split(' ');
  const host = SERVICE_HOST[source];
  if (!host) throw new Error(`no event source host for ${source}`);
  return apiCall(host, eventName, c.options);
}
