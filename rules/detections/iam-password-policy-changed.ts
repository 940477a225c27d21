import type { NormalisedEvent } from '../types';
import { ATTACK, actorLabel, apiReference, defineDetection, requestNumber, succeeded } from './define';

/** CIS AWS Foundations Benchmark: minimum length 14, no reuse of the last 24 passwords. */
const CIS_MINIMUM_PASSWORD_LENGTH = 14;
const CIS_PASSWORD_REUSE_PREVENTION = 24;

/** What in the new policy falls short of the CIS baseline (an absent setting is IAM's weak default). */
function belowBaseline(e: NormalisedEvent): string[] {
  const shortfalls: string[] = [];
  const length = requestNumber(e, 'minimumPasswordLength');
  if (length === undefined || length < CIS_MINIMUM_PASSWORD_LENGTH) {
    shortfalls.push(`minimum length ${length ?? 'default'} < ${CIS_MINIMUM_PASSWORD_LENGTH}`);
  }
  const reuse = requestNumber(e, 'passwordReusePrevention');
  if (reuse === undefined || reuse < CIS_PASSWORD_REUSE_PREVENTION) {
    shortfalls.push(`reuse prevention ${reuse ?? 'off'} < ${CIS_PASSWORD_REUSE_PREVENTION}`);
  }
  return shortfalls;
}

/** The account password policy changed; high when it falls below the CIS baseline. */
export const iamPasswordPolicyChanged = defineDetection({
  id: 'iam-password-policy-changed',
  title: (e) => {
    const shortfalls = belowBaseline(e);
    const suffix = shortfalls.length > 0 ? ` (below CIS: ${shortfalls.join(', ')})` : '';
    return `Account password policy changed by ${actorLabel(e.actor)}${suffix}`;
  },
  severity: 'medium',
  severities: ['medium', 'high'],
  severityOf: (e) => (belowBaseline(e).length > 0 ? 'high' : 'medium'),
  description:
    "The account's IAM password policy was changed. A policy below the CIS baseline (length < 14 or " +
    'reuse prevention < 24) makes IAM user passwords easier to guess or recycle.',
  runbook: [
    'Compare the new settings with the organization baseline (CIS: length ≥ 14, reuse prevention 24).',
    'If weakened without approval, restore the baseline with UpdateAccountPasswordPolicy.',
  ],
  references: [
    apiReference.iam('UpdateAccountPasswordPolicy'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html',
    'https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html',
  ],
  mitre: [ATTACK.modifyAuthenticationProcess],
  falsePositives: ['Baseline rollouts by the platform team.'],
  trigger: { sources: ['aws.iam'], eventNames: ['UpdateAccountPasswordPolicy'] },
  match: (e) => succeeded(e),
});
