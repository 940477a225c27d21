import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

/** An IAM user removed: usually housekeeping, occasionally an attacker covering tracks or locking people out. */
export const iamUserDeleted = defineDetection({
  id: 'iam-user-deleted',
  title: (e) => `IAM user ${targetLabel(e.target)} deleted by ${actorLabel(e.actor)}`,
  severity: 'low',
  description:
    'An IAM user was deleted. Normally offboarding; after a compromise it can remove a backdoor user ' +
    'the attacker created, or lock legitimate administrators out.',
  runbook: [
    'Check that the deletion matches an offboarding or cleanup request.',
    'Use `iamwatch history --target <user>` to see who created the user and what it did.',
    'If the user was an administrator or break-glass account, confirm that access is still possible.',
  ],
  references: [apiReference.iam('DeleteUser')],
  mitre: [ATTACK.accountAccessRemoval],
  falsePositives: ['Offboarding and cleanup of unused users.', 'Stacks deleting the users they created.'],
  trigger: { sources: ['aws.iam'], eventNames: ['DeleteUser'] },
  match: (e) => succeeded(e) && !!e.target,
});
