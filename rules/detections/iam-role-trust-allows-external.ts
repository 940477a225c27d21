import { EXAMPLE_EXTERNAL_ACCOUNT, EXAMPLE_ORG_ACCOUNT, iamCall, trustPolicy } from '../examples';
import { analyseTrustInRequest, type TrustAnalysis } from '../policy/trust';
import type { DetectionContext, NormalisedEvent } from '../types';
import {
  ATTACK,
  actorLabel,
  apiReference,
  attackReference,
  defineDetection,
  succeeded,
  targetLabel,
} from './define';

/** CreateRole carries the trust policy as `assumeRolePolicyDocument`, UpdateAssumeRolePolicy as `policyDocument`. */
function trustOf(e: NormalisedEvent, ctx: DetectionContext): TrustAnalysis {
  const key = e.eventName === 'CreateRole' ? 'assumeRolePolicyDocument' : 'policyDocument';
  return analyseTrustInRequest(e.policies, key, ctx, e.accountId);
}

/**
 * A role trusts outsiders: `*` without a condition (anyone in any AWS account), `*` held back only
 * by conditions such as an external id, or an account outside the organization and the trusted list.
 */
export const iamRoleTrustAllowsExternal = defineDetection({
  id: 'iam-role-trust-allows-external',
  title: (e, ctx) => {
    const outsiders = trustOf(e, ctx)
      .findings.map((f) => (f.kind === 'external-account' ? f.accountId : f.principal))
      .filter((v, i, all) => !!v && all.indexOf(v) === i);
    return `Role ${targetLabel(e.target)} trusts ${outsiders.join(', ') || 'outside principals'} (by ${actorLabel(e.actor)})`;
  },
  severity: 'high',
  severities: ['critical', 'high'],
  severityOf: (e, ctx) => trustOf(e, ctx).severity ?? 'high',
  description:
    "A role's trust policy (on creation or update) lets principals outside the organization assume it: " +
    '`*` without a condition is critical (anyone with an AWS account); `*` limited only by conditions ' +
    'such as sts:ExternalId, or an account that is neither in the organization nor configured as ' +
    "trusted, is high. The role's own account, organization accounts and configured trusted accounts are fine.",
  runbook: [
    '1. Identify the outside account(s) in the trust policy; are they a known vendor? If so, add them to trustedAccountIds.',
    '2. For `*`: treat as critical exposure; replace the trust policy immediately (UpdateAssumeRolePolicy).',
    '3. Review AssumeRole calls on the role from outside accounts since the change.',
  ].join('\n'),
  references: [
    apiReference.iam('UpdateAssumeRolePolicy'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html',
    attackReference(ATTACK.trustModification),
  ],
  mitre: [ATTACK.trustModification, ATTACK.additionalCloudRoles],
  falsePositives: [
    'Vendor integrations (monitoring, backup, security tools): list their accounts in trustedAccountIds.',
    'Organization accounts not configured in organizationAccountIds: configure them.',
  ],
  trigger: { sources: ['aws.iam'], eventNames: ['CreateRole', 'UpdateAssumeRolePolicy'] },
  match: (e, ctx) => succeeded(e) && trustOf(e, ctx).findings.length > 0,
  examples: [
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
          policyDocument: trustPolicy(
            { AWS: '*' },
            { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } },
          ),
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
  ],
});
