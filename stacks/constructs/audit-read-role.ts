/**
 * The read-only role the scheduled audit assumes in each account: the IAM list and get calls of
 * `handlers/audit/iam-reader.ts` and `events:ListRules` for `iamwatch doctor --fleet`, nothing else,
 * trusted only by the audit Lambda's execution role in the security account (by ARN condition, so
 * the trust is valid even before that role exists) and the roles of people named in
 * `audit.readerPrincipals`, who run `inventory`, `audit` and `doctor --fleet` by hand.
 * Deployed by the forwarder StackSet (members) and the management-account forwarder stack.
 */
import { CfnCondition, Fn, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Exactly what the IAM reader calls. GenerateCredentialReport only asks IAM to refresh a report. */
export const AUDIT_READ_ACTIONS = [
  'iam:ListUsers',
  'iam:GenerateCredentialReport',
  'iam:GetCredentialReport',
  'iam:ListAttachedUserPolicies',
  'iam:ListUserPolicies',
  'iam:GetUserPolicy',
  'iam:ListGroupsForUser',
  'iam:ListMFADevices',
  'iam:ListAccessKeys',
  'iam:GetAccessKeyLastUsed',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'iam:ListRoles',
  'iam:GetRole',
  'iam:GetAccountPasswordPolicy',
] as const;

/**
 * What `iamwatch doctor --fleet` reads through this role besides IAM: the forwarder rules on the
 * account's default bus (ListRules returns each rule's state and pattern). ListRules has no
 * resource-level permission.
 */
const DOCTOR_READ_ACTIONS = ['events:ListRules'] as const;

/** The audit Lambda's execution role name; member trust policies name it. */
export function auditFunctionRoleName(prefix: string): string {
  return `${prefix}-audit-function`;
}

/** The role the audit assumes in every account. */
export function auditReadRoleName(prefix: string): string {
  return `${prefix}-audit-read`;
}

export interface AuditReadRoleProps {
  resourcePrefix: string;
  securityAccountId: string;
  /** Roles of people in the security account that may assume it too (`audit.readerPrincipals`). */
  readerPrincipals?: readonly string[];
  /** Create the role only in this region (IAM is global; a StackSet instance runs in every region). */
  onlyInRegion?: string;
}

export class AuditReadRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: AuditReadRoleProps) {
    super(scope, id);
    const auditor = `arn:aws:iam::${props.securityAccountId}:role/${auditFunctionRoleName(props.resourcePrefix)}`;
    this.role = new iam.Role(this, 'Role', {
      roleName: auditReadRoleName(props.resourcePrefix),
      description:
        'iamwatch audit: read-only view of IAM users, roles and credentials, for the audit Lambda only',
      assumedBy: new iam.AccountPrincipal(props.securityAccountId).withConditions(
        props.readerPrincipals && props.readerPrincipals.length > 0
          ? { ArnLike: { 'aws:PrincipalArn': [auditor, ...props.readerPrincipals] } }
          : { ArnEquals: { 'aws:PrincipalArn': auditor } },
      ),
      inlinePolicies: {
        ReadIam: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: [...AUDIT_READ_ACTIONS], resources: ['*'] })],
        }),
        ReadForwarderRules: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({ actions: [...DOCTOR_READ_ACTIONS], resources: ['*'] })],
        }),
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'The audit reads every user, role and policy of the account: ListUsers, ListRoles, the credential report and the password policy have no resource-level permissions, and the per-user reads must cover every user. The doctor lists the rules of the default bus: events:ListRules has no resource-level permission either.',
    });
    if (props.onlyInRegion) {
      const condition = new CfnCondition(this, 'InIamHomeRegion', {
        expression: Fn.conditionEquals(Fn.ref('AWS::Region'), props.onlyInRegion),
      });
      (this.role.node.defaultChild as iam.CfnRole).cfnOptions.condition = condition;
    }
  }
}
