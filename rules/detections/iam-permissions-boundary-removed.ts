import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

/** A permissions boundary taken off a user or role: its ceiling is gone. */
export const iamPermissionsBoundaryRemoved = defineDetection({
  id: 'iam-permissions-boundary-removed',
  title: (e) =>
    `Permissions boundary removed from ${e.target?.type ?? 'principal'} ${targetLabel(e.target)} by ${actorLabel(e.actor)}`,
  severity: 'high',
  description:
    'The permissions boundary of a user or role was deleted. Boundaries cap what a principal can do ' +
    'whatever its policies say; removing one can turn delegated, limited administration into full admin.',
  runbook: [
    'Find out which boundary was removed (the previous Put*PermissionsBoundary in the ledger) and what it prevented.',
    'Confirm with the owner of the delegated-administration setup.',
    'If unexpected: put the boundary back (PutUserPermissionsBoundary/PutRolePermissionsBoundary) and investigate the actor.',
  ],
  references: [
    apiReference.iam('DeleteRolePermissionsBoundary'),
    apiReference.iam('DeleteUserPermissionsBoundary'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html',
  ],
  mitre: [ATTACK.additionalCloudRoles],
  falsePositives: ['Platform teams replacing a boundary (delete then put) during a migration.'],
  trigger: {
    sources: ['aws.iam'],
    eventNames: ['DeleteUserPermissionsBoundary', 'DeleteRolePermissionsBoundary'],
  },
  match: (e) => succeeded(e),
});
