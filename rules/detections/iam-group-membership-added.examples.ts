import { actors, defineExamples, iamCall } from '../examples';
import { iamGroupMembershipAdded } from './iam-group-membership-added';

export const iamGroupMembershipAddedExamples = defineExamples(iamGroupMembershipAdded, [
  {
    name: 'alice adds bob to admins',
    expect: true,
    event: iamCall('AddUserToGroup', { request: { userName: 'bob', groupName: 'admins' } }),
  },
  {
    name: 'refused AddUserToGroup',
    expect: false,
    event: iamCall('AddUserToGroup', {
      actor: actors.bob,
      request: { userName: 'bob', groupName: 'admins' },
      errorCode: 'AccessDenied',
    }),
  },
]);
