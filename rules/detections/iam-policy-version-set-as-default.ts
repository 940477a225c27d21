import type { NormalisedEvent } from '../types';
import {
  ATTACK,
  actorLabel,
  apiReference,
  defineDetection,
  requestFlag,
  requestText,
  succeeded,
  targetLabel,
} from './define';

function versionOf(e: NormalisedEvent): string | undefined {
  const created = e.response.policyVersion;
  if (created !== null && typeof created === 'object') {
    const id = (created as Record<string, unknown>).versionId;
    if (typeof id === 'string') return id;
  }
  return requestText(e, 'versionId');
}

/**
 * The effective content of a managed policy changes: a new default version, or an old version
 * made default again (a known escalation: restore a permissive version nobody reviews).
 */
export const iamPolicyVersionSetAsDefault = defineDetection({
  id: 'iam-policy-version-set-as-default',
  title: (e) => {
    const version = versionOf(e);
    return `Policy ${targetLabel(e.target)}${version ? ` version ${version}` : ''} set as default by ${actorLabel(e.actor)}`;
  },
  severity: 'medium',
  description:
    'A managed policy got a new default version, either by CreatePolicyVersion with setAsDefault or by ' +
    'SetDefaultPolicyVersion. Every principal the policy is attached to now has the new permissions; ' +
    'rolling back to an old, broader version is a known privilege-escalation path.',
  runbook: [
    'Compare the new default version with the previous one (GetPolicyVersion).',
    'List the principals the policy is attached to (ListEntitiesForPolicy).',
    'If unexpected: set the previous version as default again and investigate the actor.',
  ],
  references: [
    apiReference.iam('CreatePolicyVersion'),
    apiReference.iam('SetDefaultPolicyVersion'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html',
  ],
  mitre: [ATTACK.additionalCloudRoles],
  falsePositives: ['Deployments updating customer managed policies (labelled automation).'],
  trigger: { sources: ['aws.iam'], eventNames: ['CreatePolicyVersion', 'SetDefaultPolicyVersion'] },
  match: (e) =>
    succeeded(e) && (e.eventName === 'SetDefaultPolicyVersion' || requestFlag(e, 'setAsDefault') === true),
});
