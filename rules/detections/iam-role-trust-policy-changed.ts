import {
  ATTACK,
  actorLabel,
  apiReference,
  attackReference,
  defineDetection,
  succeeded,
  targetLabel,
} from './define';

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
    '1. Read the new trust policy in the raw record and compare it with the previous one.',
    '2. Identify every principal and account it trusts; are they all known?',
    '3. If unexpected: restore the previous trust policy and review AssumeRole calls on the role since.',
  ].join('\n'),
  references: [
    apiReference.iam('UpdateAssumeRolePolicy'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-trust-policy.html',
    attackReference(ATTACK.trustModification),
  ],
  mitre: [ATTACK.trustModification, ATTACK.additionalCloudRoles],
  falsePositives: ['Deployments updating role trust (labelled automation).'],
  trigger: { sources: ['aws.iam'], eventNames: ['UpdateAssumeRolePolicy'] },
  match: (e) => succeeded(e),
});
