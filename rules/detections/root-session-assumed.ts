import type { NormalisedEvent, Severity } from '../types';
import { ATTACK, actorLabel, defineDetection, succeeded } from './define';

/** The AWS-managed policies that scope an `sts:AssumeRoot` session (`arn:aws:iam::aws:policy/root-task/<name>`). */
const ROOT_TASK_SEVERITY: Readonly<Record<string, Severity>> = {
  // Read-only look at the root user's password, keys, certificates and MFA.
  IAMAuditRootUserCredentials: 'high',
  // The hardening task centralized root access exists for: removes root credentials.
  IAMDeleteRootUserCredentials: 'high',
  // Lets root sign in again (password recovery): standing, unscoped root access to the account.
  IAMCreateRootUserPassword: 'critical',
  // Delete a resource policy that only root may remove: it can open data the policy denied, or stop
  // CloudTrail / Config delivery into a log bucket whose policy was the grant.
  S3UnlockBucketPolicy: 'critical',
  SQSUnlockQueuePolicy: 'critical',
};

const TEMPORARY_ELEVATED_CLOUD_ACCESS = {
  id: 'T1548.005',
  name: 'Abuse Elevation Control Mechanism: Temporary Elevated Cloud Access',
} as const;

const ROOT_TASK_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/root-task\/([A-Za-z0-9]+)$/;

/** `IAMDeleteRootUserCredentials` from the task policy ARN; undefined when it is not a root-task policy. */
function rootTaskName(e: NormalisedEvent): string | undefined {
  return ROOT_TASK_ARN.exec(e.policyArn ?? '')?.[1];
}

/** A task policy this catalog does not know (or none logged) fails closed: critical. */
function rootTaskSeverity(e: NormalisedEvent): Severity {
  const task = rootTaskName(e);
  return (task && ROOT_TASK_SEVERITY[task]) || 'critical';
}

/**
 * Centralized root access: a principal of the management account (or the IAM delegated
 * administrator) calls `sts:AssumeRoot` and gets a root session of a member account for up to 15
 * minutes, scoped by an AWS-managed task policy. The caller is the actor, the member account the
 * target, the task policy the `policyArn`. What the session then does is logged in the member
 * account as the Root identity (and judged by `root-activity`).
 */
export const rootSessionAssumed = defineDetection({
  id: 'root-session-assumed',
  title: (e, ctx) => {
    const account = e.target?.accountId ?? e.target?.name ?? 'unknown';
    const named = ctx.accountNames[account];
    const task = rootTaskName(e) ?? e.policyArn ?? 'unknown task';
    return `Root session on account ${named ? `${named} (${account})` : account} for ${task} by ${actorLabel(e.actor)}`;
  },
  severity: 'high',
  severities: ['high', 'critical'],
  severityOf: rootTaskSeverity,
  description:
    'A short-term root session of a member account was issued with sts:AssumeRoot (centralized root ' +
    'access). Root cannot be restricted by IAM policies in the member account; the task policy ' +
    'limits the session to one privileged task. Critical when the task lets root sign in again ' +
    '(IAMCreateRootUserPassword), unlocks an S3 bucket or SQS queue policy, or is not a known task ' +
    'policy; high for auditing or deleting root credentials.',
  runbook: [
    'Confirm with the actor (management account or IAM delegated administrator) that the task was planned; AssumeRoot should be rare and tied to a ticket.',
    'Follow the session into the member account: the response credentials.accessKeyId is the accessKeyId of the Root-identity calls made there within 15 minutes (`iamwatch history --actor root --account <member id>`).',
    'IAMCreateRootUserPassword: check whether a root password was set or recovered afterwards and delete it again once the task is done. Unlock tasks: check which bucket or queue policy was deleted and restore the intended one (including CloudTrail/Config delivery grants).',
    'If unexpected: treat the actor as compromised, revoke its sessions, and restrict sts:AssumeRoot with sts:TaskPolicyArn conditions or an SCP.',
  ],
  references: [
    'https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-track-privileged-tasks.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/security-iam-awsmanpol.html',
  ],
  mitre: [ATTACK.validCloudAccounts, TEMPORARY_ELEVATED_CLOUD_ACCESS, ATTACK.accountManipulation],
  // AssumeRoot is the textbook case of temporary elevated cloud access: link that page, not the first.
  attackPage: TEMPORARY_ELEVATED_CLOUD_ACCESS,
  falsePositives: [
    'Planned root-credential clean-ups and audits across member accounts (label the pipeline that runs them as an automation principal: lowered one step, never dropped).',
    'Administrators unlocking a bucket or queue whose policy denied everyone, as AWS documents.',
  ],
  trigger: { sources: ['aws.sts'], eventNames: ['AssumeRoot'] },
  // CloudTrail may mark STS credential calls read-only (it does for AssumeRole), so readOnly is not consulted.
  match: (e) => succeeded(e),
});
