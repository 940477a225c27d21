import { analyseTrustInRequest, type TrustAnalysis } from '../policy/trust';
import type { DetectionContext, NormalisedEvent } from '../types';
import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

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
    'Identify the outside account(s) in the trust policy; are they a known vendor? If so, add them to trustedAccountIds.',
    'For `*`: treat as critical exposure; replace the trust policy immediately (UpdateAssumeRolePolicy).',
    'Review AssumeRole calls on the role from outside accounts since the change.',
  ],
  references: [
    apiReference.iam('UpdateAssumeRolePolicy'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html',
  ],
  mitre: [ATTACK.trustModification, ATTACK.additionalCloudRoles],
  falsePositives: [
    'Vendor integrations (monitoring, backup, security tools): list their accounts in trustedAccountIds.',
    'Organization accounts not configured in organizationAccountIds: configure them.',
  ],
  trigger: { sources: ['aws.iam'], eventNames: ['CreateRole', 'UpdateAssumeRolePolicy'] },
  match: (e, ctx) => succeeded(e) && trustOf(e, ctx).findings.length > 0,
});
