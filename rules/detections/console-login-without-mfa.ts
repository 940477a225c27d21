import { ATTACK, actorLabel, defineDetection, succeeded } from './define';
import { CONSOLE_SIGN_IN, fromSourceIp, SIGN_IN_EVENTS_REFERENCE } from './sign-in';

/**
 * An IAM user signed in with a password only. SSO and SAML sessions are excluded: their MFA is
 * enforced by the identity provider and CloudTrail always writes MFAUsed "No" for them.
 */
export const consoleLoginWithoutMfa = defineDetection({
  id: 'console-login-without-mfa',
  title: (e) => `Console sign-in without MFA by IAM user ${actorLabel(e.actor)}${fromSourceIp(e)}`,
  severity: 'medium',
  description:
    'An IAM user signed in to the console without MFA. A password alone is phishable and guessable; ' +
    'console access should require MFA.',
  runbook: [
    'Check that the sign-in came from the user (source IP, time, user agent).',
    'Ask the user to enrol MFA; consider a policy that denies everything without aws:MultiFactorAuthPresent.',
    'If the sign-in is not theirs: reset the password, revoke sessions, review their recent activity.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html',
    SIGN_IN_EVENTS_REFERENCE,
  ],
  mitre: [ATTACK.validCloudAccounts],
  falsePositives: ['Users not yet enrolled in MFA during onboarding.'],
  trigger: CONSOLE_SIGN_IN,
  match: (e) =>
    succeeded(e) &&
    e.actor.type === 'IAMUser' &&
    e.actor.mfa === false &&
    e.additionalEventData.SamlProviderArn === undefined,
});
