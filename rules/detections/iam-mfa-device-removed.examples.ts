import { actors, defineExamples, iamCall } from '../examples';
import { iamMfaDeviceRemoved } from './iam-mfa-device-removed';

export const iamMfaDeviceRemovedExamples = defineExamples(iamMfaDeviceRemoved, [
  {
    name: 'root deactivates the MFA device of user1',
    expect: true,
    event: iamCall('DeactivateMFADevice', {
      actor: actors.root,
      request: { userName: 'user1', serialNumber: 'arn:aws:iam::111122223333:mfa/user1' },
    }),
  },
  {
    name: 'alice deletes a virtual MFA device',
    expect: true,
    event: iamCall('DeleteVirtualMFADevice', {
      request: { serialNumber: 'arn:aws:iam::111122223333:mfa/bob' },
    }),
  },
  {
    name: 'deleting a device still assigned to a user fails (near miss)',
    expect: false,
    event: iamCall('DeleteVirtualMFADevice', {
      request: { serialNumber: 'arn:aws:iam::111122223333:mfa/bob' },
      errorCode: 'DeleteConflict',
    }),
  },
]);
