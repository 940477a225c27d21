import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

/** A user created in the Identity Center directory (identity store or the legacy sso-directory API). */
export const identityCenterUserCreated = defineDetection({
  id: 'identity-center-user-created',
  title: (e) => `Identity Center user ${targetLabel(e.target)} created by ${actorLabel(e.actor)}`,
  severity: 'low',
  description:
    'A user was created in the IAM Identity Center directory. When the directory is fed by an external ' +
    'IdP (SCIM), users created by hand stand out; a new user plus an account assignment is a way in.',
  runbook: [
    'If users come from an external IdP via SCIM, ask why this one was created manually.',
    'Check for group memberships and account assignments that followed.',
    'If unexpected: disable or delete the user and investigate the actor.',
  ],
  references: [
    apiReference.identityStore('CreateUser'),
    'https://docs.aws.amazon.com/singlesignon/latest/userguide/addusers.html',
  ],
  mitre: [ATTACK.createCloudAccount],
  falsePositives: ['SCIM provisioning from the external IdP (its own principal; consider it automation).'],
  trigger: { sources: ['aws.identitystore', 'aws.sso-directory'], eventNames: ['CreateUser'] },
  match: (e) => succeeded(e),
});
