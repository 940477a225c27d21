import { actors, assumedRole, defineExamples, iamCall, orgCall, ssoCall } from '../examples';
import { iamWriteDenied } from './iam-write-denied';

export const iamWriteDeniedExamples = defineExamples(iamWriteDenied, [
  {
    name: 'a stolen instance-role session tries to create a user',
    expect: true,
    event: iamCall('CreateUser', {
      actor: assumedRole('web-app', 'i-0abcdef1234567890'),
      request: { userName: 'backdoor' },
      errorCode: 'AccessDenied',
    }),
  },
  {
    name: 'LeaveOrganization blocked by an SCP',
    expect: true,
    event: orgCall('LeaveOrganization', {
      actor: assumedRole('admin', 'mallory'),
      errorCode: 'AccessDenied',
    }),
  },
  {
    name: 'an Identity Center write refused',
    expect: true,
    event: ssoCall('CreateAccountAssignment', { actor: actors.bob, errorCode: 'AccessDeniedException' }),
  },
  {
    name: 'a failure for another reason (entity exists) is not a denial (near miss)',
    expect: false,
    event: iamCall('CreateUser', { request: { userName: 'bob' }, errorCode: 'EntityAlreadyExists' }),
  },
  {
    name: 'a successful write',
    expect: false,
    event: iamCall('TagUser', { request: { userName: 'bob', tags: [{ key: 'team', value: 'payments' }] } }),
  },
]);
