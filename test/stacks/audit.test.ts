/**
 * The scheduled audit in the monitor stack (only with `audit.enabled`), its least-privilege role, and
 * the read-only audit role the forwarder StackSet and the management-account stack deploy.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_READ_ACTIONS } from '../../stacks/constructs/audit-read-role';
import { buildTestApp, exampleConfig, stackSetTemplateBody } from './support';

describe('scheduled audit', () => {
  const config = exampleConfig({ audit: { enabled: true } });
  let monitor: Template;
  let stackSetBody: Record<string, unknown>;
  let management: Template;

  beforeAll(() => {
    const { app, stacks } = buildTestApp(config, { nag: true });
    // cdk-nag reports unacknowledged findings as errors at synth: this must not throw.
    app.synth();
    monitor = Template.fromStack(stacks.monitor);
    stackSetBody = stackSetTemplateBody(Template.fromStack(stacks.forwarderStackSet!));
    const managementStack = stacks.forwarders.find((stack) =>
      stack.stackName.endsWith('management-us-east-1'),
    );
    management = Template.fromStack(managementStack!);
  }, 120_000);

  it('runs every 14 days by default, as a Lambda writing to an encrypted, versioned bucket', () => {
    monitor.hasResourceProperties('AWS::Events::Rule', {
      Name: 'iamwatch-audit-schedule',
      ScheduleExpression: 'rate(14 days)',
    });
    monitor.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'iamwatch-audit',
      Environment: {
        Variables: Match.objectLike({
          IAMWATCH_AUDIT_ROLE_NAME: 'iamwatch-audit-read',
          IAMWATCH_AUDIT_STALE_DAYS: '90',
        }),
      },
    });
    monitor.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
      LoggingConfiguration: Match.anyValue(),
    });
  });

  it('gives the function only the audit role to assume, the ledger actions it uses, and no IAM writes', () => {
    const policies = monitor.findResources('AWS::IAM::Policy');
    const auditPolicy = Object.entries(policies).find(([id]) => id.startsWith('AuditFunctionRole'));
    expect(auditPolicy).toBeDefined();
    const statements = (auditPolicy?.[1].Properties.PolicyDocument.Statement ?? []) as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions).toContain('sts:AssumeRole');
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
    expect(actions.some((a) => a.startsWith('iam:'))).toBe(false);
    const assume = statements.find((s) => s.Action === 'sts:AssumeRole');
    expect(assume?.Resource).toBe('arn:aws:iam::*:role/iamwatch-audit-read');
    monitor.hasResourceProperties('AWS::IAM::Role', { RoleName: 'iamwatch-audit-function' });
  });

  it('deploys the read-only role in every member (us-east-1 instance only) and the management account', () => {
    const resources = stackSetBody.Resources as Record<
      string,
      { Type: string; Condition?: string; Properties: Record<string, unknown> }
    >;
    const role = Object.values(resources).find(
      (r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === 'iamwatch-audit-read',
    );
    expect(role?.Condition).toBeDefined();
    const conditions = stackSetBody.Conditions as Record<string, unknown>;
    expect(JSON.stringify(conditions[role?.Condition ?? ''])).toContain('us-east-1');
    for (const properties of [
      role?.Properties,
      Object.values(
        management.findResources('AWS::IAM::Role', { Properties: { RoleName: 'iamwatch-audit-read' } }),
      )[0]?.Properties,
    ]) {
      const trust = JSON.stringify(properties?.AssumeRolePolicyDocument);
      expect(trust).toContain('arn:aws:iam::222222222222:role/iamwatch-audit-function');
      expect(trust).toContain('aws:PrincipalArn');
      const policy = (
        (properties?.Policies ?? []) as { PolicyDocument: { Statement: { Action: string[] }[] } }[]
      )[0];
      expect([...(policy?.PolicyDocument.Statement[0]?.Action ?? [])].sort()).toEqual(
        [...AUDIT_READ_ACTIONS].sort(),
      );
      expect(
        AUDIT_READ_ACTIONS.every((action) => /^iam:(List|Get|GenerateCredentialReport)/.test(action)),
      ).toBe(true);
      // The doctor's read of the forwarder rules, in its own policy: nothing else of EventBridge.
      const rules = (
        (properties?.Policies ?? []) as {
          PolicyName: string;
          PolicyDocument: { Statement: { Action: string | string[]; Resource: string }[] };
        }[]
      ).find((p) => p.PolicyName === 'ReadForwarderRules');
      expect(rules?.PolicyDocument.Statement).toEqual([
        expect.objectContaining({ Action: 'events:ListRules', Resource: '*' }),
      ]);
    }
  });

  it('admits only the audit function by default (ArnEquals), and the configured reader roles by ArnLike', () => {
    const resources = stackSetBody.Resources as Record<
      string,
      { Type: string; Properties: Record<string, unknown> }
    >;
    const role = Object.values(resources).find(
      (r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === 'iamwatch-audit-read',
    );
    expect((role!.Properties.AssumeRolePolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      expect.objectContaining({
        Action: 'sts:AssumeRole',
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::222222222222:role/iamwatch-audit-function' },
        },
      }),
    ]);

    // People who run `doctor --fleet`, `inventory` and `audit` by hand; without the scheduled audit too.
    const reader =
      'arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_SecurityAudit_*';
    const { stacks } = buildTestApp(exampleConfig({ audit: { enabled: false, readerPrincipals: [reader] } }));
    expect(stacks.monitor.audit).toBeUndefined();
    const body = stackSetTemplateBody(Template.fromStack(stacks.forwarderStackSet!));
    const readRole = Object.values(body.Resources as typeof resources).find(
      (r) => r.Type === 'AWS::IAM::Role' && r.Properties.RoleName === 'iamwatch-audit-read',
    );
    expect((readRole!.Properties.AssumeRolePolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      expect.objectContaining({
        Condition: {
          ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::222222222222:role/iamwatch-audit-function', reader] },
        },
      }),
    ]);
  });

  it('refuses reader roles outside the security account, or a pattern that matches every role', () => {
    expect(() =>
      buildTestApp(
        exampleConfig({ audit: { readerPrincipals: ['arn:aws:iam::999999999999:role/Auditor'] } }),
      ),
    ).toThrow(/readerPrincipals.*security account 222222222222/s);
    expect(() =>
      buildTestApp(exampleConfig({ audit: { readerPrincipals: ['arn:aws:iam::222222222222:role/*'] } })),
    ).toThrow(/matches every role/);
    expect(() => buildTestApp(exampleConfig({ audit: { readerPrincipals: ['*'] } }))).toThrow(
      /must be an IAM role ARN/,
    );
  });

  it('is off unless enabled', () => {
    const { stacks } = buildTestApp(exampleConfig());
    expect(stacks.monitor.audit).toBeUndefined();
    expect(JSON.stringify(stackSetTemplateBody(Template.fromStack(stacks.forwarderStackSet!)))).not.toContain(
      'audit-read',
    );
  });
});
