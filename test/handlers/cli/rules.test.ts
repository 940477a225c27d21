import { describe, expect, it } from 'vitest';
import { REQUIRED_DETECTION_IDS } from '../../support/contract';
import { cli } from './support';

describe('iamwatch rules', () => {
  it('--format json lists every required id with severity, title, description and trigger', async () => {
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
      expect(detection.trigger).toBeTruthy();
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
