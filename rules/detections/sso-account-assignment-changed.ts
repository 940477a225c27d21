import { lastArnSegment } from '../arn';
import type { NormalisedEvent } from '../types';
import { ATTACK, actorLabel, apiReference, defineDetection, requestText, succeeded } from './define';

function principalOf(e: NormalisedEvent): string {
  const type = requestText(e, 'principalType')?.toLowerCase() ?? 'principal';
  return `${type} ${requestText(e, 'principalId') ?? 'unknown'}`;
}

function permissionSetOf(e: NormalisedEvent): string {
  const arn = requestText(e, 'permissionSetArn');
  return lastArnSegment(arn) ?? 'unknown';
}

/** Who gets which permission set in which account changed. */
export const ssoAccountAssignmentChanged = defineDetection({
  id: 'sso-account-assignment-changed',
  title: (e) =>
    e.eventName === 'CreateAccountAssignment'
      ? `Identity Center ${principalOf(e)} given permission set ${permissionSetOf(e)} in account ${e.target?.accountId ?? requestText(e, 'targetId') ?? 'unknown'} by ${actorLabel(e.actor)}`
      : `Identity Center ${principalOf(e)} lost permission set ${permissionSetOf(e)} in account ${e.target?.accountId ?? requestText(e, 'targetId') ?? 'unknown'} (by ${actorLabel(e.actor)})`,
  severity: 'medium',
  description:
    'An IAM Identity Center account assignment was created or deleted: a user or group gained or lost a ' +
    'permission set in an account. Gaining an admin permission set in the management account is the ' +
    'most sensitive case.',
  runbook: [
    'Resolve the principal id to a user or group (identitystore DescribeUser/DescribeGroup) and the permission set to its name.',
    'Confirm with the access request; pay special attention to admin permission sets and the management account.',
    'If unexpected: delete the assignment and review what the principal did in the account since.',
  ],
  references: [
    apiReference.ssoAdmin('CreateAccountAssignment'),
    apiReference.ssoAdmin('DeleteAccountAssignment'),
    'https://docs.aws.amazon.com/singlesignon/latest/userguide/useraccess.html',
  ],
  mitre: [ATTACK.additionalCloudRoles],
  falsePositives: ['Routine access requests and joiner/mover/leaver automation.'],
  trigger: { sources: ['aws.sso'], eventNames: ['CreateAccountAssignment', 'DeleteAccountAssignment'] },
  match: (e) => succeeded(e),
});
