import { describe } from 'vitest';
import { HIDDEN_VALUE } from '../../../rules/target';
import { itExtractsTargets, type TargetCase } from './support';

const PS_ARN = 'arn:aws:sso:::permissionSet/ssoins-72233af8ea2d1f14/ps-ae5d1fa1f80b684e';

const CASES: Record<string, TargetCase> = {
  'aws.sso CreatePermissionSet': {
    options: {
      request: { name: 'Admin', instanceArn: 'arn:aws:sso:::instance/ssoins-1' },
      response: { permissionSet: { name: 'Admin', permissionSetArn: PS_ARN } },
    },
    target: { type: 'permission-set', name: 'Admin', arn: PS_ARN },
  },
  'aws.sso UpdatePermissionSet': psCase(),
  'aws.sso DeletePermissionSet': psCase(),
  'aws.sso AttachManagedPolicyToPermissionSet': {
    ...psCase({ managedPolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
    policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
  },
  'aws.sso DetachManagedPolicyFromPermissionSet': {
    ...psCase({ managedPolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
    policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
  },
  'aws.sso PutInlinePolicyToPermissionSet': psCase({ inlinePolicy: '{}' }),
  'aws.sso DeleteInlinePolicyFromPermissionSet': psCase(),
  'aws.sso AttachCustomerManagedPolicyReferenceToPermissionSet': psCase({
    customerManagedPolicyReference: { name: 'deploy', path: '/' },
  }),
  'aws.sso DetachCustomerManagedPolicyReferenceFromPermissionSet': psCase({
    customerManagedPolicyReference: { name: 'deploy', path: '/' },
  }),
  'aws.sso PutPermissionsBoundaryToPermissionSet': {
    ...psCase({ permissionsBoundary: { managedPolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' } }),
    policyArn: 'arn:aws:iam::aws:policy/PowerUserAccess',
  },
  'aws.sso DeletePermissionsBoundaryFromPermissionSet': psCase(),
  'aws.sso CreateAccountAssignment': {
    options: {
      request: {
        targetId: '444455556666',
        targetType: 'AWS_ACCOUNT',
        permissionSetArn: PS_ARN,
        principalType: 'GROUP',
        principalId: '34887428-4081-7042-c3c6-928d413009e7',
      },
    },
    target: {
      type: 'account-assignment',
      name: '34887428-4081-7042-c3c6-928d413009e7',
      accountId: '444455556666',
    },
  },
  'aws.sso DeleteAccountAssignment': {
    options: {
      request: {
        targetId: '444455556666',
        permissionSetArn: PS_ARN,
        principalType: 'USER',
        principalId: 'u-1',
      },
    },
    target: { type: 'account-assignment', name: 'u-1', accountId: '444455556666' },
  },
  'aws.identitystore CreateUser': {
    options: {
      request: { identityStoreId: 'd-1', userName: 'carol', displayName: 'Carol' },
      response: { userId: 'uid-1', identityStoreId: 'd-1' },
    },
    target: { type: 'identity-center-user', name: 'carol' },
  },
  'aws.sso-directory CreateUser': {
    // Identity Center hides some values; the user id in the response still names the user.
    options: {
      request: { identityStoreId: 'd-1', userName: HIDDEN_VALUE },
      response: { user: { userId: 'uid-2' } },
    },
    target: { type: 'identity-center-user', name: 'uid-2' },
  },
};

function psCase(extra: Record<string, unknown> = {}): TargetCase {
  return {
    options: {
      request: { instanceArn: 'arn:aws:sso:::instance/ssoins-1', permissionSetArn: PS_ARN, ...extra },
    },
    target: { type: 'permission-set', name: 'ps-ae5d1fa1f80b684e', arn: PS_ARN },
  };
}

describe('Identity Center targets', () => {
  itExtractsTargets(['aws.sso', 'aws.identitystore', 'aws.sso-directory'], CASES);
});
