import { actors, assumedRole, defineExamples, iamCall } from '../examples';
import { iamUserCreated } from './iam-user-created';

export const iamUserCreatedExamples = defineExamples(iamUserCreated, [
  {
    name: 'alice creates user bob',
    expect: true,
    severity: 'medium',
    event: iamCall('CreateUser', {
      request: { userName: 'bob' },
      response: {
        user: {
          userName: 'bob',
          path: '/',
          arn: 'arn:aws:iam::111122223333:user/bob',
          userId: 'AIDABOBEXAMPLE',
        },
      },
    }),
  },
  {
    name: 'an SSO administrator creates a user under a path',
    expect: true,
    event: iamCall('CreateUser', {
      actor: actors.sso,
      request: { userName: 'svc-deploy', path: '/service/' },
    }),
  },
  {
    name: 'refused CreateUser is not a new user (iam-write-denied fires instead)',
    expect: false,
    event: iamCall('CreateUser', {
      actor: actors.bob,
      request: { userName: 'backdoor' },
      errorCode: 'AccessDenied',
    }),
  },
  {
    name: 'failed CreateUser (user already exists) is not a new user',
    expect: false,
    event: iamCall('CreateUser', {
      actor: assumedRole('tester', 'tester'),
      request: { userName: 'bob' },
      errorCode: 'EntityAlreadyExists',
    }),
  },
]);
