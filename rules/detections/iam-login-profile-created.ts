import {
  ATTACK,
  actorLabel,
  apiReference,
  attackReference,
  defineDetection,
  succeeded,
  targetLabel,
} from './define';

/** A console password is set up for an IAM user that had none. */
export const iamLoginProfileCreated = defineDetection({
  id: 'iam-login-profile-created',
  title: (e) => `Console password created for ${targetLabel(e.target)} by ${actorLabel(e.actor)}`,
  severity: 'medium',
  description:
    'A login profile (console password) was created for an IAM user. Giving console access to a ' +
    'service user, or to a user an attacker controls, opens an interactive path into the account.',
  runbook: [
    '1. Check whether the user is a person who should use the console, or a service user that never should.',
    '2. Confirm with the actor; check that MFA gets enrolled for the user.',
    '3. If unexpected: DeleteLoginProfile, and review the actor for compromise.',
  ].join('\n'),
  references: [
    apiReference.iam('CreateLoginProfile'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_admin-change-user.html',
    attackReference(ATTACK.additionalCloudCredentials),
  ],
  mitre: [ATTACK.additionalCloudCredentials],
  falsePositives: ['Onboarding of people who still use IAM users instead of Identity Center.'],
  trigger: { sources: ['aws.iam'], eventNames: ['CreateLoginProfile'] },
  match: (e) => succeeded(e) && !!e.target,
});
