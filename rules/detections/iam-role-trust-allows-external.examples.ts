import {
  defineExamples,
  EXAMPLE_EXTERNAL_ACCOUNT,
  EXAMPLE_ORG_ACCOUNT,
  iamCall,
  trustPolicy,
} from '../examples';
import { iamRoleTrustAllowsExternal } from './iam-role-trust-allows-external';

export const iamRoleTrustAllowsExternalExamples = defineExamples(iamRoleTrustAllowsExternal, [
  {
    name: 'trust to * without a condition',
    expect: true,
    severity: 'critical',
    event: iamCall('UpdateAssumeRolePolicy', {
      request: { roleName: 'app', policyDocument: trustPolicy('*') },
    }),
  },
  {
    name: 'trust to * held back only by an external id',
    expect: true,
    severity: 'high',
    event: iamCall('UpdateAssumeRolePolicy', {
      request: {
        roleName: 'app',
        policyDocument: trustPolicy('*', { StringEquals: { 'sts:ExternalId': '12345' } }),
      },
    }),
  },
  {
    name: 'new role trusting an account outside the organization',
    expect: true,
    severity: 'high',
    context: { organizationAccountIds: ['111122223333', EXAMPLE_ORG_ACCOUNT] },
    event: iamCall('CreateRole', {
      request: {
        roleName: 'backdoor',
        assumeRolePolicyDocument: trustPolicy({ AWS: `arn:aws:iam::${EXAMPLE_EXTERNAL_ACCOUNT}:root` }),
      },
    }),
  },
  {
    name: 'trust to another organization account is not external (near miss)',
    expect: false,
    context: { organizationAccountIds: ['111122223333', EXAMPLE_ORG_ACCOUNT] },
    event: iamCall('UpdateAssumeRolePolicy', {
      request: {
        roleName: 'app',
        policyDocument: trustPolicy({ AWS: `arn:aws:iam::${EXAMPLE_ORG_ACCOUNT}:role/ci` }),
      },
    }),
  },
  {
    name: 'trust to a configured vendor account is not external',
    expect: false,
    context: { trustedAccountIds: [EXAMPLE_EXTERNAL_ACCOUNT] },
    event: iamCall('CreateRole', {
      request: {
        roleName: 'vendor',
        assumeRolePolicyDocument: trustPolicy({ AWS: EXAMPLE_EXTERNAL_ACCOUNT }),
      },
    }),
  },
  {
    name: 'service principals are not external',
    expect: false,
    event: iamCall('CreateRole', {
      request: {
        roleName: 'lambda',
        assumeRolePolicyDocument: trustPolicy({ Service: 'lambda.amazonaws.com' }),
      },
    }),
  },
  {
    name: '* with a negated organization condition lets every outsider in',
    expect: true,
    severity: 'high',
    event: iamCall('UpdateAssumeRolePolicy', {
      request: {
        roleName: 'app',
        policyDocument: trustPolicy({ AWS: '*' }, { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }),
      },
    }),
  },
  {
    name: '* pinned to the organization is not public',
    expect: false,
    event: iamCall('UpdateAssumeRolePolicy', {
      request: {
        roleName: 'app',
        policyDocument: trustPolicy({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } }),
      },
    }),
  },
]);
