import { ATTACK, actorLabel, apiReference, defineDetection, succeeded } from './define';

/** The account password policy deleted: IAM falls back to its weakest defaults. */
export const iamPasswordPolicyDeleted = defineDetection({
  id: 'iam-password-policy-deleted',
  title: (e) => `Account password policy deleted by ${actorLabel(e.actor)}`,
  severity: 'high',
  description:
    "The account's IAM password policy was deleted. IAM users can now set any password of 8+ " +
    'characters and reuse old ones.',
  runbook: [
    'Restore the baseline policy (UpdateAccountPasswordPolicy).',
    'Find out why it was deleted; check for password changes (ChangePassword, UpdateLoginProfile) that followed.',
  ],
  references: [
    apiReference.iam('DeleteAccountPasswordPolicy'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html',
  ],
  mitre: [ATTACK.modifyAuthenticationProcess],
  falsePositives: ['Accounts without IAM users deliberately running without a policy.'],
  trigger: { sources: ['aws.iam'], eventNames: ['DeleteAccountPasswordPolicy'] },
  match: (e) => succeeded(e),
});
