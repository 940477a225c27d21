import { actors, defineExamples, iamCall, policyJson } from '../examples';
import { iamInlinePolicyAdded } from './iam-inline-policy-added';

export const iamInlinePolicyAddedExamples = defineExamples(iamInlinePolicyAdded, [
  {
    name: 'a narrowly scoped inline policy on a role',
    expect: true,
    event: iamCall('PutRolePolicy', {
      actor: actors.deployRole,
      request: {
        roleName: 'notifier',
        policyName: 'logs',
        policyDocument: policyJson([
          {
            Effect: 'Allow',
            Action: ['logs:PutLogEvents'],
            Resource: 'arn:aws:logs:us-east-1:111122223333:*',
          },
        ]),
      },
    }),
  },
  {
    name: 'an inline admin policy is reported by iam-inline-admin-policy-added instead (near miss)',
    expect: false,
    event: iamCall('PutUserPolicy', {
      request: {
        userName: 'bob',
        policyName: 'all',
        policyDocument: policyJson([{ Effect: 'Allow', Action: '*', Resource: '*' }]),
      },
    }),
  },
  {
    name: 'malformed policy rejected',
    expect: false,
    event: iamCall('PutRolePolicy', {
      request: { roleName: 'notifier', policyName: 'x', policyDocument: '{' },
      errorCode: 'MalformedPolicyDocument',
    }),
  },
]);
