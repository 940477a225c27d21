import {
  ATTACK,
  actorLabel,
  apiReference,
  defineDetection,
  requestText,
  succeeded,
  targetLabel,
} from './define';

/** A user joins an IAM group and inherits its policies. */
export const iamGroupMembershipAdded = defineDetection({
  id: 'iam-group-membership-added',
  title: (e) =>
    `IAM user ${targetLabel(e.target)} added to group ${requestText(e, 'groupName') ?? 'unknown'} by ${actorLabel(e.actor)}`,
  severity: 'low',
  description:
    "A user was added to an IAM group and now holds every permission of the group's policies. Adding a " +
    'user to an administrators group is a quiet way to escalate privileges.',
  runbook: [
    "Look up the group's attached and inline policies; is the user now an administrator?",
    'Confirm the change with the requester or the access-management ticket.',
    'If unexpected, remove the user from the group (RemoveUserFromGroup) and review what the user did since.',
  ],
  references: [apiReference.iam('AddUserToGroup')],
  mitre: [ATTACK.additionalCloudRoles],
  falsePositives: ['Routine access requests handled by administrators or identity automation.'],
  trigger: { sources: ['aws.iam'], eventNames: ['AddUserToGroup'] },
  match: (e) => succeeded(e) && !!e.target,
});
