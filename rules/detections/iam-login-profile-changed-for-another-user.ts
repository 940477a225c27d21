import { isSamePrincipal } from '../target';
import {
  ATTACK,
  actorLabel,
  apiReference,
  defineDetection,
  requestFlag,
  succeeded,
  targetLabel,
} from './define';

/**
 * Someone sets another user's console password. Without a forced reset the actor now knows a
 * working password of that user: account takeover. With a forced reset it is the usual help-desk
 * flow, still worth a look.
 */
export const iamLoginProfileChangedForAnotherUser = defineDetection({
  id: 'iam-login-profile-changed-for-another-user',
  title: (e) =>
    `Console password of ${targetLabel(e.target)} ${e.eventName === 'CreateLoginProfile' ? 'created' : 'changed'} by ${actorLabel(e.actor)}`,
  severity: 'high',
  severities: ['high', 'medium'],
  severityOf: (e) => (requestFlag(e, 'passwordResetRequired') === true ? 'medium' : 'high'),
  description:
    "A principal created or changed another IAM user's console password. Unless a reset is forced at " +
    "next sign-in, the actor knows the user's password and can sign in as them.",
  runbook: [
    'Contact the target user: did they ask for a reset? Can they still sign in?',
    'Check whether passwordResetRequired was set (medium) or not (high).',
    'If unexpected: set a new password with a forced reset through a trusted administrator, revoke the user sessions, investigate the actor.',
  ],
  references: [apiReference.iam('UpdateLoginProfile'), apiReference.iam('CreateLoginProfile')],
  mitre: [ATTACK.accountManipulation, ATTACK.additionalCloudCredentials],
  falsePositives: ['Help-desk password resets (normally with passwordResetRequired, hence medium).'],
  trigger: { sources: ['aws.iam'], eventNames: ['CreateLoginProfile', 'UpdateLoginProfile'] },
  match: (e) => succeeded(e) && e.target?.type === 'user' && !isSamePrincipal(e.actor, e.target),
});
