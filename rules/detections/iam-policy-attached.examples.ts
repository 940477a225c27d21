import { actors, defineExamples, iamCall } from '../examples';
import { iamPolicyAttached } from './iam-policy-attached';

export const iamPolicyAttachedExamples = defineExamples(iamPolicyAttached, [
  {
    name: 'ReadOnlyAccess attached to bob',
    expect: true,
    event: iamCall('AttachUserPolicy', {
      request: { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
    }),
  },
  {
    name: 'AdministratorAccess is reported by iam-admin-policy-attached instead (near miss)',
    expect: false,
    event: iamCall('AttachRolePolicy', {
      actor: actors.sso,
      request: { roleName: 'ci', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    }),
  },
  {
    name: 'attach of a missing policy fails',
    expect: false,
    event: iamCall('AttachRolePolicy', {
      actor: actors.cloudformation,
      request: { roleName: 'LambdaFunctionRole-1111', policyArn: 'arn:aws:iam::aws:policy/example-policy' },
      errorCode: 'NoSuchEntity',
    }),
  },
]);
