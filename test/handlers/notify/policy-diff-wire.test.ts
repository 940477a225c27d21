/**
 * The policy change in alerts: posted through the real `@slack/webhook` client to a local server
 * standing in for Slack, escaped and within Slack's limits however hostile or large the documents;
 * the same lines in the plain-text (SNS email, console) alert.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { policyChange } from '../../../handlers/notify/describe';
import { plainTextAlert, renderPlainText } from '../../../handlers/notify/plain-text';
import { createSlackNotifier } from '../../../handlers/notify/slack';
import { buildSlackMessage } from '../../../handlers/notify/slack-message';
import { makeContext } from '../../../rules/context';
import { EXAMPLE_ACCOUNT, EXAMPLE_EXTERNAL_ACCOUNT, policyJson, trustPolicy } from '../../../rules/examples';
import { diffPolicyDocuments } from '../../../rules/policy/diff';
import type { LedgerEntry, PolicyDiff } from '../../../rules/types';
import { HOSTILE_NAME, hostileEntry, keyForAnotherUser } from './entries';
import { type LocalServer, startLocalServer } from './local-server';
import { expectNoInjectedMarkup, expectWithinSlackLimits, textsOf } from './slack-limits';

const context = makeContext({ organizationAccountIds: [EXAMPLE_ACCOUNT] });

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function trustChange(diff: PolicyDiff, overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return keyForAnotherUser({
    eventName: 'UpdateAssumeRolePolicy',
    target: { type: 'role', name: 'deploy' },
    detections: [
      { id: 'iam-role-trust-allows-external', severity: 'high', title: 'Role deploy trusts 999988887777' },
    ],
    policyDiff: diff,
    ...overrides,
  });
}

/** A trust change whose principals and conditions carry Slack markup, and 60 statements of it. */
function hostileDiff(): PolicyDiff {
  const statements = Array.from({ length: 60 }, (_, i) => ({
    Sid: `S${i}${HOSTILE_NAME}`,
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${EXAMPLE_EXTERNAL_ACCOUNT}:role/${HOSTILE_NAME}${i}${'x'.repeat(500)}` },
    Action: `sts:AssumeRole${i}`,
    Condition: { StringEquals: { 'sts:ExternalId': `<@U123>${'`'.repeat(3)}*${i}*` } },
  }));
  const diff = diffPolicyDocuments(
    'trust',
    trustPolicy({ Service: 'ec2.amazonaws.com' }),
    policyJson(statements),
    {
      context,
      accountId: EXAMPLE_ACCOUNT,
    },
  );
  diff.previous = { eventId: 'prev-<!here>', eventTime: '2026-11-20T10:00:00Z', eventName: 'CreateRole' };
  return diff;
}

async function postedBody(entry: LedgerEntry): Promise<unknown> {
  server = await startLocalServer(() => ({ status: 200, body: 'ok' }));
  const notifier = createSlackNotifier({
    route: { name: 'sec', minSeverity: 'low' },
    webhookUrl: `${server.url}/services/T0/B0/secret`,
    retry: { sleep: async () => undefined, random: () => 0.5 },
  });
  await notifier.send(entry);
  expect(server.requests).toHaveLength(1);
  return JSON.parse(server.requests[0]!.body);
}

describe('policy change in the Slack alert, at the wire', () => {
  it('lists the newly trusted external account, the actions and the statements', async () => {
    const diff = diffPolicyDocuments(
      'trust',
      trustPolicy({ Service: 'ec2.amazonaws.com' }),
      trustPolicy({ AWS: `arn:aws:iam::${EXAMPLE_EXTERNAL_ACCOUNT}:root` }),
      { context, accountId: EXAMPLE_ACCOUNT },
    );
    diff.previous = { eventId: 'e-prev', eventTime: '2026-11-20T10:00:00Z', eventName: 'CreateRole' };
    const body = await postedBody(trustChange(diff));
    expectWithinSlackLimits(body);
    expectNoInjectedMarkup(body);
    const section = textsOf(body).find((text) => text.startsWith('*Policy change*'));
    expect(section).toBe(
      [
        '*Policy change*',
        'trust policy changed against the version of 2026-11-20T10:00:00Z (CreateRole e-prev)',
        '_Principals newly trusted_',
        `• \`AWS arn:aws:iam::${EXAMPLE_EXTERNAL_ACCOUNT}:root (account ${EXAMPLE_EXTERNAL_ACCOUNT} outside the organization)\``,
        '_Principals no longer trusted_',
        '• `Service ec2.amazonaws.com`',
        '_Statements added_',
        `• \`Allow sts:AssumeRole for AWS arn:aws:iam::${EXAMPLE_EXTERNAL_ACCOUNT}:root\``,
        '_Statements removed_',
        '• `Allow sts:AssumeRole for Service ec2.amazonaws.com`',
      ].join('\n'),
    );
  });

  it('says "previous version not in the ledger" when there was none', async () => {
    const body = await postedBody(trustChange({ status: 'no-previous', kind: 'trust' }));
    expect(textsOf(body)).toContain('*Policy change*\ntrust policy: previous version not in the ledger');
  });

  it('escapes hostile policy text and stays within Slack limits, even on an entry huge everywhere else', async () => {
    for (const entry of [trustChange(hostileDiff()), { ...hostileEntry(), policyDiff: hostileDiff() }]) {
      const body = await postedBody(entry);
      expectWithinSlackLimits(body);
      expectNoInjectedMarkup(body);
      const raw = JSON.stringify(body);
      expect(raw).not.toContain('<!channel>');
      expect(raw).not.toContain('<@U123>');
      expect(raw).not.toContain('<!here>');
      await server?.close();
      server = undefined;
    }
    const section = textsOf(buildSlackMessage(trustChange(hostileDiff()))).find((t) =>
      t.startsWith('*Policy change*'),
    );
    expect(section).toContain('&lt;!channel&gt;');
    expect(section).toMatch(/…and 52 more \(full documents: `iamwatch show /);
  });
});

describe('policyChange: the summary line per status', () => {
  it.each([
    ['no-previous', 'managed policy: previous version not in the ledger'],
    ['unavailable', 'inline policy: previous version could not be looked up, no comparison'],
    ['unchanged', 'trust policy unchanged against the version of 2026-11-20T10:00:00Z (CreateRole e-1)'],
    [
      'unreadable',
      'permission-set policy: not compared, the new document or the version of 2026-11-20T10:00:00Z (CreateRole e-1) could not be read',
    ],
  ] as const)('%s', (status, summary) => {
    const kind = {
      'no-previous': 'managed',
      unavailable: 'inline',
      unchanged: 'trust',
      unreadable: 'permission-set',
    } as const;
    const diff: PolicyDiff = { status, kind: kind[status] };
    if (status === 'unchanged' || status === 'unreadable') {
      diff.previous = { eventId: 'e-1', eventTime: '2026-11-20T10:00:00Z', eventName: 'CreateRole' };
    }
    expect(policyChange(trustChange(diff))).toEqual({ summary, groups: [] });
  });

  it('names a deletion as such, and an entry without a diff has no policy change', () => {
    const diff: PolicyDiff = {
      status: 'changed',
      kind: 'inline',
      previous: { eventId: 'e-2', eventTime: '2026-11-20T10:00:00Z', eventName: 'DeleteRolePolicy' },
    };
    expect(policyChange(trustChange(diff))?.summary).toBe(
      'inline policy changed against the deletion of 2026-11-20T10:00:00Z (DeleteRolePolicy e-2)',
    );
    expect(policyChange(keyForAnotherUser())).toBeUndefined();
  });
});

describe('policy change in the plain-text alert (SNS email, console)', () => {
  it('prints the summary and each group, one line per item, no control characters', () => {
    const diff = diffPolicyDocuments(
      'inline',
      policyJson([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]),
      policyJson([
        { Effect: 'Allow', Action: ['s3:GetObject', 'iam:PassRole\n\u001b[31mFAKE LINE'], Resource: '*' },
      ]),
    );
    const text = renderPlainText(plainTextAlert(trustChange({ ...diff, kind: 'inline' }), 500));
    expect(text).toContain(
      'Policy change:\n  inline policy changed against the previous version\n  Actions newly allowed:\n',
    );
    expect(text).toContain('    - iam:PassRole  [31mFAKE LINE');
    expect(text).not.toContain('\u001b');
  });
});
