import { actors, assumedRole, defineExamples, iamCall } from '../examples';
import { iamLoginProfileChangedForAnotherUser } from './iam-login-profile-changed-for-another-user';

export const iamLoginProfileChangedForAnotherUserExamples = defineExamples(
  iamLoginProfileChangedForAnotherUser,
  [
    {
      name: 'alice sets bob a password without forcing a reset',
      expect: true,
      severity: 'high',
      event: iamCall('UpdateLoginProfile', { request: { userName: 'bob' } }),
    },
    {
      name: 'an SSO admin resets bob with a forced change',
      expect: true,
      severity: 'medium',
      event: iamCall('UpdateLoginProfile', {
        actor: actors.sso,
        request: { userName: 'bob', passwordResetRequired: true },
      }),
    },
    {
      name: 'alice creates a console password for bob',
      expect: true,
      severity: 'high',
      event: iamCall('CreateLoginProfile', { request: { userName: 'bob', passwordResetRequired: false } }),
    },
    {
      name: 'bob changes his own login profile (near miss)',
      expect: false,
      event: iamCall('UpdateLoginProfile', { actor: actors.bob, request: { userName: 'bob' } }),
    },
    {
      name: 'refused attempt on bob',
      expect: false,
      event: iamCall('UpdateLoginProfile', {
        actor: assumedRole('intruder', 'i-0abc'),
        request: { userName: 'bob' },
        errorCode: 'AccessDenied',
      }),
    },
  ],
);
