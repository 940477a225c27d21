import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENABLED_REGIONS } from '../../rules/regions';
import {
  ConfigError,
  EXAMPLE_CONFIG_FILE,
  findConfigSource,
  loadConfig,
  parseConfig,
  readConfigFile,
} from '../../stacks/config/load';
import { detectionContextOf } from '../../stacks/monitor-stack';
import { EXAMPLE_CONFIG_PATH, REPO_ROOT } from './support';

const minimal = {
  organization: { id: 'o-a1b2c3d4e5', rootId: 'r-a1b2', managementAccountId: '111111111111' },
  securityAccountId: '222222222222',
};

function errorOf(value: unknown): string {
  try {
    parseConfig({ name: 'inline.json', value });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('configuration schema', () => {
  it('accepts the committed example', () => {
    const config = parseConfig(readConfigFile(EXAMPLE_CONFIG_PATH));
    expect(config.mode).toBe('organization');
    expect(config.organization?.stackSets.callAs).toBe('DELEGATED_ADMIN');
    expect(config.regions.monitor).toBe('us-east-1');
  });

  it('fills defaults for a minimal organization configuration', () => {
    const config = parseConfig({ name: 'minimal', value: minimal });
    expect(config.resourcePrefix).toBe('iamwatch');
    expect(config.organization?.stackSets).toEqual({ callAs: 'SELF' });
    expect(config.organization?.targetOrganizationalUnitIds).toEqual([]);
    expect(config.regions.forwarders).toEqual(DEFAULT_ENABLED_REGIONS);
    expect(config.regions.monitor).toBe('us-east-1');
    expect(config.regions).toMatchObject({ identityCenter: 'us-east-1', identityCenterAssumed: true });
    expect(config.regions.warnings).toEqual([expect.stringContaining('regions.identityCenter is not set')]);
    expect(config.deployment.principals).toEqual([]);
    expect(config.trail.create).toBe(true);
    expect(config.ledger.retentionDays).toBe(400);
    expect(config.sns).toEqual({ minSeverity: 'high', subscriptions: [] });
    expect(config.slack.routes).toEqual([]);
  });

  it('names a missing organization id', () => {
    const { id: _id, ...organization } = minimal.organization;
    expect(errorOf({ ...minimal, organization })).toMatch(/inline\.json[\s\S]*organization\.id: is required/);
  });

  it('requires the organization block in organization mode', () => {
    expect(errorOf({ securityAccountId: '222222222222' })).toContain(
      'organization: is required in organization mode',
    );
  });

  it('rejects an account id that is not 12 digits', () => {
    expect(errorOf({ ...minimal, securityAccountId: '2222' })).toContain(
      'securityAccountId: must be a 12-digit AWS account id',
    );
    expect(errorOf({ ...minimal, trustedAccountIds: ['12345678901a'] })).toContain('trustedAccountIds.0');
  });

  it('rejects a monitor region other than us-east-1, saying why', () => {
    const message = errorOf({ ...minimal, regions: { monitor: 'eu-west-1' } });
    expect(message).toContain('regions.monitor: must be us-east-1');
    expect(message).toContain('reach EventBridge only there');
  });

  it('takes forwarder regions (opt-in ones added), us-east-1 always first', () => {
    const config = parseConfig({
      name: 'regions',
      value: {
        ...minimal,
        regions: { forwarders: ['eu-west-1', 'me-central-1'], identityCenter: 'eu-west-1' },
      },
    });
    expect(config.regions).toEqual({
      monitor: 'us-east-1',
      forwarders: ['us-east-1', 'eu-west-1', 'me-central-1'],
      identityCenter: 'eu-west-1',
      identityCenterAssumed: false,
      warnings: [],
    });
  });

  it('keeps regions.signIn as a deprecated alias: the default regions plus those listed, with a warning', () => {
    const config = parseConfig({
      name: 'regions',
      value: { ...minimal, regions: { signIn: ['eu-west-1', 'af-south-1'], identityCenter: 'eu-west-1' } },
    });
    expect(config.regions.forwarders).toEqual([...DEFAULT_ENABLED_REGIONS, 'af-south-1']);
    expect(config.regions.warnings).toEqual([expect.stringContaining('regions.signIn is deprecated')]);
    expect(errorOf({ ...minimal, regions: { signIn: ['eu-west-1'], forwarders: ['eu-west-1'] } })).toContain(
      'regions.signIn: set regions.forwarders only',
    );
  });

  it('rejects unknown, repeated and other-partition regions', () => {
    expect(errorOf({ ...minimal, regions: { forwarders: ['Frankfurt'] } })).toContain(
      'regions.forwarders.0: "Frankfurt" is not a region of the aws partition',
    );
    expect(errorOf({ ...minimal, regions: { forwarders: ['us-gov-west-1'] } })).toContain('GovCloud');
    expect(errorOf({ ...minimal, regions: { identityCenter: 'eu-west-9' } })).toContain(
      'regions.identityCenter: "eu-west-9" is not a region',
    );
    expect(errorOf({ ...minimal, regions: { forwarders: ['eu-west-1', 'eu-west-1'] } })).toContain(
      'regions.forwarders: lists a region twice',
    );
  });

  it('rejects a deployment principal pattern that would match everyone', () => {
    for (const pattern of ['*', 'arn:aws:iam::*:*', 'arn:aws:iam::*:role/*', 'arn:aws:iam::*:role/a*']) {
      expect(errorOf({ ...minimal, deployment: { principals: [pattern] } }), pattern).toContain(
        'deployment.principals.0: matches (nearly) every principal',
      );
    }
    expect(errorOf({ ...minimal, deployment: { principals: ['cdk-exec'] } })).toContain(
      'deployment.principals.0: must be an IAM role or user ARN pattern',
    );
    const ok = parseConfig({
      name: 'deployment',
      value: { ...minimal, deployment: { principals: ['arn:aws:iam::*:role/stacksets-exec-*'] } },
    });
    expect(ok.deployment.principals).toEqual(['arn:aws:iam::*:role/stacksets-exec-*']);
  });

  it('requires the admin account for DELEGATED_ADMIN and DELEGATED_ADMIN for another admin account', () => {
    const delegated = { ...minimal.organization, stackSets: { callAs: 'DELEGATED_ADMIN' } };
    expect(errorOf({ ...minimal, organization: delegated })).toContain(
      'organization.stackSets.adminAccountId: is required when callAs is DELEGATED_ADMIN',
    );
    const self = { ...minimal.organization, stackSets: { callAs: 'SELF', adminAccountId: '333333333333' } };
    expect(errorOf({ ...minimal, organization: self })).toContain(
      'organization.stackSets.callAs: must be DELEGATED_ADMIN',
    );
  });

  it('refuses the management account as StackSets delegated administrator', () => {
    const delegated = {
      ...minimal.organization,
      stackSets: { callAs: 'DELEGATED_ADMIN', adminAccountId: '111111111111' },
    };
    expect(errorOf({ ...minimal, organization: delegated })).toContain(
      'organization.stackSets.adminAccountId: must not be the management account',
    );
  });

  it('keeps the trail in the monitored account in single-account mode', () => {
    const single = { mode: 'single-account', securityAccountId: '222222222222' };
    expect(errorOf({ ...single, trail: { accountId: '333333333333' } })).toContain(
      'trail.accountId: must be securityAccountId in single-account mode',
    );
    expect(
      parseConfig({ name: 'ok', value: { ...single, trail: { accountId: '222222222222' } } }).trail,
    ).toMatchObject({
      accountId: '222222222222',
    });
  });

  it('rejects unknown keys, so a typo is not silently ignored', () => {
    expect(errorOf({ ...minimal, retentionDayz: 5 })).toContain('Unrecognized key: "retentionDayz"');
  });

  it('validates Slack routes, subscriptions and retention values', () => {
    const message = errorOf({
      ...minimal,
      logRetentionDays: 42,
      slack: {
        routes: [{ name: 'sec', secretArn: 'arn:aws:secretsmanager:us-east-1:222222222222:secret:slack' }],
      },
      sns: {
        subscriptions: [
          { protocol: 'email', endpoint: 'not-an-address' },
          { protocol: 'https', endpoint: 'http://x.example' },
        ],
      },
    });
    expect(message).toContain('logRetentionDays: must be one of');
    expect(message).toContain('slack.routes.0.secretArn: must be the complete ARN');
    expect(message).toContain('sns.subscriptions.0.endpoint: must be an e-mail address');
    expect(message).toContain('sns.subscriptions.1.endpoint: must be an https:// URL');
  });

  it('rejects detection ids the catalog does not have, and empty filter lists', () => {
    const message = errorOf({
      ...minimal,
      slack: {
        routes: [
          { name: 'a', detections: ['iam-user-created', 'iam-user-made'] },
          { name: 'b', accounts: [] },
        ],
      },
      sns: {
        subscriptions: [
          { protocol: 'email', endpoint: 'a@example.com', filter: { detections: ['root-login'] } },
        ],
      },
    });
    expect(message).toContain('slack.routes.0.detections.1: "iam-user-made" is not a detection id');
    expect(message).not.toContain('"iam-user-created" is not');
    expect(message).toContain('slack.routes.1.accounts: must list at least one account');
    expect(message).toContain('sns.subscriptions.0.filter.detections.0: "root-login" is not a detection id');
  });

  it('rejects duplicate Slack route names', () => {
    expect(errorOf({ ...minimal, slack: { routes: [{ name: 'a' }, { name: 'a' }] } })).toContain(
      'slack.routes: route names must be unique',
    );
  });

  it('forbids an organization block in single-account mode', () => {
    expect(errorOf({ ...minimal, mode: 'single-account' })).toContain(
      'organization: must be absent in single-account mode',
    );
    expect(() =>
      parseConfig({ name: 'single', value: { mode: 'single-account', securityAccountId: '222222222222' } }),
    ).not.toThrow();
  });

  it('builds the detection context from every account the configuration knows', () => {
    const config = parseConfig(readConfigFile(EXAMPLE_CONFIG_PATH));
    const context = detectionContextOf(config);
    expect(context.organizationAccountIds).toEqual([
      '111111111111',
      '222222222222',
      '333333333333',
      '444444444444',
    ]);
    expect(context.monitorResourcePrefix).toBe('iamwatch');
    expect(context.trustedAccountIds).toEqual(['555555555555']);
    expect(context.accountNames['333333333333']).toBe('prod-payments');
    expect(context.canary).toEqual({
      accountId: '222222222222',
      roleName: 'iamwatch-canary',
      writerRoleName: 'iamwatch-canary-writer',
    });
  });

  it('turns the canary on by default, as often as the heartbeats, and reads the short and long forms', () => {
    const canaryOf = (heartbeat?: unknown) =>
      parseConfig({ name: 'c', value: { ...minimal, ...(heartbeat === undefined ? {} : { heartbeat }) } })
        .heartbeat.canary;
    expect(canaryOf()).toEqual({ enabled: true, schedule: 'rate(15 minutes)' });
    expect(canaryOf({ intervalMinutes: 10 })).toEqual({ enabled: true, schedule: 'rate(10 minutes)' });
    expect(canaryOf({ intervalMinutes: 1, lateAfterMinutes: 5 })).toEqual({
      enabled: true,
      schedule: 'rate(1 minute)',
    });
    expect(canaryOf({ canary: false })).toEqual({ enabled: false, schedule: 'rate(15 minutes)' });
    expect(canaryOf({ canary: true })).toEqual({ enabled: true, schedule: 'rate(15 minutes)' });
    expect(canaryOf({ canary: { schedule: 'cron(0/10 * * * ? *)', roleName: 'acme-canary' } })).toEqual({
      enabled: true,
      schedule: 'cron(0/10 * * * ? *)',
      roleName: 'acme-canary',
    });
    const prefixed = parseConfig({ name: 'p', value: { ...minimal, resourcePrefix: 'acme' } });
    expect(detectionContextOf(prefixed).canary).toMatchObject({
      roleName: 'acme-canary',
      writerRoleName: 'acme-canary-writer',
    });
    const off = parseConfig({ name: 'off', value: { ...minimal, heartbeat: { enabled: false } } });
    expect(detectionContextOf(off).canary).toBeUndefined();
  });

  it('rejects a canary schedule Scheduler would refuse, or one too slow for the deadline, and a bad role name', () => {
    const heartbeat = (canary: unknown) => ({ ...minimal, heartbeat: { canary } });
    for (const schedule of [
      'rate(1 minutes)',
      'rate(5 minute)',
      'rate(0 minutes)',
      'every 5 minutes',
      'cron(* * *)',
    ]) {
      expect(errorOf(heartbeat({ schedule })), schedule).toMatch(/heartbeat\.canary\.schedule: must be rate/);
    }
    expect(errorOf(heartbeat({ schedule: 'rate(30 minutes)' }))).toMatch(
      /heartbeat\.canary\.schedule: must run at least twice within lateAfterMinutes/,
    );
    expect(errorOf(heartbeat({ roleName: 'has space' }))).toMatch(
      /heartbeat\.canary\.roleName: must be an IAM role name/,
    );
    expect(errorOf(heartbeat({ enabled: true, typo: 1 }))).toMatch(/heartbeat\.canary/);
  });
});

describe('finding the configuration', () => {
  const noContext = () => undefined;

  it('falls back to the committed example when there is no iamwatch.config.json', () => {
    const source = findConfigSource(noContext, REPO_ROOT);
    expect(path.basename(source.name)).toBe(EXAMPLE_CONFIG_FILE);
  });

  it('prefers iamwatch.config.json, then -c config=FILE, then inline context', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iamwatch-config-'));
    writeFileSync(
      path.join(dir, 'iamwatch.config.json'),
      JSON.stringify({ ...minimal, resourcePrefix: 'own' }),
    );
    writeFileSync(path.join(dir, 'other.json'), JSON.stringify({ ...minimal, resourcePrefix: 'other' }));
    expect(loadConfig(noContext, dir).config.resourcePrefix).toBe('own');
    const withPath = (key: string) => (key === 'config' ? 'other.json' : undefined);
    expect(loadConfig(withPath, dir).config.resourcePrefix).toBe('other');
    const inline = (key: string) =>
      key === 'iamwatch' ? JSON.stringify({ ...minimal, resourcePrefix: 'inline' }) : undefined;
    expect(loadConfig(inline, dir)).toMatchObject({
      config: { resourcePrefix: 'inline' },
      source: 'context:iamwatch',
    });
  });

  it('reports an unreadable file and invalid JSON by name', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iamwatch-config-'));
    writeFileSync(path.join(dir, 'broken.json'), '{ "mode": ');
    const read = (file: string) => () => loadConfig((key) => (key === 'config' ? file : undefined), dir);
    expect(read('missing.json')).toThrow(/Cannot read iamwatch configuration .*missing\.json/);
    expect(read('broken.json')).toThrow(/broken\.json is not valid JSON/);
  });
});

