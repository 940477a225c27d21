import { isRootTarget } from '../target';
import { ATTACK, apiReference, defineDetection, isInvokedByService, succeeded } from './define';

/** The root user creates an access key for itself: unrestricted, un-scopable, long-term credentials. */
export const rootAccessKeyCreated = defineDetection({
  id: 'root-access-key-created',
  title: (e) => `Root access key created in account ${e.accountName ?? e.accountId}`,
  severity: 'critical',
  description:
    'An access key was created for the root user. Root keys cannot be limited by IAM policies and ' +
    'grant full control of the account; AWS and the CIS benchmark say root should have none.',
  runbook: [
    'Treat as an incident until the account owner confirms it; root keys are never needed for daily work.',
    "Delete the key from the root user's Security credentials page (sign in as root with MFA).",
    'Review root activity around the event (`iamwatch history --actor root --account <id>`), reset the root password, check MFA.',
  ],
  references: [
    apiReference.iam('CreateAccessKey'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_add-key.html',
  ],
  mitre: [ATTACK.additionalCloudCredentials, ATTACK.validCloudAccounts],
  falsePositives: ['Legacy tooling that still requires root keys (should be migrated, not tolerated).'],
  trigger: { sources: ['aws.iam'], eventNames: ['CreateAccessKey'] },
  match: (e) =>
    succeeded(e) &&
    e.actor.type === 'Root' &&
    !isInvokedByService(e.actor) &&
    !!e.target &&
    isRootTarget(e.target),
});
