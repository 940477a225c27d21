import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDetectionContext } from '../../../handlers/cli/context';
import { UsageError } from '../../../handlers/cli/io';
import { writeJson } from './support';

const dir = mkdtempSync(join(tmpdir(), 'iamwatch-context-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const io = (env: Record<string, string> = {}) => ({
  stdout: { write: () => true },
  stderr: { write: () => true },
  stdin: Readable.from([]),
  env,
  cwd: dir,
});

describe('loadDetectionContext', () => {
  it('uses the defaults when no config file exists', async () => {
    const context = await loadDetectionContext(undefined, io());
    expect(context.organizationAccountIds).toEqual([]);
    expect(context.monitorResourcePrefix).toBe('iamwatch');
  });

  it('reads the deployment config: org accounts from the organization section, the rest top level', async () => {
    const file = writeJson(join(dir, 'deploy.json'), {
      organization: { managementAccountId: '111111111111', memberAccountIds: ['333333333333'] },
      securityAccountId: '222222222222',
      trustedAccountIds: ['555555555555'],
      automationPrincipals: ['arn:aws:iam::*:role/terraform-deploy'],
      accountNames: { '333333333333': 'prod-payments' },
      slack: { routes: [] },
    });
    const context = await loadDetectionContext(file, io());
    expect(context.organizationAccountIds).toEqual(['111111111111', '222222222222', '333333333333']);
    expect(context.trustedAccountIds).toEqual(['555555555555']);
    expect(context.automationPrincipals).toEqual(['arn:aws:iam::*:role/terraform-deploy']);
    expect(context.accountNames).toEqual({ '333333333333': 'prod-payments' });
  });

  it('finds the file through IAMWATCH_CONFIG and names the bad field', async () => {
    const file = writeJson(join(dir, 'bad.json'), { trustedAccountIds: ['12345'] });
    await expect(loadDetectionContext(undefined, io({ IAMWATCH_CONFIG: file }))).rejects.toThrow(
      /trustedAccountIds\.0 must be a 12-digit AWS account id/,
    );
  });

  it('says what a field should be when the schema has no message of its own (no zod locale in the CLI)', async () => {
    const file = writeJson(join(dir, 'types.json'), {
      detection: { automationPrincipals: 'arn:aws:iam::*:role/ci' },
    });
    await expect(loadDetectionContext(file, io())).rejects.toThrow(
      /types\.json: detection\.automationPrincipals expected array$/,
    );
    writeJson(file, { deployment: { principals: ['ci-role'] } });
    await expect(loadDetectionContext(file, io())).rejects.toThrow(
      /deployment\.principals\.0 must be an ARN/,
    );
  });

  it('reports unreadable and malformed files as usage errors', async () => {
    await expect(loadDetectionContext(join(dir, 'missing.json'), io())).rejects.toBeInstanceOf(UsageError);
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{');
    await expect(loadDetectionContext(file, io())).rejects.toThrow(/not valid JSON/);
  });
});
