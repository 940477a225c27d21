import { apiCall, defineExamples, identityStoreCall } from '../examples';
import { identityCenterUserCreated } from './identity-center-user-created';

export const identityCenterUserCreatedExamples = defineExamples(identityCenterUserCreated, [
  {
    name: 'alice creates an Identity Center user',
    expect: true,
    event: identityStoreCall('CreateUser', {
      request: { identityStoreId: 'd-906791299c', userName: 'carol', displayName: 'Carol Example' },
      response: { identityStoreId: 'd-906791299c', userId: '94e80458-9021-70ea-08fa-c3a10a1d8a92' },
    }),
  },
  {
    name: 'a user created through the legacy sso-directory API',
    expect: true,
    event: apiCall('sso-directory.amazonaws.com', 'CreateUser', {
      request: { identityStoreId: 'd-906791299c', userName: 'dave' },
    }),
  },
  {
    name: 'a user name that already exists (near miss)',
    expect: false,
    event: identityStoreCall('CreateUser', {
      request: { identityStoreId: 'd-906791299c', userName: 'carol' },
      errorCode: 'ConflictException',
    }),
  },
]);
