import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

/** An account left (or was removed from) the organization: out of reach of SCPs and the org trail. */
export const orgAccountRemoved = defineDetection({
  id: 'org-account-removed',
  title: (e) =>
    e.eventName === 'LeaveOrganization'
      ? `Account ${e.accountName ?? e.accountId} left the organization (by ${actorLabel(e.actor)})`
      : `Account ${targetLabel(e.target)} removed from the organization by ${actorLabel(e.actor)}`,
  severity: 'critical',
  description:
    'A member account left the organization or was removed from it. It is no longer governed by SCPs, ' +
    'no longer logged by the organization trail and no longer watched by iamwatch: a classic way to ' +
    'escape guardrails or take an account away.',
  runbook: [
    'Confirm with the organization owners; account removal is rare and planned.',
    'If unexpected: contact AWS Support, regain control of the account (root password recovery to the registered email), and invite it back.',
    'Investigate the actor: LeaveOrganization needs organizations:LeaveOrganization in the member account.',
  ],
  references: [
    apiReference.organizations('LeaveOrganization'),
    apiReference.organizations('RemoveAccountFromOrganization'),
    'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_security_incident-response.html',
  ],
  mitre: [ATTACK.modifyCloudResourceHierarchy, ATTACK.disableCloudLogs],
  falsePositives: ['Planned divestments or account migrations between organizations.'],
  trigger: {
    sources: ['aws.organizations'],
    eventNames: ['LeaveOrganization', 'RemoveAccountFromOrganization'],
  },
  match: (e) => succeeded(e),
});
