import { actors, defineExamples, policyJson, ssoCall } from '../examples';
import { ssoPermissionSetChanged } from './sso-permission-set-changed';

export const ssoPermissionSetChangedExamples = defineExamples(ssoPermissionSetChanged, [
  {
    name: 'AdministratorAccess attached to a permission set',
    expect: true,
    severity: 'high',
    event: ssoCall('AttachManagedPolicyToPermissionSet', {
      actor: actors.sso,
      request: {
        instanceArn: 'arn:aws:sso:::instance/ssoins-72233af8ea2d1f14',
        permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-72233af8ea2d1f14/ps-ae5d1fa1f80b684e',
        managedPolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      },
    }),
  },
  {
    name: 'an inline admin policy on a permission set',
    expect: true,
    severity: 'high',
    event: ssoCall('PutInlinePolicyToPermissionSet', {
      request: {
        permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-72233af8ea2d1f14/ps-ae5d1fa1f80b684e',
        inlinePolicy: policyJson([{ Effect: 'Allow', Action: '*', Resource: '*' }]),
      },
    }),
  },
  {
    name: 'a new permission set',
    expect: true,
    severity: 'medium',
    event: ssoCall('CreatePermissionSet', {
      request: {
        name: 'ReadOnly',
        instanceArn: 'arn:aws:sso:::instance/ssoins-72233af8ea2d1f14',
        sessionDuration: 'PT8H',
      },
      response: {
        permissionSet: {
          name: 'ReadOnly',
          permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-72233af8ea2d1f14/ps-0123456789abcdef',
        },
      },
    }),
  },
  {
    name: 'a conflicting update fails (near miss)',
    expect: false,
    event: ssoCall('UpdatePermissionSet', {
      request: {
        permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-72233af8ea2d1f14/ps-ae5d1fa1f80b684e',
      },
      errorCode: 'ConflictException',
    }),
  },
]);
