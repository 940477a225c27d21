import { requestGrantsAdmin } from '../policy/admin';
import {
  ATTACK,
  actorLabel,
  apiReference,
  defineDetection,
  requestText,
  succeeded,
  targetLabel,
} from './define';

/** The inline-policy calls: a policy embedded in one user, group or role. */
export const PUT_INLINE_POLICY_CALLS = ['PutUserPolicy', 'PutGroupPolicy', 'PutRolePolicy'];

/** An inline policy added or replaced (admin ones have their own, critical detection). */
export const iamInlinePolicyAdded = defineDetection({
  id: 'iam-inline-policy-added',
  title: (e) => {
    const name = requestText(e, 'policyName');
    return `Inline policy${name ? ` ${name}` : ''} put on ${e.target?.type ?? 'principal'} ${targetLabel(e.target)} by ${actorLabel(e.actor)}`;
  },
  severity: 'medium',
  description:
    'An inline policy was added to (or replaced on) a user, group or role. Inline policies are ' +
    'invisible in managed-policy inventories and a common way to grant permissions quietly.',
  runbook: [
    'Read the policy document in the raw record (`iamwatch history --target <name> --format json`).',
    'Look for wildcards, iam:PassRole, sts:AssumeRole on `*`, or data-access grants out of line with the principal.',
    'If unexpected: DeleteUserPolicy/DeleteRolePolicy/DeleteGroupPolicy and investigate the actor.',
  ],
  references: [apiReference.iam('PutUserPolicy'), apiReference.iam('PutRolePolicy')],
  mitre: [ATTACK.additionalCloudRoles],
  falsePositives: ['Deployments that manage inline policies on workload roles (labelled automation).'],
  trigger: { sources: ['aws.iam'], eventNames: PUT_INLINE_POLICY_CALLS },
  match: (e) => succeeded(e) && !requestGrantsAdmin(e.policies, 'policyDocument', e.accountId),
});
