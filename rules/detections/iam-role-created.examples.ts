import { actors, awsService, defineExamples, iamCall, trustPolicy } from '../examples';
import { iamRoleCreated } from './iam-role-created';

export const iamRoleCreatedExamples = defineExamples(iamRoleCreated, [
  {
    name: 'alice creates a role for a workload',
    expect: true,
    event: iamCall('CreateRole', {
      request: {
        roleName: 'app-runner',
        assumeRolePolicyDocument: trustPolicy({ Service: 'ecs-tasks.amazonaws.com' }),
      },
      response: {
        role: { roleName: 'app-runner', path: '/', arn: 'arn:aws:iam::111122223333:role/app-runner' },
      },
    }),
  },
  {
    name: 'service-linked role created by an AWS service is not flagged (near miss)',
    expect: false,
    event: iamCall('CreateRole', {
      actor: awsService('sso.amazonaws.com'),
      request: {
        roleName: 'AWSServiceRoleForSSO',
        path: '/aws-service-role/sso.amazonaws.com/',
        assumeRolePolicyDocument: trustPolicy({ Service: 'sso.amazonaws.com' }),
      },
    }),
  },
  {
    name: 'Identity Center provisioning its reserved role is not flagged',
    expect: false,
    event: iamCall('CreateRole', {
      actor: { ...actors.root, invokedBy: 'sso.amazonaws.com' },
      request: {
        roleName: 'AWSReservedSSO_AdministratorAccess_c194f596bcea55cc',
        path: '/aws-reserved/sso.amazonaws.com/',
      },
    }),
  },
  {
    name: 'failed CreateRole',
    expect: false,
    event: iamCall('CreateRole', { request: { roleName: 'app-runner' }, errorCode: 'EntityAlreadyExists' }),
  },
]);
