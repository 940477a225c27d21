import {
  ATTACK,
  actorLabel,
  apiReference,
  defineDetection,
  requestNumber,
  succeeded,
  targetLabel,
} from './define';

/** How long a role's sessions may last changed (longer sessions outlive revocation efforts). */
export const iamRoleSessionDurationChanged = defineDetection({
  id: 'iam-role-session-duration-changed',
  title: (e) => {
    const seconds = requestNumber(e, 'maxSessionDuration');
    const hours = seconds === undefined ? '' : ` to ${Math.round((seconds / 3600) * 10) / 10} h`;
    return `Maximum session duration of role ${targetLabel(e.target)} changed${hours} by ${actorLabel(e.actor)}`;
  },
  severity: 'low',
  description:
    "A role's maximum session duration was changed (up to 12 hours). Longer sessions keep stolen " +
    'temporary credentials useful for longer.',
  runbook: [
    'Check the new duration and whether the role is privileged.',
    'Confirm the change with the role owner; revert with UpdateRole if unexpected.',
  ],
  references: [
    apiReference.iam('UpdateRole'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-role-settings.html',
  ],
  mitre: [ATTACK.accountManipulation],
  falsePositives: ['Teams extending session length for long-running jobs.'],
  trigger: { sources: ['aws.iam'], eventNames: ['UpdateRole'] },
  match: (e) => succeeded(e) && e.request.maxSessionDuration !== undefined,
});
