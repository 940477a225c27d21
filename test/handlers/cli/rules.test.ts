import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../../rules/registry';
import { REQUIRED_DETECTION_IDS } from '../../support/contract';
import { cli } from './support';

describe('iamwatch rules', () => {
  it('--format json lists every required id with severity, title and description', async () => {
    const { code, stdout } = await cli(['rules', '--format', 'json']);
    expect(code).toBe(0);
    const catalog = JSON.parse(stdout) as {
      id: string;
      severity: string;
      title: string;
      description: string;
      trigger: unknown;
    }[];
    expect(catalog.map((d) => d.id)).toEqual(expect.arrayContaining(REQUIRED_DETECTION_IDS));
    for (const detection of catalog) {
      expect(['info', 'low', 'medium', 'high', 'critical']).toContain(detection.severity);
      expect(detection.description.length).toBeGreaterThan(20);
      expect(detection.title.length).toBeGreaterThan(0);
    }
  });

  it("--format json publishes each detection's trigger as the catalog defines it", async () => {
    const { stdout } = await cli(['rules', '--format', 'json']);
    const published = new Map(
      (JSON.parse(stdout) as { id: string; trigger: unknown }[]).map((d) => [d.id, d.trigger]),
    );
    expect(published.get('iam-access-key-created-for-another-user')).toEqual({
      sources: ['aws.iam'],
      eventNames: ['CreateAccessKey'],
    });
    const tampered = published.get('monitor-tampered') as { sources: string[] }[];
    expect(tampered.map((trigger) => trigger.sources)).toEqual([
      ['aws.events'],
      ['aws.lambda'],
      ['aws.dynamodb'],
      ['aws.sns'],
    ]);
    for (const detection of CATALOG) {
      const expected = detection.trigger.length === 1 ? detection.trigger[0] : detection.trigger;
      expect(published.get(detection.id), detection.id).toEqual(expected);
    }
  });

  it('prints a readable table by default', async () => {
    const { code, stdout } = await cli(['rules']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ID\s+SEVERITY\s+TRIGGER\s+DESCRIPTION/);
    expect(stdout).toContain('iam-admin-policy-attached');
    expect(stdout).toMatch(/\d+ detections\n$/);
  });

  it('--patterns prints the derived patterns within EventBridge limits', async () => {
    const { code, stdout } = await cli(['rules', '--patterns']);
    expect(code).toBe(0);
    const patterns = JSON.parse(stdout) as { name: string; pattern: Record<string, unknown> }[];
    expect(patterns.length).toBeGreaterThan(3);
    expect(patterns.length).toBeLessThanOrEqual(300);
    for (const { name, pattern } of patterns) {
      expect(name).toMatch(/^[a-zA-Z0-9-]+$/);
      expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(2048);
    }
    const signin = JSON.stringify(patterns.filter((p) => JSON.stringify(p.pattern).includes('aws.signin')));
    expect(signin).toContain('AWS Console Sign In via CloudTrail');
    expect(signin).toContain('AWS Console Signin via CloudTrail');
  });

  it('rejects an unknown format with exit code 2', async () => {
    const { code, stderr } = await cli(['rules', '--format', 'yaml']);
    expect(code).toBe(2);
    expect(stderr).toContain('--format must be one of table, json');
  });
});

describe('iamwatch (no command / unknown command)', () => {
  it('prints usage and exits 2 without a command', async () => {
    const { code, stdout } = await cli([]);
    expect(code).toBe(2);
    expect(stdout).toContain('Usage: iamwatch <command>');
  });

  it('names an unknown command', async () => {
    const { code, stderr } = await cli(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "frobnicate"');
  });
});

describe('iamwatch rules --coverage', () => {
  const example = new URL('../../../iamwatch.config.example.json', import.meta.url).pathname;

  it('prints detection × where emitted × deployed rules for the example config', async () => {
    const { code, stdout, stderr } = await cli(['rules', '--coverage', '--config', example]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^DETECTION\s+SOURCE\s+EMITTED IN\s+DEPLOYED RULES/);
    expect(stdout).toMatch(
      /sso-account-assignment-changed\s+aws\.sso\s+eu-west-1 \(Identity Center home\)\s+eu-west-1: iamwatch-fwd-sso-1 → iamwatch-sso-1 \[ENABLED\]/,
    );
    expect(stdout).toMatch(
      /root-session-assumed .*iamwatch-sts-1 \[ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS\]/,
    );
    expect(stdout).not.toContain('NOT COVERED');
    expect(stderr).toBe('');
  });

  it('shows the Identity Center assumption, and --format json gives every rule per region', async () => {
    const { code, stdout, stderr } = await cli(['rules', '--coverage', '--format', 'json'], { cwd: '/' });
    expect(code).toBe(0);
    expect(stderr).toContain('regions.identityCenter is not set');
    const report = JSON.parse(stdout) as {
      regions: { identityCenter: string; identityCenterAssumed: boolean };
      rows: { detection: string; source: string; rules: { region: string; name: string; state: string }[] }[];
    };
    expect(report.regions).toMatchObject({ identityCenter: 'us-east-1', identityCenterAssumed: true });
    const trail = report.rows.find((r) => r.detection === 'cloudtrail-logging-stopped');
    expect(trail?.rules).toContainEqual({
      region: 'us-west-2',
      name: 'iamwatch-fwd-cloudtrail-1',
      state: 'ENABLED',
      kind: 'forwarder',
    });
  });

  it('fails, naming the gap, when the Identity Center home region gets no forwarders', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamwatch-coverage-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ regions: { identityCenter: 'me-south-1' } }));
    const { code, stdout, stderr } = await cli(['rules', '--coverage', '--config', file]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/sso-account-assignment-changed .*NOT COVERED: me-south-1/);
    expect(stderr).toContain('not covered: sso-account-assignment-changed (aws.sso)');
  });

  it('refuses an unknown region in the config with exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamwatch-coverage-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ regions: { forwarders: ['mars-north-1'] } }));
    const { code, stderr } = await cli(['rules', '--coverage', '--config', file]);
    expect(code).toBe(2);
    expect(stderr).toContain('regions.forwarders.0');
  });
});
