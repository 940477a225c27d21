import { actors, defineExamples, iamUser, rootUser, signinEvent } from '../examples';
import { HIDDEN_VALUE } from '../target';
import { consoleLoginFailed } from './console-login-failed';

export const consoleLoginFailedExamples = defineExamples(consoleLoginFailed, [
  {
    name: 'bob mistypes his password',
    expect: true,
    severity: 'low',
    event: signinEvent('ConsoleLogin', { actor: actors.bob, result: 'Failure' }),
  },
  {
    name: 'a failed root sign-in',
    expect: true,
    severity: 'medium',
    event: signinEvent('ConsoleLogin', { actor: rootUser(), result: 'Failure' }),
  },
  {
    name: 'a sign-in for a user name that does not exist',
    expect: true,
    event: signinEvent('ConsoleLogin', {
      actor: { type: 'IAMUser', accountId: '111122223333', userName: HIDDEN_VALUE },
      result: 'Failure',
    }),
  },
  {
    name: 'a successful sign-in (near miss)',
    expect: false,
    event: signinEvent('ConsoleLogin', { actor: iamUser('carol'), mfaUsed: 'Yes' }),
  },
]);
