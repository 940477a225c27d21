import { actors, defineExamples, iamCall } from '../examples';
import { iamUserDeleted } from './iam-user-deleted';

export const iamUserDeletedExamples = defineExamples(iamUserDeleted, [
  {
    name: 'alice deletes bob',
    expect: true,
    event: iamCall('DeleteUser', { request: { userName: 'bob' } }),
  },
  {
    name: 'delete refused because bob still has keys',
    expect: false,
    event: iamCall('DeleteUser', {
      actor: actors.sso,
      request: { userName: 'bob' },
      errorCode: 'DeleteConflict',
    }),
  },
]);
