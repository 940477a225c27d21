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
import { PUT_INLINE_POLICY_CALLS } from './iam-inline-policy-added';

/** An inline policy that grants `*` or all of IAM on every resource: admin, hidden in an inline policy. */
export const iamInlineAdminPolicyAdded = defineDetection({
  id: 'iam-inline-admin-policy-added',
  title: (e) => {
    const name = requestText(e, 'policyName');
    return `Inline admin policy${name ? ` ${name}` : ''} put on ${e.target?.type ?? 'principal'} ${targetLabel(e.target)} by ${actorLabel(e.actor)}`;
  },
  severity: 'critical',
  description:
    'An inline policy granting administrator access (Action `*`, `*:*` or `iam:*`, or a NotAction that ' +
    'leaves IAM in, on Resource `*`, an ARN wildcard covering IAM or a NotResource that leaves IAM in, ' +
    'even when spread over several statements) was put on a user, group or role. It is admin without ' +
    'any managed policy showing it. A document too large to inspect counts as admin: no successful ' +
    'call carries one.',
  runbook: [
    'Treat as privilege escalation until confirmed: who is the principal, who can use it?',
    'Delete the inline policy (Delete*Policy) unless the change is approved.',
    'Review what the principal did since (`iamwatch history --actor …`) and investigate the actor.',
  ],
  references: [
    apiReference.iam('PutUserPolicy'),
    apiReference.iam('PutRolePolicy'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html',
  ],
  mitre: [ATTACK.additionalCloudRoles, ATTACK.validCloudAccounts],
  falsePositives: ['Break-glass roles defined in code with inline admin policies (labelled automation).'],
  trigger: { sources: ['aws.iam'], eventNames: PUT_INLINE_POLICY_CALLS },
  match: (e) => succeeded(e) && requestGrantsAdmin(e.policies, 'policyDocument', e.accountId),
});