describe('digest configuration', () => {
  it('defaults to 08:00 UTC every day over the last 24 hours', () => {
    expect(parseConfig({ name: 'minimal', value: minimal }).digest).toEqual({
      enabled: true,
      schedule: 'cron(0 8 * * ? *)',
      timezone: 'UTC',
      windowHours: 24,
    });
  });

  it('takes any IANA time zone and a six-field cron or a rate', () => {
    const config = parseConfig({
      name: 'berlin',
      value: { ...minimal, digest: { schedule: 'cron(30 7 ? * MON-FRI *)', timezone: 'Europe/Berlin' } },
    });
    expect(config.digest).toMatchObject({ schedule: 'cron(30 7 ? * MON-FRI *)', timezone: 'Europe/Berlin' });
    expect(
      parseConfig({ name: 'rate', value: { ...minimal, digest: { schedule: 'rate(1 day)' } } }).digest
        .schedule,
    ).toBe('rate(1 day)');
  });

  it('refuses an unknown time zone, a malformed schedule, an unusable window and unknown keys', () => {
    const digest = (value: unknown) => errorOf({ ...minimal, digest: value });
    expect(digest({ timezone: 'Mars/Olympus' })).toMatch(/digest\.timezone.*IANA time zone/);
    expect(digest({ schedule: 'cron(0 8 * *)' })).toMatch(/digest\.schedule/);
    expect(digest({ schedule: 'daily' })).toMatch(/digest\.schedule/);
    expect(digest({ windowHours: 0 })).toMatch(/digest\.windowHours/);
    expect(digest({ enabled: true, extra: 1 })).toMatch(/digest/);
  });
});
