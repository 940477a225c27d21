/**
 * Depth an attacker hides inside text: a policy document (a JSON string inside the record) nested far
 * deeper than any stack. The edge bound does not see into strings, so the detections that parse
 * policy documents must not recurse on what they find; the record is recorded and judged as usual.
 */
import { describe, expect, it } from 'vitest';
import { MAX_POLICY_DOCUMENT_CHARS } from '../../../rules/policy/document';
import { cli, jsonLines } from '../../handlers/cli/support';
import { fixtureRecord } from '../support/events';

/** Deep enough to overflow any recursive walk, short enough to be parsed (under MAX_POLICY_DOCUMENT_CHARS). */
const LEVELS = 50_000;

describe('a policy document nested 50,000 levels deep', () => {
  it.each([
    ['an array', `${'['.repeat(LEVELS)}${']'.repeat(LEVELS)}`],
    [
      'a condition',
      `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":${'{"a":'.repeat(LEVELS)}1${'}'.repeat(LEVELS)}}}}`,
    ],
  ])('inside %s: recorded, judged by every detection, nothing fails', async (_name, document) => {
    expect(document.length).toBeLessThan(MAX_POLICY_DOCUMENT_CHARS);
    const inline = fixtureRecord('put-user-policy.json');
    const trust = fixtureRecord('create-role.json');
    const records = [
      { ...inline, requestParameters: { ...(inline.requestParameters as object), policyDocument: document } },
      {
        ...trust,
        requestParameters: { ...(trust.requestParameters as object), assumeRolePolicyDocument: document },
      },
    ];
    const run = await cli(['replay', '-', '--store', 'memory', '--no-alerts', '--format', 'jsonl'], {
      stdin: records.map((record) => JSON.stringify(record)).join('\n'),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('failed');
    const entries = jsonLines<{ eventId: string }>(run.stdout);
    expect(entries.map((entry) => entry.eventId)).toEqual(records.map((record) => record.eventID));
  });
});
