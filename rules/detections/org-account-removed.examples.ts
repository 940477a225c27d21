import { assumedRole, defineExamples, orgCall } from '../examples';
import { orgAccountRemoved } from './org-account-removed';

export const orgAccountRemovedExamples = defineExamples(orgAccountRemoved, [
  {
    name: 'a member account leaves',
    expect: true,
    event: orgCall('LeaveOrganization', { actor: assumedRole('OrganizationAccountAccessRole', 'mallory') }),
  },
  {
    name: 'the management account removes a member',
    expect: true,
    event: orgCall('RemoveAccountFromOrganization', { request: { accountId: '444455556666' } }),
  },
  {
    name: 'LeaveOrganization denied by an SCP (near miss: iam-write-denied instead)',
    expect: false,
    event: orgCall('LeaveOrganization', {
      actor: assumedRole('stratus-red-team-leave-org-role', 'aws-go-sdk-1722587398902687000'),
      errorCode: 'AccessDenied',
    }),
  },
]);
