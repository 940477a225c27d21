import { iamCall, policyJson } from '../examples';
import { requestGrantsAdmin } from '../policy/admin';
import {
  ATTACK,
  actorLabel,
  apiReference,
  attackReference,
  defineDetection,
  requestText,
  succeeded,
  targetLabel,
} from './define';
import { PUT_INLINE_POLICY_CALLS } from './iam-inline-policy-added';

/** An inline policy that grants `*` or all of IAM on every resource: admin, hidden in an inline policy. */
export const iamInlineAdminPolicyAdded = defineDetection({
  id: 'iam-inline-admin-policy-added',
  title: (e) => {
    const name = requestText(e, 'policyName');
    return `Inline admin policy${name ? ` ${name}` : ''} put on ${e.target?.type ?? 'principal'} ${targetLabel(e.target)} by ${actorLabel(e.actor)}`;
  },
  severity: 'critical',
  description:
    'An inline policy granting administrator access (Action `*`, `*:*` or `iam:*`, or a NotAction that ' +
    'leaves IAM in, on Resource `*`, an ARN wildcard covering IAM or a NotResource that leaves IAM in, ' +
    'even when spread over several statements) was put on a user, group or role. It is admin without ' +
    'any managed policy showing it. A document too large to inspect counts as admin: no successful ' +
    'call carries one.',
  runbook: [
    '1. Treat as privilege escalation until confirmed: who is the principal, who can use it?',
    '2. Delete the inline policy (Delete*Policy) unless the change is approved.',
    '3. Review what the principal did since (`iamwatch history --actor …`) and investigate the actor.',
  ].join('\n'),
  references: [
    apiReference.iam('PutUserPolicy'),
    apiReference.iam('PutRolePolicy'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html',
    attackReference(ATTACK.additionalCloudRoles),
  ],
  mitre: [ATTACK.additionalCloudRoles, ATTACK.validCloudAccounts],
  falsePositives: ['Break-glass roles defined in code with inline admin policies (labelled automation).'],
  trigger: { sources: ['aws.iam'], eventNames: PUT_INLINE_POLICY_CALLS },
  match: (e) => succeeded(e) && requestGrantsAdmin(e.policies, 'policyDocument', e.accountId),
  examples: [
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
  ],
});
