/**
 * `iamwatch doctor` end to end: a local ledger filled by replaying the project's fixtures, and the
 * real CloudTrail client against a fake CloudTrail on 127.0.0.1 for the trail checks.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDoctorCommand } from '../../../handlers/cli/doctor';
import type { Check } from '../../../handlers/doctor/check';
import {
  type Call,
  type FakeCloudTrail,
  jsonReply,
  startFakeCloudTrail,
} from '../backfill/support/fake-cloudtrail';
import { runCommand } from '../backfill/support/io';
import { cli, FIXTURES, writeJson } from './support';

const OWN = '111122223333';
const OTHER = '444455556666';
const TRAIL_ARN = 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/iamwatch-org-trail';
const epoch = (iso: string) => Date.parse(iso) / 1000;

const home = mkdtempSync(join(tmpdir(), 'iamwatch-doctor-'));
const env = { IAMWATCH_HOME: home };

beforeAll(async () => {
  const other = JSON.parse(readFileSync(join(FIXTURES, 'create-user.json'), 'utf8'));
  writeJson(join(home, 'other-account.json'), {
    ...other,
    eventID: '0b3f8d2e-1c5a-4e7b-9f60-2a4d6c8e0f11',
    eventTime: '2025-03-12T09:00:00Z',
    recipientAccountId: OTHER,
  });
  for (const path of [FIXTURES, join(home, 'other-account.json')]) {
    const replay = await cli(['replay', '--no-alerts', '--format', 'summary', path], { env });
    expect(replay.code, replay.stderr).toBe(0);
  }
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

let server: FakeCloudTrail | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const doctor = (now: string) =>
  createDoctorCommand({
    now: () => new Date(now),
    sdk: { credentials: { accessKeyId: 'AKIDDOCTORTEST', secretAccessKey: 'fake' }, maxAttempts: 1 },
  });

interface TrailState {
  logging: boolean;
  deliveryError?: string;
  deliveredAt: string;
}

async function fakeTrail(state: TrailState): Promise<FakeCloudTrail> {
  server = await startFakeCloudTrail({
    operations: {
      DescribeTrails: (call: Call) =>
        jsonReply({
          trailList: (call.body.trailNameList as string[]).includes(TRAIL_ARN)
            ? [
                {
                  Name: 'iamwatch-org-trail',
                  TrailARN: TRAIL_ARN,
                  HomeRegion: 'eu-west-1',
                  IsMultiRegionTrail: true,
                  IncludeGlobalServiceEvents: true,
                  IsOrganizationTrail: true,
                },
              ]
            : [],
        }),
      GetTrailStatus: () =>
        jsonReply({
          IsLogging: state.logging,
          LatestDeliveryTime: epoch(state.deliveredAt),
          StartLoggingTime: epoch('2025-01-01T00:00:00Z'),
          ...(state.logging ? {} : { StopLoggingTime: epoch('2025-03-15T00:00:00Z') }),
          ...(state.deliveryError ? { LatestDeliveryError: state.deliveryError } : {}),
        }),
      GetEventSelectors: () =>
        jsonReply({
          TrailARN: TRAIL_ARN,
          EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }],
        }),
    },
  });
  return server;
}

describe('iamwatch doctor: ledger', () => {
  it('passes when every configured account was heard from recently', async () => {
    const run = await runCommand(doctor('2025-03-16T00:00:00Z'), ['--accounts', `${OWN},${OTHER}`], { env });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`✔ ${OWN}\\s+last entry 1d 10h ago`));
    expect(run.stdout).toMatch(new RegExp(`✔ ${OTHER}\\s+last entry 3d 15h ago`));
    expect(run.stdout).toContain('All checks passed: 2 passed, 0 warnings, 0 failed');
    expect(run.stderr).toContain('trail not checked');
  });

  it('fails silent accounts, accounts missing from the ledger and accounts nobody configured', async () => {
    const config = writeJson(join(home, 'config.json'), {
      organizationAccountIds: [OWN, '222233334444'],
      accountNames: { [OWN]: 'prod-payments' },
    });
    const run = await runCommand(
      doctor('2025-03-16T00:00:00Z'),
      ['--config', config, '--max-silence', '1d'],
      {
        env,
      },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✖ 111122223333 \(prod-payments\)\s+silent for 1d 10h, longer than 1d/);
    expect(run.stdout).toMatch(/✖ 222233334444\s+no entries in the ledger/);
    expect(run.stdout).toMatch(
      /✖ 444455556666\s+in the ledger \(1 entry since .*\) but not among the configured accounts/,
    );
  });

  it('prints JSON for machines', async () => {
    const run = await runCommand(doctor('2025-04-30T00:00:00Z'), ['--accounts', OWN, '--format', 'json'], {
      env,
    });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { ok: boolean; checkedAt: string; checks: Check[] };
    expect(report.ok).toBe(false);
    expect(report.checkedAt).toBe('2025-04-30T00:00:00.000Z');
    expect(report.checks).toEqual([
      expect.objectContaining({ group: 'ledger', id: `account:${OWN}`, status: 'fail' }),
    ]);
  });
});

describe('iamwatch doctor --trail', () => {
  const args = ['--accounts', `${OWN},${OTHER}`, '--trail', TRAIL_ARN];

  it('checks logging, delivery, regions, global events, organization and selectors in the trail’s region', async () => {
    const fake = await fakeTrail({ logging: true, deliveredAt: '2025-03-15T23:55:00Z' });
    const run = await runCommand(doctor('2025-03-16T00:00:00Z'), [...args, '--endpoint-url', fake.endpoint], {
      env,
    });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/Trail arn:aws:cloudtrail:eu-west-1:.* \(eu-west-1\)/);
    for (const line of [
      /✔ logging\s+on since 2025-01-01/,
      /✔ log delivery\s+last log file 5m ago/,
      /✔ all regions/,
      /✔ global service events/,
      /✔ organization trail/,
      /✔ management events\s+write events of all \d+ watched services are selected/,
    ]) {
      expect(run.stdout).toMatch(line);
    }
    expect(fake.calls.every((call) => call.region === 'eu-west-1')).toBe(true);
    expect(fake.callsOf('DescribeTrails')[0]?.body).toEqual({
      trailNameList: [TRAIL_ARN],
      includeShadowTrails: true,
    });
    expect(fake.callsOf('GetTrailStatus')[0]?.body).toEqual({ Name: TRAIL_ARN });
    expect(fake.callsOf('GetEventSelectors')[0]?.body).toEqual({ TrailName: TRAIL_ARN });
    expect(fake.callsOf('GetTrailStatus')[0]?.target).toBe('CloudTrail_20131101.GetTrailStatus');
  });

  it('fails when logging is off', async () => {
    const fake = await fakeTrail({ logging: false, deliveredAt: '2025-03-15T00:00:00Z' });
    const run = await runCommand(doctor('2025-03-16T00:00:00Z'), [...args, '--endpoint-url', fake.endpoint], {
      env,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /✖ logging\s+stopped since 2025-03-15T00:00:00.000Z: EventBridge receives no CloudTrail events/,
    );
    expect(run.stdout).toMatch(/✖ log delivery\s+last log file 1d ago .*older than 1h/);
  });

  it('fails on a delivery error', async () => {
    const fake = await fakeTrail({
      logging: true,
      deliveredAt: '2025-03-15T23:59:00Z',
      deliveryError: 'AccessDenied',
    });
    const run = await runCommand(
      doctor('2025-03-16T00:00:00Z'),
      [...args, '--endpoint-url', fake.endpoint, '--format', 'json'],
      { env },
    );
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { checks: Check[] };
    expect(report.checks.find((c) => c.id === 'trail:delivery')).toMatchObject({
      status: 'fail',
      detail: 'the last delivery failed: AccessDenied',
    });
    expect(report.checks.find((c) => c.id === 'trail:logging')?.status).toBe('pass');
  });

  it('fails a trail that does not exist', async () => {
    const fake = await fakeTrail({ logging: true, deliveredAt: '2025-03-15T23:59:00Z' });
    const run = await runCommand(
      doctor('2025-03-16T00:00:00Z'),
      [
        '--accounts',
        `${OWN},${OTHER}`,
        '--trail',
        'nope',
        '--region',
        'us-east-2',
        '--endpoint-url',
        fake.endpoint,
      ],
      { env },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/✖ trail\s+no trail nope in this region and account/);
    expect(fake.calls.map((c) => c.region)).toEqual(['us-east-2']);
  });
});

describe('iamwatch doctor options', () => {
  it('rejects bad options with exit code 2 and has help', async () => {
    const usage = async (...argv: string[]) =>
      (await runCommand(doctor('2025-03-16T00:00:00Z'), argv, { env })).code;
    expect(await usage('--max-silence', 'a week')).toBe(2);
    expect(await usage('--max-silence', '0d')).toBe(2);
    expect(await usage('--accounts', '12')).toBe(2);
    expect(await usage('--format', 'xml')).toBe(2);
    expect(await usage('--endpoint-url', 'nope')).toBe(2);
    const help = await cli(['doctor', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: iamwatch doctor');
    expect((await cli(['--help'])).stdout).toMatch(
      /doctor\s+check that the pipeline still sees every account/,
    );
  });
});
