import { isSamePrincipal } from '../target';
import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

/**
 * Someone mints an access key for a different user: the textbook way to keep access through
 * another identity. The target is the key's user; an assumed-role session is never that user,
 * whatever its session name (the comparison Sigma's rule got wrong).
 */
export const iamAccessKeyCreatedForAnotherUser = defineDetection({
  id: 'iam-access-key-created-for-another-user',
  title: (e) => `Access key created for ${targetLabel(e.target)} by ${actorLabel(e.actor)}`,
  severity: 'high',
  description:
    'An access key was created for an IAM user by a different principal. Attackers with IAM rights ' +
    'mint keys for existing (often privileged or dormant) users to keep access that survives the ' +
    'loss of their original foothold.',
  runbook: [
    'Ask the actor why they created a key for this user; keys for service users should come from the pipeline that owns them.',
    'Check whether the target user is privileged and whether the key has been used since (GetAccessKeyLastUsed).',
    'If unexpected: deactivate and delete the new key, then investigate the actor as compromised.',
  ],
  references: [
    apiReference.iam('CreateAccessKey'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
  ],
  mitre: [ATTACK.additionalCloudCredentials, ATTACK.accountManipulation],
  falsePositives: [
    'Administrators provisioning keys for service users (prefer automation principals, which are labelled).',
  ],
  trigger: { sources: ['aws.iam'], eventNames: ['CreateAccessKey'] },
  match: (e) => succeeded(e) && e.target?.type === 'user' && !isSamePrincipal(e.actor, e.target),
});
