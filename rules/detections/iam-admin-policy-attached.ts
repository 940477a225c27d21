import { lastArnSegment } from '../arn';
import { isAdminManagedPolicyArn } from '../policy/admin';
import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

const ATTACH_CALLS = ['AttachUserPolicy', 'AttachGroupPolicy', 'AttachRolePolicy'];

/**
 * AdministratorAccess, IAMFullAccess or PowerUserAccess attached to a principal. Critical on users
 * and groups (people, long-term credentials); high on roles, where admin is more often by design.
 */
export const iamAdminPolicyAttached = defineDetection({
  id: 'iam-admin-policy-attached',
  title: (e) =>
    `${policyName(e.policyArn)} attached to ${e.target?.type ?? 'principal'} ${targetLabel(e.target)} by ${actorLabel(e.actor)}`,
  severity: 'critical',
  severities: ['critical', 'high'],
  severityOf: (e) => (e.target?.type === 'role' ? 'high' : 'critical'),
  description:
    'An AWS managed administrator policy (AdministratorAccess, IAMFullAccess or PowerUserAccess) was ' +
    'attached to a user, group or role. The principal can now do (nearly) anything, including grant ' +
    'itself more.',
  runbook: [
    'Confirm the grant with the actor and the access-management process; admin should go through Identity Center permission sets.',
    'For a role, read its trust policy: who can now assume an administrator?',
    'If unexpected: detach the policy, review everything the principal did since (`iamwatch history --actor …`), investigate the actor.',
  ],
  references: [
    apiReference.iam('AttachUserPolicy'),
    apiReference.iam('AttachRolePolicy'),
    'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html',
  ],
  mitre: [ATTACK.additionalCloudRoles, ATTACK.validCloudAccounts],
  falsePositives: [
    'Identity Center provisioning an admin permission set attaches AdministratorAccess to its AWSReservedSSO_ role (high, on a role).',
    'Bootstrap of deployment roles (e.g. CDK) by infrastructure pipelines (labelled automation).',
  ],
  trigger: { sources: ['aws.iam'], eventNames: ATTACH_CALLS },
  match: (e) => succeeded(e) && isAdminManagedPolicyArn(e.policyArn),
});

function policyName(arn: string | undefined): string {
  return lastArnSegment(arn) ?? 'Admin policy';
}
