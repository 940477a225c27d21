/**
 * The organization read role, in the management account: the monitor's organization refresh function
 * (and nothing else in the security account) may assume it to list the organization's accounts, names
 * and OUs. A role rather than the Organizations delegation (resource) policy: an organization has at
 * most one such policy, shared by every tool delegated through it, so a stack owning it would overwrite
 * the others' statements; and its principal is a whole account, where the role's trust names the one
 * function role (`aws:PrincipalArn`) and its policy the five read calls the refresh makes.
 */
import { Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ORGANIZATION_READ_ACTIONS } from '../handlers/organization/read';

export interface OrganizationReaderStackProps extends StackProps {
  resourcePrefix: string;
  /** The account of the monitor (security or delegated-admin account). */
  securityAccountId: string;
}

/** Name of the read role in the management account. */
export function organizationReaderRoleName(prefix: string): string {
  return `${prefix}-organization-reader`;
}

/** Name of the refresh function's execution role in the security account (the reader trusts it). */
export function organizationRefreshRoleName(prefix: string): string {
  return `${prefix}-organization-refresh`;
}

export class OrganizationReaderStack extends Stack {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: OrganizationReaderStackProps) {
    super(scope, id, props);
    const refreshRoleArn = `arn:aws:iam::${props.securityAccountId}:role/${organizationRefreshRoleName(props.resourcePrefix)}`;
    // Trust the account with a condition on the role ARN, not the role as principal: IAM would reject a
    // principal that does not exist yet, and the monitor (which creates it) deploys after this stack.
    this.role = new iam.Role(this, 'Reader', {
      roleName: organizationReaderRoleName(props.resourcePrefix),
      description: 'iamwatch: read the organization (accounts, names, OUs) for the monitor',
      assumedBy: new iam.AccountPrincipal(props.securityAccountId).withConditions({
        ArnEquals: { 'aws:PrincipalArn': refreshRoleArn },
      }),
      inlinePolicies: {
        ReadOrganization: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ actions: [...ORGANIZATION_READ_ACTIONS], resources: ['*'] }),
          ],
        }),
      },
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'DescribeOrganization and ListRoots support no resource-level permissions, and the OU walk reaches every root and OU of the organization; the actions are read-only listing calls.',
    });
  }
}
