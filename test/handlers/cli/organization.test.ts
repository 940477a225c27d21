/**
 * `--org` on the CLI: the organization read from AWS Organizations (moto_server, reached through the
 * SDK's standard `AWS_ENDPOINT_URL`), cached under $IAMWATCH_HOME with its age shown, the cached copy
 * kept when Organizations is unreachable, and config lists still overriding.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { toEnvelope } from '../../../rules/cloudtrail/envelope';
import { iamCall, trustPolicy } from '../../../rules/examples';
import { stubEnvs } from '../../support/env';
import { createMotoOrganization, describeWithMoto, MOTO_DEFAULT_ACCOUNT, useMoto } from '../../support/moto';
import { cli, jsonLines } from './support';

interface PrintedEntry {
  accountId: string;
  accountName?: string;
  ouPath?: string;
  detections: { id: string }[];
}
const entries = (stdout: string) => jsonLines<PrintedEntry>(stdout);
const ids = (entry: PrintedEntry | undefined) => entry?.detections.map((d) => d.id) ?? [];

describeWithMoto('--org', () => {
  // The SDK's standard configuration, as a user's shell would set it.
  const moto = useMoto({ stubEnv: 'all' });
  let home: string;
  let member: string;
  let input: string;

  beforeAll(async () => {
    const organization = await createMotoOrganization(moto);
    member = await organization.createAccount('payments-prod');
    organization.close();
    home = await mkdtemp(join(tmpdir(), 'iamwatch-org-'));
    input = join(home, 'trust.json');
    // A user created in the member account, and a role in another account trusting the member.
    const inMember = iamCall('CreateUser', { accountId: member, request: { userName: 'bob' } });
    const trust = iamCall('UpdateAssumeRolePolicy', {
      accountId: MOTO_DEFAULT_ACCOUNT,
      request: { roleName: 'app', policyDocument: trustPolicy({ AWS: `arn:aws:iam::${member}:root` }) },
    });
    await writeFile(input, [inMember, trust].map((r) => JSON.stringify(toEnvelope(r))).join('\n'));
  }, 60_000);
  afterAll(async () => {
    if (home) await rm(home, { recursive: true, force: true });
  });

  /** Replays the input into a memory ledger, under this suite's home; `organization` flags first. */
  const replay = (organization: string[] = ['--org']) =>
    cli([
      'replay',
      input,
      ...organization,
      '--store',
      'memory',
      '--no-alerts',
      '--format',
      'jsonl',
      '--home',
      home,
    ]);

  it('learns accounts, names and OU paths, then serves them from the cache with their age', async () => {
    const first = await replay();
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/organization: 2 accounts read from AWS Organizations/);
    const [created, trusted] = entries(first.stdout);
    expect(created).toMatchObject({ accountId: member, accountName: 'payments-prod', ouPath: 'Root' });
    expect(ids(trusted)).toContain('iam-role-trust-policy-changed');
    expect(ids(trusted)).not.toContain('iam-role-trust-allows-external');

    const second = await replay();
    expect(second.stderr).toMatch(
      /organization: 2 accounts from the cached copy \(\d+s old; --org-refresh to read again\)/,
    );
  });

  it('keeps the cached copy, saying how old it is, when Organizations is unreachable', async () => {
    stubEnvs({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' });
    try {
      const run = await replay(['--org', '--org-refresh']);
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(
        /organization: AWS Organizations unreadable \(.+\); using the cached copy, \d+s old, 2 accounts/,
      );
      expect(entries(run.stdout)[0]?.accountName).toBe('payments-prod');
    } finally {
      stubEnvs(moto.env());
    }
  });

  it('without --org, the account is outside the organization', async () => {
    const run = await replay([]);
    expect(ids(entries(run.stdout)[1])).toContain('iam-role-trust-allows-external');
  });
});
