import { actors, defineExamples, iamCall, trustPolicy } from '../examples';
import { iamRoleTrustPolicyChanged } from './iam-role-trust-policy-changed';

export const iamRoleTrustPolicyChangedExamples = defineExamples(iamRoleTrustPolicyChanged, [
  {
    name: 'alice adds EC2 to a role trust',
    expect: true,
    event: iamCall('UpdateAssumeRolePolicy', {
      request: { roleName: 'app', policyDocument: trustPolicy({ Service: 'ec2.amazonaws.com' }) },
    }),
  },
  {
    name: 'malformed trust policy rejected (near miss)',
    expect: false,
    event: iamCall('UpdateAssumeRolePolicy', {
      actor: actors.sso,
      request: { roleName: 'app', policyDocument: '{"Statement":' },
      errorCode: 'MalformedPolicyDocument',
    }),
  },
]);
