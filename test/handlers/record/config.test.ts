/** `readRecordConfig`: the record Lambda's environment, parsed once with errors that name the variable. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION_DAYS } from '../../../handlers/ledger/table';
import { readRecordConfig } from '../../../handlers/record/config';
import { ConfigurationError } from '../../../handlers/shared/env';
import { DEFAULT_CONTEXT } from '../../../rules/context';

const base = { IAMWATCH_TABLE_NAME: 'iamwatch-ledger' };

function failure(env: Record<string, string>): Error {
  try {
    readRecordConfig(env);
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected readRecordConfig to throw');
}

describe('readRecordConfig', () => {
  it('needs only the table name', () => {
    expect(readRecordConfig(base)).toEqual({
      tableName: 'iamwatch-ledger',
      retentionDays: DEFAULT_RETENTION_DAYS,
      context: DEFAULT_CONTEXT,
      organizationSnapshot: false,
    });
  });

  it('reads the retention and a complete detection context', () => {
    const context = {
      organizationAccountIds: ['111122223333', '444455556666'],
      trustedAccountIds: ['999988887777'],
      automationPrincipals: ['arn:aws:iam::111122223333:role/github-deploy'],
      deploymentPrincipals: ['arn:aws:iam::*:role/cdk-*-cfn-exec-role-*'],
      monitorResourcePrefix: 'secwatch',
      accountNames: { '111122223333': 'prod-payments' },
    };
    const config = readRecordConfig({
      ...base,
      IAMWATCH_RETENTION_DAYS: '90',
      IAMWATCH_ORGANIZATION_SNAPSHOT: 'true',
      IAMWATCH_DETECTION_CONTEXT: JSON.stringify(context),
    });

    expect(config).toEqual({
      tableName: 'iamwatch-ledger',
      retentionDays: 90,
      context: { ...context, accountOuPaths: {} },
      organizationSnapshot: true,
    });
    expect(Object.isFrozen(config.context)).toBe(true);
  });

  it('fills what a partial detection context leaves out', () => {
    const { context } = readRecordConfig({
      ...base,
      IAMWATCH_DETECTION_CONTEXT: '{"organizationAccountIds":["111122223333"]}',
    });
    expect(context).toEqual({ ...DEFAULT_CONTEXT, organizationAccountIds: ['111122223333'] });
  });

  it('reads the canary the stack compiles into the context', () => {
    const canary = {
      accountId: '222222222222',
      roleName: 'iamwatch-canary',
      writerRoleName: 'iamwatch-canary-writer',
    };
    const { context } = readRecordConfig({ ...base, IAMWATCH_DETECTION_CONTEXT: JSON.stringify({ canary }) });
    expect(context.canary).toEqual(canary);
    expect(readRecordConfig(base).context).not.toHaveProperty('canary');
  });

  const invalid: [string, Record<string, string>, string | RegExp][] = [
    [
      'a canary without its writer role',
      { ...base, IAMWATCH_DETECTION_CONTEXT: '{"canary":{"accountId":"222222222222","roleName":"c"}}' },
      /^Environment variable IAMWATCH_DETECTION_CONTEXT: canary\.writerRoleName /,
    ],
    ['a missing table name', {}, 'Environment variable IAMWATCH_TABLE_NAME is required but not set'],
    [
      'a blank table name',
      { IAMWATCH_TABLE_NAME: '  ' },
      'Environment variable IAMWATCH_TABLE_NAME is required but not set',
    ],
    [
      'a detection context that is not JSON',
      { ...base, IAMWATCH_DETECTION_CONTEXT: "{organizationAccountIds: ['111122223333']}" },
      'Environment variable IAMWATCH_DETECTION_CONTEXT is not valid JSON',
    ],
    [
      'an account id that is not 12 digits',
      { ...base, IAMWATCH_DETECTION_CONTEXT: '{"trustedAccountIds":["12345"]}' },
      /^Environment variable IAMWATCH_DETECTION_CONTEXT: trustedAccountIds\.0 /,
    ],
    [
      'an unknown context field',
      { ...base, IAMWATCH_DETECTION_CONTEXT: '{"automationPrincipal":["arn:aws:iam::111122223333:role/x"]}' },
      /^Environment variable IAMWATCH_DETECTION_CONTEXT: \(root\) .*automationPrincipal/,
    ],
    [
      'a context that is not an object',
      { ...base, IAMWATCH_DETECTION_CONTEXT: '["111122223333"]' },
      /^Environment variable IAMWATCH_DETECTION_CONTEXT: \(root\) /,
    ],
    [
      'a retention that is not a positive whole number',
      { ...base, IAMWATCH_RETENTION_DAYS: '30d' },
      'Environment variable IAMWATCH_RETENTION_DAYS must be a positive integer, got "30d"',
    ],
  ];
  for (const [what, env, message] of invalid) {
    it(`rejects ${what} with a ConfigurationError naming the variable`, () => {
      const error = failure(env);
      expect(error).toBeInstanceOf(ConfigurationError);
      if (typeof message === 'string') expect(error.message).toBe(message);
      else expect(error.message).toMatch(message);
    });
  }

  it('keeps the JSON parse error as the cause', () => {
    const error = failure({ ...base, IAMWATCH_DETECTION_CONTEXT: '{' });
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });
});
