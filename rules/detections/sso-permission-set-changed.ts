import { isAdminManagedPolicyArn, requestGrantsAdmin } from '../policy/admin';
import type { NormalisedEvent } from '../types';
import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

const PERMISSION_SET_CALLS = [
  'CreatePermissionSet',
  'UpdatePermissionSet',
  'DeletePermissionSet',
  'AttachManagedPolicyToPermissionSet',
  'DetachManagedPolicyFromPermissionSet',
  'PutInlinePolicyToPermissionSet',
  'DeleteInlinePolicyFromPermissionSet',
  'AttachCustomerManagedPolicyReferenceToPermissionSet',
  'DetachCustomerManagedPolicyReferenceFromPermissionSet',
  'PutPermissionsBoundaryToPermissionSet',
  'DeletePermissionsBoundaryFromPermissionSet',
];

/** The change grants admin: an AWS admin policy attached, or an inline policy that allows admin. */
function grantsAdmin(e: NormalisedEvent): boolean {
  if (e.eventName === 'AttachManagedPolicyToPermissionSet') return isAdminManagedPolicyArn(e.policyArn);
  // A permission set applies in every account it is assigned to: no account to pin resources to.
  if (e.eventName === 'PutInlinePolicyToPermissionSet') return requestGrantsAdmin(e.policies, 'inlinePolicy');
  return false;
}

/** An Identity Center permission set (what an assignment grants in every account) changed. */
export const ssoPermissionSetChanged = defineDetection({
  id: 'sso-permission-set-changed',
  title: (e) =>
    `${e.eventName}${grantsAdmin(e) ? ' (grants admin)' : ''} on permission set ${targetLabel(e.target)} by ${actorLabel(e.actor)}`,
  severity: 'medium',
  severities: ['medium', 'high'],
  severityOf: (e) => (grantsAdmin(e) ? 'high' : 'medium'),
  description:
    'An IAM Identity Center permission set was created, changed or deleted, or its policies or boundary ' +
    'changed. A permission set applies in every account it is assigned to, so one change can widen ' +
    'access across the organization. High when the change grants administrator access.',
  runbook: [
    'Read the change (managed policy ARN, inline policy, boundary) in the raw record.',
    'List the accounts and groups the permission set is assigned to (ListAccountsForProvisionedPermissionSet).',
    'If unexpected: revert it and re-provision (ProvisionPermissionSet); investigate the actor.',
  ],
  references: [
    apiReference.ssoAdmin('AttachManagedPolicyToPermissionSet'),
    apiReference.ssoAdmin('PutInlinePolicyToPermissionSet'),
    'https://docs.aws.amazon.com/singlesignon/latest/userguide/permissionsetsconcept.html',
  ],
  mitre: [ATTACK.additionalCloudRoles],
  falsePositives: ['Identity team maintaining permission sets, often from infrastructure code.'],
  trigger: { sources: ['aws.sso'], eventNames: PERMISSION_SET_CALLS },
  match: (e) => succeeded(e),
});
