import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

/** A new account joins the organization (created, or invited from outside). */
export const orgAccountCreatedOrInvited = defineDetection({
  id: 'org-account-created-or-invited',
  title: (e) =>
    e.eventName === 'InviteAccountToOrganization'
      ? `Account ${targetLabel(e.target)} invited to the organization by ${actorLabel(e.actor)}`
      : `Account ${targetLabel(e.target)} created in the organization by ${actorLabel(e.actor)}`,
  severity: 'medium',
  description:
    'A member account was created or an outside account was invited to join the organization. New ' +
    'accounts come with an administrator role trusted by the management account, and an invited account ' +
    'brings whatever is already inside it.',
  runbook: [
    'Match the account with an account-vending request.',
    'Check that the forwarder StackSet deployed iamwatch to it (`iamwatch doctor`).',
    'If unexpected: cancel the handshake (invites) or suspend/close the account, and investigate the actor.',
  ],
  references: [
    apiReference.organizations('CreateAccount'),
    apiReference.organizations('InviteAccountToOrganization'),
  ],
  mitre: [ATTACK.modifyCloudResourceHierarchy, ATTACK.createCloudAccount],
  falsePositives: ['Account vending machines (Control Tower Account Factory, AFT).'],
  trigger: {
    sources: ['aws.organizations'],
    eventNames: ['CreateAccount', 'CreateGovCloudAccount', 'InviteAccountToOrganization'],
  },
  match: (e) => succeeded(e),
});
