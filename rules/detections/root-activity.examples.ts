import { actors, defineExamples, iamCall, orgCall, rootUser, signinEvent } from '../examples';
import { rootActivity } from './root-activity';

export const rootActivityExamples = defineExamples(rootActivity, [
  {
    name: 'root attaches an SCP',
    expect: true,
    severity: 'high',
    event: orgCall('AttachPolicy', {
      actor: actors.root,
      request: { policyId: 'p-examplepolicy', targetId: '444455556666' },
    }),
  },
  {
    name: 'root enables an MFA device',
    expect: true,
    event: iamCall('EnableMFADevice', {
      actor: rootUser(),
      request: {
        userName: 'AWS ROOT USER',
        serialNumber: 'arn:aws:iam::111122223333:mfa/root-account-mfa-device',
      },
    }),
  },
  {
    name: 'root changes its password in the console (a sign-in event, not an API call)',
    expect: true,
    event: signinEvent('PasswordUpdated', { actor: rootUser(), mfaUsed: undefined }),
  },
  {
    name: 'root signing out is the end of a sign-in, not activity',
    expect: false,
    event: signinEvent('ConsoleLogout', { actor: rootUser(), mfaUsed: undefined }),
  },
  {
    name: 'root reading (ListUsers) is not activity worth an alert (near miss)',
    expect: false,
    event: iamCall('ListUsers', { actor: actors.root, readOnly: true }),
  },
  {
    name: 'Identity Center provisioning a role as root on the management account (invokedBy sso, near miss)',
    expect: false,
    event: iamCall('CreateRole', {
      actor: { ...rootUser(), invokedBy: 'sso.amazonaws.com' },
      request: {
        roleName: 'AWSReservedSSO_ReadOnly_0123456789abcdef',
        path: '/aws-reserved/sso.amazonaws.com/',
      },
    }),
  },
  {
    name: 'an AWS service event attributed to root',
    expect: false,
    event: iamCall('CreateServiceLinkedRole', { actor: actors.root, eventType: 'AwsServiceEvent' }),
  },
]);
