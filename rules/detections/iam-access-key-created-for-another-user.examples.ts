import { actors, assumedRole, defineExamples, iamCall } from '../examples';
import { iamAccessKeyCreatedForAnotherUser } from './iam-access-key-created-for-another-user';

export const iamAccessKeyCreatedForAnotherUserExamples = defineExamples(iamAccessKeyCreatedForAnotherUser, [
  {
    name: 'alice mints a key for bob',
    expect: true,
    severity: 'high',
    event: iamCall('CreateAccessKey', {
      actor: actors.alice,
      request: { userName: 'bob' },
      response: { accessKey: { userName: 'bob', accessKeyId: 'AKIANEWBOBKEY', status: 'Active' } },
    }),
  },
  {
    name: 'a role session named "bob" mints a key for IAM user bob: different principals',
    expect: true,
    event: iamCall('CreateAccessKey', { actor: actors.bobRoleSession, request: { userName: 'bob' } }),
  },
  {
    name: 'bob mints his own key (near miss)',
    expect: false,
    event: iamCall('CreateAccessKey', { actor: actors.bob, request: { userName: 'bob' } }),
  },
  {
    name: 'bob mints his own key spelling his name in another case (IAM names are case-insensitive)',
    expect: false,
    event: iamCall('CreateAccessKey', { actor: actors.bob, request: { userName: 'Bob' } }),
  },
  {
    name: 'bob mints his own key without naming himself',
    expect: false,
    event: iamCall('CreateAccessKey', { actor: actors.bob }),
  },
  {
    name: 'refused attempt for another user',
    expect: false,
    event: iamCall('CreateAccessKey', {
      actor: assumedRole('intruder', 'i-0abc'),
      request: { userName: 'bob' },
      errorCode: 'AccessDenied',
    }),
  },
]);
