import { isCredentialCall, MUTATING_PREFIXES } from '../cloudtrail/verbs';
import {
  ATTACK,
  actorLabel,
  apiReference,
  defineDetection,
  IAM_CONTROL_PLANE_SOURCES,
  isAccessDenied,
  targetLabel,
} from './define';

/**
 * A principal tried to change IAM, the organization or Identity Center and was refused. Stolen
 * credentials probing what they may do look exactly like this; so does a misconfigured pipeline.
 */
export const iamWriteDenied = defineDetection({
  id: 'iam-write-denied',
  title: (e) =>
    `${actorLabel(e.actor)} was denied ${e.eventName}${e.target ? ` on ${targetLabel(e.target)}` : ''} (${e.errorCode ?? 'AccessDenied'})`,
  severity: 'medium',
  description:
    'A mutating IAM, Organizations or Identity Center call failed with AccessDenied / ' +
    'UnauthorizedOperation. Attackers with fresh credentials try privilege-escalation calls and hit ' +
    'denials; SCP-blocked attempts (LeaveOrganization, StopLogging …) also land here. Failed calls ' +
    'never fire the change detections.',
  runbook: [
    "Look at the actor's other recent calls (`iamwatch history --actor …`): a burst of denied writes is reconnaissance.",
    "Check the source IP and user agent against the principal's normal usage.",
    "If suspicious: revoke the principal's sessions / keys and investigate where the credentials came from.",
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html',
    apiReference.organizations('LeaveOrganization'),
  ],
  mitre: [ATTACK.validCloudAccounts, ATTACK.accountManipulation],
  falsePositives: [
    'Pipelines whose role lacks a permission (repeats on every run).',
    'Console users clicking through pages that try writes they may not do.',
  ],
  trigger: { sources: IAM_CONTROL_PLANE_SOURCES, eventNamePrefixes: MUTATING_PREFIXES },
  match: (e) =>
    e.result === 'failure' && isAccessDenied(e.errorCode) && !isCredentialCall(e.eventSource, e.eventName),
});
