import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

/** A new IAM user: long-term identities are rare in a well-run organization and a classic persistence step. */
export const iamUserCreated = defineDetection({
  id: 'iam-user-created',
  title: (e) => `IAM user ${targetLabel(e.target)} created by ${actorLabel(e.actor)}`,
  severity: 'medium',
  description:
    'A new IAM user was created. IAM users carry long-term credentials (passwords, access keys) and ' +
    'outlive the session that created them, which makes them a favourite persistence mechanism.',
  runbook: [
    'Confirm with the actor (or their team) that the user was expected; check the change ticket.',
    'Look in the ledger for what followed on the same target: access keys, login profile, policies, group membership.',
    'If unexpected: deactivate any access keys, delete the login profile, detach policies, then delete the user.',
    "Treat the actor's credentials as compromised if they did not make the change: revoke sessions, rotate keys.",
  ],
  references: [
    apiReference.iam('CreateUser'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_create.html',
  ],
  mitre: [ATTACK.createCloudAccount],
  falsePositives: [
    'Onboarding of break-glass or service users by the platform team.',
    'Infrastructure-as-code deployments creating users (labelled automation and lowered one step).',
  ],
  trigger: { sources: ['aws.iam'], eventNames: ['CreateUser'] },
  match: (e) => succeeded(e) && !!e.target,
});
