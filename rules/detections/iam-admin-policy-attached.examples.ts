import { actors, defineExamples, iamCall } from '../examples';
import { iamAdminPolicyAttached } from './iam-admin-policy-attached';

export const iamAdminPolicyAttachedExamples = defineExamples(iamAdminPolicyAttached, [
  {
    name: 'AdministratorAccess attached to a user',
    expect: true,
    severity: 'critical',
    event: iamCall('AttachUserPolicy', {
      request: { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    }),
  },
  {
    name: 'IAMFullAccess attached to a group',
    expect: true,
    severity: 'critical',
    event: iamCall('AttachGroupPolicy', {
      request: { groupName: 'developers', policyArn: 'arn:aws:iam::aws:policy/IAMFullAccess' },
    }),
  },
  {
    name: 'AdministratorAccess attached to a role',
    expect: true,
    severity: 'high',
    event: iamCall('AttachRolePolicy', {
      request: { roleName: 'ci', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    }),
  },
  {
    name: 'AdministratorAccess attached to a role by CloudFormation is lowered one step',
    expect: true,
    severity: 'medium',
    event: iamCall('AttachRolePolicy', {
      actor: actors.cloudformation,
      request: { roleName: 'ci', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    }),
  },
  {
    name: 'ReadOnlyAccess is not admin (near miss)',
    expect: false,
    event: iamCall('AttachUserPolicy', {
      request: { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
    }),
  },
  {
    name: 'a customer policy merely named AdministratorAccess is not the AWS managed one',
    expect: false,
    event: iamCall('AttachUserPolicy', {
      request: { userName: 'bob', policyArn: 'arn:aws:iam::111122223333:policy/AdministratorAccess' },
    }),
  },
  {
    name: 'refused attach of AdministratorAccess',
    expect: false,
    event: iamCall('AttachUserPolicy', {
      actor: actors.bob,
      request: { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      errorCode: 'AccessDenied',
    }),
  },
]);
