import type { NormalisedEvent } from '../types';
import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

/**
 * Paths IAM reserves for roles AWS manages on the customer's behalf (service-linked roles and
 * Identity Center's AWSReservedSSO_ roles); ordinary callers cannot create roles under them.
 */
const RESERVED_PATHS = ['/aws-service-role/', '/aws-reserved/'];

function isAwsManagedRole(e: NormalisedEvent): boolean {
  const path = e.request.path;
  return typeof path === 'string' && RESERVED_PATHS.some((reserved) => path.startsWith(reserved));
}

/** A new IAM role (not service-linked): a new identity that someone, somewhere, can assume. */
export const iamRoleCreated = defineDetection({
  id: 'iam-role-created',
  title: (e) => `IAM role ${targetLabel(e.target)} created by ${actorLabel(e.actor)}`,
  severity: 'low',
  description:
    'A new IAM role was created. Roles are how workloads and other accounts get access; a role with a ' +
    'permissive trust policy is a durable backdoor. Service-linked and Identity Center reserved roles, ' +
    'which AWS manages itself, are excluded.',
  runbook: [
    "Read the role's trust policy (who can assume it) and the policies attached right after (the ledger shows them).",
    'Confirm the role belongs to a known deployment or change request.',
    'If unexpected: delete or neuter the trust policy (UpdateAssumeRolePolicy to a Deny) and review AssumeRole calls.',
  ],
  references: [
    apiReference.iam('CreateRole'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html',
  ],
  mitre: [ATTACK.additionalCloudRoles],
  falsePositives: ['Infrastructure-as-code deployments creating roles for workloads (labelled automation).'],
  trigger: { sources: ['aws.iam'], eventNames: ['CreateRole'] },
  match: (e) => succeeded(e) && !!e.target && !isAwsManagedRole(e),
});
