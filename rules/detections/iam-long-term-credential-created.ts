import {
  ATTACK,
  actorLabel,
  apiReference,
  defineDetection,
  requestText,
  succeeded,
  targetLabel,
} from './define';

const KIND: Readonly<Record<string, string>> = {
  UploadSSHPublicKey: 'SSH public key',
  CreateServiceSpecificCredential: 'Service-specific credential',
  UploadSigningCertificate: 'Signing certificate',
};

/** Credentials other than access keys and passwords: SSH keys, service-specific credentials, signing certificates. */
export const iamLongTermCredentialCreated = defineDetection({
  id: 'iam-long-term-credential-created',
  title: (e) => {
    const service = requestText(e, 'serviceName');
    const kind = KIND[e.eventName] ?? 'Credential';
    return `${kind}${service ? ` for ${service}` : ''} added to ${targetLabel(e.target)} by ${actorLabel(e.actor)}`;
  },
  severity: 'medium',
  description:
    'A long-term credential other than an access key was added to an IAM user: an SSH public key ' +
    '(CodeCommit), a service-specific credential (CodeCommit, Keyspaces, Bedrock API keys) or an X.509 ' +
    'signing certificate. These are easy to overlook in key rotation and audits.',
  runbook: [
    'Confirm the user needs this credential type and that the owner added it.',
    'If unexpected: delete it (DeleteSSHPublicKey, DeleteServiceSpecificCredential, DeleteSigningCertificate) and investigate the actor.',
  ],
  references: [
    apiReference.iam('UploadSSHPublicKey'),
    apiReference.iam('CreateServiceSpecificCredential'),
    apiReference.iam('UploadSigningCertificate'),
  ],
  mitre: [ATTACK.additionalCloudCredentials],
  falsePositives: ['Developers setting up CodeCommit over SSH or HTTPS Git credentials.'],
  trigger: {
    sources: ['aws.iam'],
    eventNames: ['UploadSSHPublicKey', 'CreateServiceSpecificCredential', 'UploadSigningCertificate'],
  },
  match: (e) => succeeded(e),
});
