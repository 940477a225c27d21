import { defineExamples, iamCall, policyJson } from '../examples';
import { iamPolicyVersionSetAsDefault } from './iam-policy-version-set-as-default';

export const iamPolicyVersionSetAsDefaultExamples = defineExamples(iamPolicyVersionSetAsDefault, [
  {
    name: 'a new default version of a customer policy',
    expect: true,
    event: iamCall('CreatePolicyVersion', {
      request: {
        policyArn: 'arn:aws:iam::111122223333:policy/deploy',
        policyDocument: policyJson([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]),
        setAsDefault: true,
      },
      response: { policyVersion: { versionId: 'v3', isDefaultVersion: true } },
    }),
  },
  {
    name: 'an old version restored as default',
    expect: true,
    event: iamCall('SetDefaultPolicyVersion', {
      request: { policyArn: 'arn:aws:iam::111122223333:policy/deploy', versionId: 'v1' },
    }),
  },
  {
    name: 'a new version that is not made default changes nothing yet (near miss)',
    expect: false,
    event: iamCall('CreatePolicyVersion', {
      request: {
        policyArn: 'arn:aws:iam::111122223333:policy/deploy',
        policyDocument: policyJson([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]),
        setAsDefault: false,
      },
    }),
  },
]);
