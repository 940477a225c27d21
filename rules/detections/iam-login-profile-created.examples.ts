import { actors, defineExamples, iamCall } from '../examples';
import { iamLoginProfileCreated } from './iam-login-profile-created';

export const iamLoginProfileCreatedExamples = defineExamples(iamLoginProfileCreated, [
  {
    name: 'alice gives bob a console password',
    expect: true,
    event: iamCall('CreateLoginProfile', {
      request: { userName: 'bob', passwordResetRequired: true },
      response: { loginProfile: { userName: 'bob', passwordResetRequired: true } },
    }),
  },
  {
    name: 'bob already has a login profile',
    expect: false,
    event: iamCall('CreateLoginProfile', {
      actor: actors.alice,
      request: { userName: 'bob', passwordResetRequired: true },
      errorCode: 'EntityAlreadyExists',
    }),
  },
]);
