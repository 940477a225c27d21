import { defineExamples, orgCall } from '../examples';
import { orgAccountCreatedOrInvited } from './org-account-created-or-invited';

export const orgAccountCreatedOrInvitedExamples = defineExamples(orgAccountCreatedOrInvited, [
  {
    name: 'a new account created',
    expect: true,
    event: orgCall('CreateAccount', {
      request: { accountName: 'sandbox-7', email: 'aws+sandbox7@example.com' },
      response: {
        createAccountStatus: { id: 'car-example', accountName: 'sandbox-7', state: 'IN_PROGRESS' },
      },
    }),
  },
  {
    name: 'an outside account invited',
    expect: true,
    event: orgCall('InviteAccountToOrganization', {
      request: { target: { type: 'ACCOUNT', id: '999988887777' } },
    }),
  },
  {
    name: 'creation refused by quota (near miss)',
    expect: false,
    event: orgCall('CreateAccount', {
      request: { accountName: 'sandbox-8', email: 'aws+sandbox8@example.com' },
      errorCode: 'ConstraintViolationException',
    }),
  },
]);
