import { actors, defineExamples, iamCall } from '../examples';
import { iamPermissionsBoundaryRemoved } from './iam-permissions-boundary-removed';

export const iamPermissionsBoundaryRemovedExamples = defineExamples(iamPermissionsBoundaryRemoved, [
  {
    name: 'an SSO administrator removes the boundary of a role',
    expect: true,
    event: iamCall('DeleteRolePermissionsBoundary', {
      actor: actors.sso,
      request: { roleName: 'App_test2' },
    }),
  },
  {
    name: 'boundary removal from a user',
    expect: true,
    event: iamCall('DeleteUserPermissionsBoundary', { request: { userName: 'bob' } }),
  },
  {
    name: 'refused boundary removal (near miss)',
    expect: false,
    event: iamCall('DeleteRolePermissionsBoundary', {
      actor: actors.bob,
      request: { roleName: 'App_test2' },
      errorCode: 'AccessDenied',
    }),
  },
]);
