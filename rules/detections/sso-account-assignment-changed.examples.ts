import { actors, defineExamples, ssoCall } from '../examples';
import { ssoAccountAssignmentChanged } from './sso-account-assignment-changed';

export const ssoAccountAssignmentChangedExamples = defineExamples(ssoAccountAssignmentChanged, [
  {
    name: 'a group gets a permission set in an account',
    expect: true,
    event: ssoCall('CreateAccountAssignment', {
      actor: actors.sso,
      request: {
        instanceArn: 'arn:aws:sso:::instance/ssoins-72233af8ea2d1f14',
        targetId: '444455556666',
        targetType: 'AWS_ACCOUNT',
        permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-72233af8ea2d1f14/ps-ae5d1fa1f80b684e',
        principalType: 'GROUP',
        principalId: '34887428-4081-7042-c3c6-928d413009e7',
      },
    }),
  },
  {
    name: 'an assignment that already exists (near miss)',
    expect: false,
    event: ssoCall('CreateAccountAssignment', {
      request: {
        targetId: '444455556666',
        permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-72233af8ea2d1f14/ps-ae5d1fa1f80b684e',
        principalType: 'USER',
        principalId: '94e80458-9021-70ea-08fa-c3a10a1d8a92',
      },
      errorCode: 'ConflictException',
    }),
  },
]);
