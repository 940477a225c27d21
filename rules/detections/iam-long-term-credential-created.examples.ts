import { defineExamples, iamCall } from '../examples';
import { iamLongTermCredentialCreated } from './iam-long-term-credential-created';

export const iamLongTermCredentialCreatedExamples = defineExamples(iamLongTermCredentialCreated, [
  {
    name: 'alice adds an SSH key to bob',
    expect: true,
    event: iamCall('UploadSSHPublicKey', {
      request: { userName: 'bob', sSHPublicKeyBody: 'ssh-ed25519 AAAA…' },
    }),
  },
  {
    name: 'alice creates a Bedrock API key for herself',
    expect: true,
    event: iamCall('CreateServiceSpecificCredential', {
      request: { userName: 'alice', serviceName: 'bedrock.amazonaws.com' },
    }),
  },
  {
    name: 'malformed certificate upload fails (near miss)',
    expect: false,
    event: iamCall('UploadSigningCertificate', {
      request: { certificateBody: 'garbage' },
      errorCode: 'MalformedCertificate',
    }),
  },
]);
