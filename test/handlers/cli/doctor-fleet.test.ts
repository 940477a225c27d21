/**
 * `iamwatch doctor --fleet` end to end against moto_server: the organization (`--org`), the ledger
 * table with entries, heartbeats and the organization snapshot (`--table`), and a healthy fleet built
 * as the stacks leave it. Exit codes, `--format table` and `json`, faults named, and one account
 * denying access while the rest are still checked. The progress line is checked over fake ports.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteRuleCommand, EventBridgeClient, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDoctorCommand, realFleetPorts } from '../../../handlers/cli/doctor';
import { forwarderPort } from '../../../handlers/doctor/aws-ports';
import type { Check } from '../../../handlers/doctor/check';
import type { FleetPorts } from '../../../handlers/doctor/fleet-checks';
import { expectedForwarderRules } from '../../../handlers/doctor/forwarder-checks';
import { DynamoHeartbeatStore } from '../../../handlers/heartbeat/store';
import { createDocumentClient } from '../../../handlers/ledger/dynamo-store';
import { toCreateTableInput } from '../../../handlers/ledger/table';
import { createOrganizationsClient, listOrganizationAccounts } from '../../../handlers/organization/read';
import { DynamoSnapshotStore } from '../../../handlers/organization/store';
import { toEnvelope } from '../../../rules/cloudtrail/envelope';
import { iamCall } from '../../../rules/examples';
import { describeWithMoto, MOTO_CREDENTIALS, useMoto } from '../../support/moto';
import { runCommand } from '../backfill/support/io';
import { PATTERNS, PLACEMENT, REGIONS } from '../doctor/support/fleet';
import { buildMotoFleet, type MotoFleet } from '../doctor/support/moto-fleet';
import { cli } from './support';

const TABLE = 'iamwatch-ledger';

interface Report {
  ok: boolean;
  checks: Check[];
}

describeWithMoto('iamwatch doctor --fleet', () => {
  // Organizations, DynamoDB and the fleet's clients find moto through the SDK's standard configuration.
  const moto = useMoto({ stubEnv: 'all' });
  let fleet: MotoFleet;
  let home: string;
  let env: Record<string, string>;
  const args = ['--org', '--table', TABLE, '--fleet', '--forwarder-regions', REGIONS.join(','), '--deep'];

  const doctor = (fleetPorts?: Parameters<typeof createDoctorCommand>[0]) =>
    createDoctorCommand({ sdk: { credentials: MOTO_CREDENTIALS, maxAttempts: 2 }, ...fleetPorts });

  beforeAll(async () => {
    fleet = await buildMotoFleet(moto);
    home = await mkdtemp(join(tmpdir(), 'iamwatch-doctor-fleet-'));
    env = { IAMWATCH_HOME: home };
    await moto.client(DynamoDBClient).send(new CreateTableCommand(toCreateTableInput(TABLE)));
    const accounts = [fleet.managementAccountId, ...fleet.members.map((m) => m.accountId)];
    const recent = new Date(Date.now() - 3_600_000).toISOString();
    const events = join(home, 'events.jsonl');
    await writeFile(
      events,
      accounts
        .map((accountId, index) =>
          JSON.stringify(
            toEnvelope(
              iamCall('CreateUser', {
                accountId,
                eventTime: recent,
                request: { userName: `user-${index}` },
              }),
            ),
          ),
        )
        .join('\n'),
    );
    const replay = await cli(
      ['replay', '--store', 'dynamodb', '--table', TABLE, '--no-alerts', '--format', 'summary', events],
      { env },
    );
    expect(replay.code, replay.stderr).toBe(0);
    const documents = createDocumentClient();
    const heartbeats = new DynamoHeartbeatStore(documents, TABLE);
    const beat = new Date(Date.now() - 60_000).toISOString();
    for (const accountId of accounts)
      for (const region of REGIONS) await heartbeats.recordHeartbeat(accountId, region, beat);
    // The end-to-end canary's newest write, recorded a few minutes after it was made.
    await heartbeats.recordCanary(new Date(Date.now() - 600_000).toISOString(), beat);
    const organizations = createOrganizationsClient();
    await new DynamoSnapshotStore(documents, TABLE).save(await listOrganizationAccounts(organizations));
    organizations.destroy();
    documents.destroy();
  }, 180_000);
  afterAll(async () => {
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('passes a healthy fleet: exit 0, a table with status, group, check and detail', async () => {
    const run = await runCommand(doctor(), [...args, '--format', 'table'], { env });
    expect(run.code, run.stdout).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^STATUS\s+GROUP\s+CHECK\s+DETAIL$/);
    expect(run.stdout).toMatch(/^PASS\s+stackset\s+iamwatch-forwarders\s+4 of 4 instances CURRENT/m);
    expect(run.stdout).toMatch(
      new RegExp(
        `^PASS\\s+forwarders\\s+payments-prod \\(${fleet.members[0]?.accountId}\\) eu-west-1\\s+5 rules enabled`,
        'm',
      ),
    );
    expect(run.stdout).toMatch(/^PASS\s+heartbeats\s+heartbeats\s+6 of 6 account × region heard within 45m/m);
    expect(run.stdout).toMatch(/^PASS\s+central\s+bus iamwatch-central policy\s+closed/m);
    expect(run.stdout).toMatch(/^PASS\s+notifications\s+topic iamwatch-operations\s+1 confirmed \(email\)/m);
    expect(lines.at(-1)).toMatch(/^All checks passed: \d+ passed, 0 warnings, 0 failed$/);
    // The groups come in a fixed order: ledger first, notifications last.
    const groups = lines.slice(1, -2).map((line) => line.split(/\s+/)[1]);
    expect([...new Set(groups)]).toEqual([
      'ledger',
      'organization',
      'stackset',
      'forwarders',
      'heartbeats',
      'central',
      'notifications',
    ]);
  });

  it('prints JSON and exits 1 naming a deleted forwarder rule and a late heartbeat', async () => {
    const [prod] = fleet.members;
    const events = new EventBridgeClient(await fleet.configFor(prod?.accountId ?? '', 'us-east-1'));
    const documents = createDocumentClient();
    const heartbeats = new DynamoHeartbeatStore(documents, TABLE);
    const late = { accountId: fleet.managementAccountId, region: 'eu-west-1' };
    try {
      await events.send(new DeleteRuleCommand({ Name: 'iamwatch-fwd-organizations-1' }));
      await heartbeats.forget(late);
      await heartbeats.recordHeartbeat(
        late.accountId,
        late.region,
        new Date(Date.now() - 3 * 3_600_000).toISOString(),
      );
      const run = await runCommand(doctor(), [...args, '--format', 'json'], { env });
      expect(run.code, run.stdout).toBe(1);
      const report = JSON.parse(run.stdout) as Report;
      expect(report.ok).toBe(false);
      const failed = report.checks.filter((c) => c.status === 'fail');
      expect(failed.map((c) => c.id)).toEqual([
        `forwarders:${prod?.accountId}:us-east-1`,
        'heartbeats:fresh',
        `heartbeat:${late.accountId}:eu-west-1`,
      ]);
      expect(failed[0]?.detail).toBe('missing: iamwatch-fwd-organizations-1');
      expect(failed[2]?.detail).toMatch(/^late: newest heartbeat 3h ago/);
    } finally {
      const rule = expectedForwarderRules(PATTERNS, 'us-east-1', PLACEMENT, 'iamwatch').find(
        (r) => r.name === 'iamwatch-fwd-organizations-1',
      );
      await events.send(
        new PutRuleCommand({
          Name: rule?.name,
          State: 'ENABLED',
          EventPattern: JSON.stringify(rule?.pattern),
        }),
      );
      await heartbeats.recordHeartbeat(late.accountId, late.region, new Date().toISOString());
      events.destroy();
      documents.destroy();
    }
  });

  it('reports an account that denies access and checks the rest (partial results)', async () => {
    const [, dev] = fleet.members;
    const command = createDoctorCommand({
      sdk: { credentials: MOTO_CREDENTIALS, maxAttempts: 2 },
      // moto grants every AssumeRole: the denial is injected around the real port.
      fleetPorts: async (settings) => {
        const real = forwarderPort(settings.sdk, settings.roleName, fleet.managementAccountId);
        const ports: FleetPorts = await realFleetPorts(settings);
        return {
          ...ports,
          forwarders: {
            listRules: async (accountId, region, prefix) => {
              if (accountId === dev?.accountId) {
                const cause = Object.assign(
                  new Error(
                    `User is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${accountId}:role/${settings.roleName}`,
                  ),
                  { name: 'AccessDenied' },
                );
                throw Object.assign(
                  new Error(`cannot assume arn:aws:iam::${accountId}:role/${settings.roleName}`, { cause }),
                  { name: 'AssumeRoleError' },
                );
              }
              return real.listRules(accountId, region, prefix);
            },
          },
        };
      },
    });
    const run = await runCommand(command, [...args, '--format', 'json'], { env });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => c.id)).toEqual([`forwarders:${dev?.accountId}:us-east-1`]);
    expect(failed[0]?.detail).toMatch(/^access denied: AccessDenied: cannot assume/);
    const others = report.checks.filter((c) => c.group === 'forwarders' && c.status === 'pass');
    expect(others).toHaveLength(4);
  });

  it('exits 2 on usage errors', async () => {
    for (const argv of [
      [...args, '--format', 'yaml'],
      [...args, '--call-as', 'ROOT'],
      [...args, '--forwarder-regions', 'mars-north-1'],
      ['--fleet', '--prefix', 'Not A Prefix'],
      // No --org, no --accounts, no config: no fleet to check.
      ['--fleet', '--store', 'memory'],
    ]) {
      const run = await runCommand(doctor(), argv, { env });
      expect(run.code, argv.join(' ')).toBe(2);
    }
    const help = await runCommand(doctor(), ['--help'], { env });
    expect(help.code).toBe(0);
    for (const flag of [
      '--fleet',
      '--stack-set',
      '--call-as',
      '--role-name',
      '--deep',
      '--sample',
      '--concurrency',
      '--bus',
      '--topics',
      '--slack-secret',
      '--heartbeat-late',
      '--forwarder-regions',
      '--identity-center-region',
      '--management-account',
      '--prefix',
    ]) {
      expect(help.stdout).toContain(flag);
    }
  });
});

describe('iamwatch doctor --fleet on a terminal', () => {
  const fakePorts = async (): Promise<FleetPorts> => ({
    stackSet: { listStackInstances: async () => [] },
    forwarders: { listRules: async () => [] },
    central: {
      busPolicy: async () => undefined,
      listRules: async () => [],
      queueDepths: async () => [],
      alarmsInAlarm: async () => [],
    },
    notifications: {
      listSecrets: async () => [],
      secretString: async () => undefined,
      topicArn: async (name) => `arn:aws:sns:us-east-1:123456789012:${name}`,
      subscriptions: async () => [],
    },
  });

  it('draws a progress line on stderr only when stderr is a terminal, and clears it', async () => {
    const accounts = ['111111111111', '222222222222', '333333333333'];
    for (const isTTY of [true, false]) {
      let stdout = '';
      let stderr = '';
      const code = await createDoctorCommand({ fleetPorts: fakePorts })(
        ['--store', 'memory', '--accounts', accounts.join(','), '--fleet', '--deep', '--format', 'json'],
        {
          stdout: { write: (chunk: string) => (stdout += chunk) },
          stderr: { write: (chunk: string) => (stderr += chunk), isTTY },
          stdin: Readable.from(['']),
          env: {},
          cwd: process.cwd(),
        },
      );
      expect(code).toBe(1);
      expect((JSON.parse(stdout) as Report).checks.some((c) => c.group === 'forwarders')).toBe(true);
      if (isTTY) {
        expect(stderr).toContain('\r\u001b[2Kforwarder rules: 3/3 accounts');
        expect(stderr.endsWith('\r\u001b[2K')).toBe(true);
      } else {
        expect(stderr).not.toContain('forwarder rules');
      }
    }
  });
});
