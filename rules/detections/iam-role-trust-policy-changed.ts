import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

/** Who may assume a role has changed. */
export const iamRoleTrustPolicyChanged = defineDetection({
  id: 'iam-role-trust-policy-changed',
  title: (e) => `Trust policy of role ${targetLabel(e.target)} changed by ${actorLabel(e.actor)}`,
  severity: 'medium',
  description:
    "A role's trust policy (who can assume it) was replaced. Adding a principal to a privileged role's " +
    'trust policy is a backdoor that needs no new credentials. Trust in outside accounts or `*` is ' +
    'additionally reported by iam-role-trust-allows-external.',
  runbook: [
    'Read the new trust policy in the raw record and compare it with the previous one.',
    'Identify every principal and account it trusts; are they all known?',
    'If unexpected: restore the previous trust policy and review AssumeRole calls on the role since.',
  ],
  references: [
    apiReference.iam('UpdateAssumeRolePolicy'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-trust-policy.html',
  ],
  mitre: [ATTACK.trustModification, ATTACK.additionalCloudRoles],
  falsePositives: ['Deployments updating role trust (labelled automation).'],
  trigger: { sources: ['aws.iam'], eventNames: ['UpdateAssumeRolePolicy'] },
  match: (e) => succeeded(e),
});
