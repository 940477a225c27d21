import { ATTACK, defineDetection, succeeded } from './define';
import { CONSOLE_SIGN_IN, fromSourceIp, SIGN_IN_EVENTS_REFERENCE } from './sign-in';

/** The root user signed in to the console: always notable, critical without MFA. */
export const rootConsoleLogin = defineDetection({
  id: 'root-console-login',
  title: (e) =>
    `Root console sign-in to account ${e.accountName ?? e.accountId}${e.actor.mfa === true ? '' : ' without MFA'}${fromSourceIp(e)}`,
  severity: 'high',
  severities: ['high', 'critical'],
  severityOf: (e) => (e.actor.mfa === true ? 'high' : 'critical'),
  description:
    'The root user signed in to the AWS console. Root is needed for a handful of tasks only; a sign-in ' +
    'without MFA means the account hangs on a single password.',
  runbook: [
    'Reach the owner of the root credentials: planned task? Which one?',
    'Check the source IP and what root did after (`iamwatch history --account <id> --actor root`).',
    'Without MFA or unexplained: reset the root password, enable (or re-enroll) MFA, review root activity, consider centralised root access.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html',
    SIGN_IN_EVENTS_REFERENCE,
  ],
  mitre: [ATTACK.validCloudAccounts],
  falsePositives: ['Planned root-only tasks (closing an account, changing the support plan).'],
  trigger: CONSOLE_SIGN_IN,
  match: (e) => succeeded(e) && e.actor.type === 'Root',
});
