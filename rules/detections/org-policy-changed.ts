import type { NormalisedEvent } from '../types';
import {
  ATTACK,
  actorLabel,
  apiReference,
  defineDetection,
  requestText,
  succeeded,
  targetLabel,
} from './define';

function describeChange(e: NormalisedEvent): string {
  const policy = requestText(e, 'policyId') ?? targetLabel(e.target);
  switch (e.eventName) {
    case 'AttachPolicy':
      return `Organization policy ${policy} attached to ${targetLabel(e.target)}`;
    case 'DetachPolicy':
      return `Organization policy ${policy} detached from ${targetLabel(e.target)}`;
    case 'EnablePolicyType':
    case 'DisablePolicyType':
      return `Policy type ${requestText(e, 'policyType') ?? 'unknown'} ${e.eventName === 'EnablePolicyType' ? 'enabled' : 'disabled'} on ${targetLabel(e.target)}`;
    case 'CreatePolicy':
      return `Organization policy ${targetLabel(e.target)} (${requestText(e, 'type') ?? 'unknown type'}) created`;
    case 'UpdatePolicy':
      return `Organization policy ${targetLabel(e.target)} updated`;
    default:
      return `Organization policy ${targetLabel(e.target)} deleted`;
  }
}

/** SCPs, RCPs, tag/backup/AI policies: the organization-wide guardrails changed. */
export const orgPolicyChanged = defineDetection({
  id: 'org-policy-changed',
  title: (e) => `${describeChange(e)} by ${actorLabel(e.actor)}`,
  severity: 'high',
  description:
    'An organization policy (service control, resource control, tag, backup …) was created, changed, ' +
    'deleted, attached or detached, or a policy type was enabled or disabled. Guardrails that every ' +
    'member account relies on may have moved.',
  runbook: [
    'Read the policy content (UpdatePolicy/CreatePolicy carry it) or the attachment change.',
    'For detach/disable: which accounts lost which guardrail?',
    'If unexpected: revert the change from the management account and investigate the actor.',
  ],
  references: [
    apiReference.organizations('AttachPolicy'),
    apiReference.organizations('UpdatePolicy'),
    'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html',
  ],
  mitre: [ATTACK.tenantPolicyModification, ATTACK.modifyCloudResourceHierarchy],
  falsePositives: [
    'Landing-zone pipelines (Control Tower, AFT, LZA) updating guardrails (labelled automation when configured).',
  ],
  trigger: {
    sources: ['aws.organizations'],
    eventNames: [
      'CreatePolicy',
      'UpdatePolicy',
      'DeletePolicy',
      'AttachPolicy',
      'DetachPolicy',
      'EnablePolicyType',
      'DisablePolicyType',
    ],
  },
  match: (e) => succeeded(e),
});
