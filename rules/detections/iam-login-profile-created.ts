import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

/** A console password is set up for an IAM user that had none. */
export const iamLoginProfileCreated = defineDetection({
  id: 'iam-login-profile-created',
  title: (e) => `Console password created for ${targetLabel(e.target)} by ${actorLabel(e.actor)}`,
  severity: 'medium',
  description:
    'A login profile (console password) was created for an IAM user. Giving console access to a ' +
    'service user, or to a user an attacker controls, opens an interactive path into the account.',
  runbook: [
    'Check whether the user is a person who should use the console, or a service user that never should.',
    'Confirm with the actor; check that MFA gets enrolled for the user.',
    'If unexpected: DeleteLoginProfile, and review the actor for compromise.',
  ],
  references: [
    apiReference.iam('CreateLoginProfile'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_admin-change-user.html',
  ],
  mitre: [ATTACK.additionalCloudCredentials],
  falsePositives: ['Onboarding of people who still use IAM users instead of Identity Center.'],
  trigger: { sources: ['aws.iam'], eventNames: ['CreateLoginProfile'] },
  match: (e) => succeeded(e) && !!e.target,
});
