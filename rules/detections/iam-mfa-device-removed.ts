import { ATTACK, actorLabel, apiReference, defineDetection, succeeded, targetLabel } from './define';

/** MFA taken away from a user (or a virtual device deleted): the second factor no longer protects it. */
export const iamMfaDeviceRemoved = defineDetection({
  id: 'iam-mfa-device-removed',
  title: (e) =>
    e.eventName === 'DeleteVirtualMFADevice'
      ? `Virtual MFA device ${targetLabel(e.target)} deleted by ${actorLabel(e.actor)}`
      : `MFA device removed from ${targetLabel(e.target)} by ${actorLabel(e.actor)}`,
  severity: 'high',
  description:
    'An MFA device was deactivated for a user or a virtual MFA device was deleted. Attackers remove ' +
    'MFA to register their own device or to make a stolen password sufficient on its own.',
  runbook: [
    'Ask the user whether they replaced or lost their device.',
    'Look for an EnableMFADevice / CreateVirtualMFADevice right after (`iamwatch history --target <user>`): whose device is it?',
    'If unexpected: reset the user password, require MFA re-enrolment by the user in person, investigate the actor.',
  ],
  references: [
    apiReference.iam('DeactivateMFADevice'),
    apiReference.iam('DeleteVirtualMFADevice'),
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_disable.html',
  ],
  mitre: [ATTACK.mfaModification],
  falsePositives: [
    'Users replacing a phone or security key.',
    'Administrators cleaning up unassigned devices.',
  ],
  trigger: { sources: ['aws.iam'], eventNames: ['DeactivateMFADevice', 'DeleteVirtualMFADevice'] },
  match: (e) => succeeded(e),
});
