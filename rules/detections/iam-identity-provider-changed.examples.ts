import { actors, defineExamples, iamCall } from '../examples';
import { iamIdentityProviderChanged } from './iam-identity-provider-changed';

export const iamIdentityProviderChangedExamples = defineExamples(iamIdentityProviderChanged, [
  {
    name: 'a new SAML provider',
    expect: true,
    event: iamCall('CreateSAMLProvider', {
      request: { name: 'okta', sAMLMetadataDocument: '<EntityDescriptor/>' },
      response: { sAMLProviderArn: 'arn:aws:iam::111122223333:saml-provider/okta' },
    }),
  },
  {
    name: 'a new OIDC thumbprint',
    expect: true,
    event: iamCall('UpdateOpenIDConnectProviderThumbprint', {
      actor: actors.sso,
      request: {
        openIDConnectProviderArn:
          'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
        thumbprintList: ['6938fd4d98bab03faadb97b34396831e3780aea1'],
      },
    }),
  },
  {
    name: 'a provider that already exists (near miss)',
    expect: false,
    event: iamCall('CreateOpenIDConnectProvider', {
      request: { url: 'https://token.actions.githubusercontent.com' },
      errorCode: 'EntityAlreadyExists',
    }),
  },
]);
