import { defineExamples, iamCall, policyJson } from '../examples';
import { iamInlineAdminPolicyAdded } from './iam-inline-admin-policy-added';

export const iamInlineAdminPolicyAddedExamples = defineExamples(iamInlineAdminPolicyAdded, [
  {
    name: 'Allow * on * put on a user',
    expect: true,
    severity: 'critical',
    event: iamCall('PutUserPolicy', {
      request: {
        userName: 'bob',
        policyName: 'all',
        policyDocument: policyJson([{ Effect: 'Allow', Action: '*', Resource: '*' }]),
      },
    }),
  },
  {
    name: 'iam:* on * as a URL-encoded document on a role',
    expect: true,
    event: iamCall('PutRolePolicy', {
      request: {
        roleName: 'ci',
        policyName: 'iam',
        policyDocument: encodeURIComponent(
          policyJson([{ Effect: 'Allow', Action: ['s3:*', 'iam:*'], Resource: ['*'] }]),
        ),
      },
    }),
  },
  {
    name: 'NotAction that leaves IAM in, on a group',
    expect: true,
    event: iamCall('PutGroupPolicy', {
      request: {
        groupName: 'devs',
        policyName: 'everything-but-billing',
        policyDocument: policyJson([{ Effect: 'Allow', NotAction: 'aws-portal:*', Resource: '*' }]),
      },
    }),
  },
  {
    name: 'IAM admin split over statements, on an ARN wildcard instead of *',
    expect: true,
    event: iamCall('PutUserPolicy', {
      request: {
        userName: 'bob',
        policyName: 'looks-narrow',
        policyDocument: policyJson([
          { Effect: 'Allow', Action: ['iam:Create*', 'iam:Attach*'], Resource: 'arn:aws:iam::*:*' },
          {
            Effect: 'Allow',
            Action: ['iam:Put*', 'iam:Update*', 'iam:PassRole'],
            Resource: 'arn:aws:iam::*:*',
          },
        ]),
      },
    }),
  },
  {
    name: 'a Deny that spares IAM leaves the admin grant standing',
    expect: true,
    event: iamCall('PutRolePolicy', {
      request: {
        roleName: 'ci',
        policyName: 'deny-all-but-iam',
        policyDocument: policyJson([
          { Effect: 'Allow', Action: '*', Resource: '*' },
          { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:iam::*:*' },
        ]),
      },
    }),
  },
  {
    name: 'iam:* on one role ARN only is not admin (near miss)',
    expect: false,
    event: iamCall('PutRolePolicy', {
      request: {
        roleName: 'ci',
        policyName: 'narrow',
        policyDocument: policyJson([
          { Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::111122223333:role/app-*' },
        ]),
      },
    }),
  },
  {
    name: 'a Deny * statement is not a grant',
    expect: false,
    event: iamCall('PutUserPolicy', {
      request: {
        userName: 'compromised',
        policyName: 'quarantine',
        policyDocument: policyJson([{ Effect: 'Deny', Action: '*', Resource: '*' }]),
      },
    }),
  },
]);
