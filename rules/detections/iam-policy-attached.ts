import { isAdminManagedPolicyArn } from '../policy/admin';
import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

/** Any other managed policy attached to a user, group or role (admin ones have their own detection). */
export const iamPolicyAttached = defineDetection({
  id: 'iam-policy-attached',
  title: (e) =>
    `Policy ${e.policyArn ?? 'unknown'} attached to ${e.target?.type ?? 'principal'} ${targetLabel(e.target)} by ${actorLabel(e.actor)}`,
  severity: 'low',
  description:
    'A managed policy other than the AWS administrator policies was attached to a user, group or role. ' +
    'Recorded for the history; customer managed policies can still be broad, so check their content when in doubt.',
  runbook: [
    'If the policy is customer managed, read its default version for wildcards.',
    'Confirm the change belongs to a deployment or access request.',
  ],
  references: [apiReference.iam('AttachUserPolicy'), apiReference.iam('AttachRolePolicy')],
  mitre: [ATTACK.additionalCloudRoles],
  falsePositives: ['Everyday deployments attaching policies to workload roles.'],
  trigger: {
    sources: ['aws.iam'],
    eventNames: ['AttachUserPolicy', 'AttachGroupPolicy', 'AttachRolePolicy'],
  },
  match: (e) => succeeded(e) && !isAdminManagedPolicyArn(e.policyArn),
});
