import { ATTACK, defineDetection, isInvokedByService } from './define';

/**
 * Steps of a console sign-in whose outcome ConsoleLogin reports (and root-console-login judges),
 * and its end; alerting on each would repeat the same sign-in. Other root sign-in events (a
 * password change, PasswordUpdated) are activity.
 */
const SIGN_IN_STEPS = new Set([
  'ConsoleLogin',
  'ConsoleLogout',
  'CredentialChallenge',
  'CredentialVerification',
  'UserAuthentication',
]);

/**
 * Anything the root user changes. Fires next to the specific detection (root attaching an SCP fires
 * both), and for refused calls too: root using the account at all is the signal.
 */
export const rootActivity = defineDetection({
  id: 'root-activity',
  title: (e) =>
    `Root user ${e.result === 'failure' ? 'attempted' : 'called'} ${e.eventName} in account ${e.accountName ?? e.accountId}`,
  severity: 'high',
  description:
    'The root user made a non-read-only call (anything but ConsoleLogin and AWS service events). Calls an ' +
    "AWS service made on the root's behalf (`userIdentity.invokedBy` present, e.g. Identity Center " +
    'provisioning roles in the management account) are left out, as the CIS root-usage filter does; the ' +
    'console (`invokedBy: signin.amazonaws.com`) is the root user acting and stays in. Root ' +
    'should be used only for the few tasks that require it; everything else is a sign of poor hygiene ' +
    'or of a stolen root credential.',
  runbook: [
    'Reach the owner of the root credentials: planned root-only task?',
    'Review the whole root session: `iamwatch history --account <id> --actor root`.',
    'If unexplained: reset the root password, rotate root MFA, delete any root access keys, consider centralised root access (no root credentials in member accounts).',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html',
  ],
  mitre: [ATTACK.validCloudAccounts],
  falsePositives: [
    'Root-only tasks: closing an account, changing the support plan, restoring IAM admin access.',
  ],
  trigger: { userIdentityTypes: ['Root'] },
  match: (e) =>
    e.actor.type === 'Root' &&
    !e.readOnly &&
    e.eventType !== 'AwsServiceEvent' &&
    !isInvokedByService(e.actor) &&
    !SIGN_IN_STEPS.has(e.eventName),
});
