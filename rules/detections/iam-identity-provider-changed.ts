import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

const PROVIDER_CALLS = [
  'CreateSAMLProvider',
  'UpdateSAMLProvider',
  'DeleteSAMLProvider',
  'CreateOpenIDConnectProvider',
  'DeleteOpenIDConnectProvider',
  'AddClientIDToOpenIDConnectProvider',
  'RemoveClientIDFromOpenIDConnectProvider',
  'UpdateOpenIDConnectProviderThumbprint',
];

/** A SAML or OIDC identity provider changed: whoever controls it can mint sessions for roles that trust it. */
export const iamIdentityProviderChanged = defineDetection({
  id: 'iam-identity-provider-changed',
  title: (e) => `${e.eventName} on ${targetLabel(e.target)} by ${actorLabel(e.actor)}`,
  severity: 'high',
  description:
    'A SAML or OpenID Connect identity provider was created, updated or deleted, or its client ids or ' +
    'thumbprints changed. An attacker-controlled provider (or metadata) can sign assertions that roles ' +
    'trusting the provider accept: a persistent, credential-less way in ("Golden SAML").',
  runbook: [
    "Check the provider metadata / URL against the identity team's records.",
    'List roles whose trust policy references the provider.',
    'If unexpected: delete or restore the provider and review AssumeRoleWithSAML / AssumeRoleWithWebIdentity calls since.',
  ],
  references: [
    apiReference.iam('CreateSAMLProvider'),
    apiReference.iam('CreateOpenIDConnectProvider'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers.html',
  ],
  mitre: [ATTACK.trustModification, ATTACK.samlTokens],
  falsePositives: [
    'IAM Identity Center managing its AWSSSO_…_DO_NOT_DELETE SAML provider.',
    'CI providers (token.actions.githubusercontent.com) set up by the platform team.',
  ],
  trigger: { sources: ['aws.iam'], eventNames: PROVIDER_CALLS },
  match: (e) => succeeded(e),
});
