import { isAdminManagedPolicyArn } from '../policy/admin';
import {
  ATTACK,
  actorLabel,
  apiReference,
  attackReference,
  defineDetection,
  succeeded,
  targetLabel,
} from './define';

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
    '1. If the policy is customer managed, read its default version for wildcards.',
    '2. Confirm the change belongs to a deployment or access request.',
  ].join('\n'),
  references: [
    apiReference.iam('AttachUserPolicy'),
    apiReference.iam('AttachRolePolicy'),
    attackReference(ATTACK.additionalCloudRoles),
  ],
  mitre: [ATTACK.additionalCloudRoles],
  falsePositives: ['Everyday deployments attaching policies to workload roles.'],
  trigger: {
    sources: ['aws.iam'],
    eventNames: ['AttachUserPolicy', 'AttachGroupPolicy', 'AttachRolePolicy'],
  },
  match: (e) => succeeded(e) && !isAdminManagedPolicyArn(e.policyArn),
});
