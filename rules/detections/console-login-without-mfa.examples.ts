import { actors, defineExamples, signinEvent } from '../examples';
import { consoleLoginWithoutMfa } from './console-login-without-mfa';

export const consoleLoginWithoutMfaExamples = defineExamples(consoleLoginWithoutMfa, [
  {
    name: 'alice signs in with a password only',
    expect: true,
    event: signinEvent('ConsoleLogin', { actor: actors.alice, mfaUsed: 'No' }),
  },
  {
    name: 'an Identity Center session always says MFAUsed No (near miss)',
    expect: false,
    event: signinEvent('ConsoleLogin', { actor: actors.sso, mfaUsed: 'No' }),
  },
  {
    name: 'alice signs in with MFA',
    expect: false,
    event: signinEvent('ConsoleLogin', { actor: actors.alice, mfaUsed: 'Yes' }),
  },
  {
    name: 'a failed sign-in is not a sign-in',
    expect: false,
    event: signinEvent('ConsoleLogin', { actor: actors.alice, mfaUsed: 'No', result: 'Failure' }),
  },
]);
