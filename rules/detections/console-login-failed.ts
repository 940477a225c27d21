import { HIDDEN_VALUE } from '../target';
import { ATTACK, actorLabel, defineDetection } from './define';
import { CONSOLE_SIGN_IN, fromSourceIp, SIGN_IN_EVENTS_REFERENCE } from './sign-in';

/** A failed console sign-in; medium for the root user. */
export const consoleLoginFailed = defineDetection({
  id: 'console-login-failed',
  title: (e) => {
    const who =
      e.actor.type === 'Root'
        ? 'the root user'
        : e.actor.name === HIDDEN_VALUE
          ? 'an unknown user name'
          : actorLabel(e.actor);
    return `Failed console sign-in for ${who}${fromSourceIp(e)}`;
  },
  severity: 'low',
  severities: ['low', 'medium'],
  severityOf: (e) => (e.actor.type === 'Root' ? 'medium' : 'low'),
  description:
    'A console sign-in failed (wrong password, wrong MFA code, unknown user). One is a typo; a series ' +
    'is password guessing. CloudTrail hides the user name when it does not exist, because users sometimes ' +
    'type their password into the user-name field.',
  runbook: [
    'Look for repeats from the same IP or against the same user (`iamwatch history --event ConsoleLogin --ip <ip>`).',
    'For root: confirm with the owner of the root credentials; check that root MFA is enabled.',
    'For bursts: consider blocking the IP and forcing password resets for the targeted users.',
  ],
  references: [SIGN_IN_EVENTS_REFERENCE],
  mitre: [ATTACK.bruteForce],
  falsePositives: ['Mistyped passwords and expired MFA codes.'],
  trigger: CONSOLE_SIGN_IN,
  match: (e) => e.result === 'failure',
});
