import { actors, defineExamples, iamCall } from '../examples';
import { iamPasswordPolicyChanged } from './iam-password-policy-changed';

export const iamPasswordPolicyChangedExamples = defineExamples(iamPasswordPolicyChanged, [
  {
    name: 'weak policy (length 6, no reuse prevention) set by root',
    expect: true,
    severity: 'high',
    event: iamCall('UpdateAccountPasswordPolicy', {
      actor: actors.root,
      request: { minimumPasswordLength: 6, requireSymbols: false, allowUsersToChangePassword: true },
    }),
  },
  {
    name: 'policy at the CIS baseline',
    expect: true,
    severity: 'medium',
    event: iamCall('UpdateAccountPasswordPolicy', {
      request: { minimumPasswordLength: 14, passwordReusePrevention: 24, requireSymbols: true },
    }),
  },
  {
    name: 'rejected policy (length out of range) changes nothing (near miss)',
    expect: false,
    event: iamCall('UpdateAccountPasswordPolicy', {
      request: { minimumPasswordLength: 200 },
      errorCode: 'ValidationException',
    }),
  },
]);
