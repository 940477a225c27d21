import { actors, defineExamples, rootUser, signinEvent } from '../examples';
import { rootConsoleLogin } from './root-console-login';

export const rootConsoleLoginExamples = defineExamples(rootConsoleLogin, [
  {
    name: 'root signs in without MFA',
    expect: true,
    severity: 'critical',
    event: signinEvent('ConsoleLogin', { actor: rootUser(), mfaUsed: 'No' }),
  },
  {
    name: 'root signs in with MFA',
    expect: true,
    severity: 'high',
    event: signinEvent('ConsoleLogin', { actor: rootUser(), mfaUsed: 'Yes' }),
  },
  {
    name: 'a failed root sign-in is console-login-failed, not a login (near miss)',
    expect: false,
    event: signinEvent('ConsoleLogin', { actor: rootUser(), result: 'Failure', mfaUsed: 'No' }),
  },
  {
    name: 'an IAM user sign-in is not root',
    expect: false,
    event: signinEvent('ConsoleLogin', { actor: actors.alice, mfaUsed: 'Yes' }),
  },
]);
