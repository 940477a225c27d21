import { defineExamples, iamCall } from '../examples';
import { iamRoleSessionDurationChanged } from './iam-role-session-duration-changed';

export const iamRoleSessionDurationChangedExamples = defineExamples(iamRoleSessionDurationChanged, [
  {
    name: 'session duration raised to 12 hours',
    expect: true,
    event: iamCall('UpdateRole', { request: { roleName: 'admin', maxSessionDuration: 43200 } }),
  },
  {
    name: 'only the description changed (near miss)',
    expect: false,
    event: iamCall('UpdateRole', { request: { roleName: 'admin', description: 'Administrators' } }),
  },
]);
