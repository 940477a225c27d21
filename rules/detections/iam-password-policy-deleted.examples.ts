import { actors, defineExamples, iamCall } from '../examples';
import { iamPasswordPolicyDeleted } from './iam-password-policy-deleted';

export const iamPasswordPolicyDeletedExamples = defineExamples(iamPasswordPolicyDeleted, [
  {
    name: 'alice deletes the password policy',
    expect: true,
    event: iamCall('DeleteAccountPasswordPolicy'),
  },
  {
    name: 'no policy to delete (near miss)',
    expect: false,
    event: iamCall('DeleteAccountPasswordPolicy', { actor: actors.sso, errorCode: 'NoSuchEntity' }),
  },
]);
