/**
 * The detection catalog: an explicit list, so what ships is exactly what is reviewed here.
 * Ids are a stable public contract (design.md): add new ones, never rename; retire with `deprecated`.
 */
import { cloudtrailLoggingStopped } from './detections/cloudtrail-logging-stopped';
import { consoleLoginFailed } from './detections/console-login-failed';
import { consoleLoginWithoutMfa } from './detections/console-login-without-mfa';
import { iamAccessKeyCreated } from './detections/iam-access-key-created';
import { iamAccessKeyCreatedForAnotherUser } from './detections/iam-access-key-created-for-another-user';
import { iamAdminPolicyAttached } from './detections/iam-admin-policy-attached';
import { iamChange } from './detections/iam-change';
import { iamGroupMembershipAdded } from './detections/iam-group-membership-added';
import { iamIdentityProviderChanged } from './detections/iam-identity-provider-changed';
import { iamInlineAdminPolicyAdded } from './detections/iam-inline-admin-policy-added';
import { iamInlinePolicyAdded } from './detections/iam-inline-policy-added';
import { iamLoginProfileChangedForAnotherUser } from './detections/iam-login-profile-changed-for-another-user';
import { iamLoginProfileCreated } from './detections/iam-login-profile-created';
import { iamLongTermCredentialCreated } from './detections/iam-long-term-credential-created';
import { iamMfaDeviceRemoved } from './detections/iam-mfa-device-removed';
import { iamPasswordPolicyChanged } from './detections/iam-password-policy-changed';
import { iamPasswordPolicyDeleted } from './detections/iam-password-policy-deleted';
import { iamPermissionsBoundaryRemoved } from './detections/iam-permissions-boundary-removed';
import { iamPolicyAttached } from './detections/iam-policy-attached';
import { iamPolicyVersionSetAsDefault } from './detections/iam-policy-version-set-as-default';
import { iamRoleCreated } from './detections/iam-role-created';
import { iamRoleSessionDurationChanged } from './detections/iam-role-session-duration-changed';
import { iamRoleTrustAllowsExternal } from './detections/iam-role-trust-allows-external';
import { iamRoleTrustPolicyChanged } from './detections/iam-role-trust-policy-changed';
import { iamUserCreated } from './detections/iam-user-created';
import { iamUserDeleted } from './detections/iam-user-deleted';
import { iamWriteDenied } from './detections/iam-write-denied';
import { identityCenterUserCreated } from './detections/identity-center-user-created';
import { monitorTampered } from './detections/monitor-tampered';
import { orgAccountCreatedOrInvited } from './detections/org-account-created-or-invited';
import { orgAccountRemoved } from './detections/org-account-removed';
import { orgPolicyChanged } from './detections/org-policy-changed';
import { rootAccessKeyCreated } from './detections/root-access-key-created';
import { rootActivity } from './detections/root-activity';
import { rootConsoleLogin } from './detections/root-console-login';
import { rootSessionAssumed } from './detections/root-session-assumed';
import { ssoAccountAssignmentChanged } from './detections/sso-account-assignment-changed';
import { ssoPermissionSetChanged } from './detections/sso-permission-set-changed';
import { tamperingDenied } from './detections/tampering-denied';
import type { Detection } from './types';

/** Every detection iamwatch evaluates, in catalog order (ties in severity keep this order). */
export const CATALOG: readonly Detection[] = Object.freeze([
  iamUserCreated,
  iamUserDeleted,
  iamGroupMembershipAdded,
  iamRoleCreated,
  iamAccessKeyCreated,
  iamAccessKeyCreatedForAnotherUser,
  rootAccessKeyCreated,
  iamLoginProfileCreated,
  iamLoginProfileChangedForAnotherUser,
  iamMfaDeviceRemoved,
  iamLongTermCredentialCreated,
  iamAdminPolicyAttached,
  iamPolicyAttached,
  iamInlinePolicyAdded,
  iamInlineAdminPolicyAdded,
  iamPolicyVersionSetAsDefault,
  iamPermissionsBoundaryRemoved,
  iamRoleTrustPolicyChanged,
  iamRoleTrustAllowsExternal,
  iamIdentityProviderChanged,
  iamRoleSessionDurationChanged,
  iamPasswordPolicyChanged,
  iamPasswordPolicyDeleted,
  rootConsoleLogin,
  rootActivity,
  rootSessionAssumed,
  consoleLoginWithoutMfa,
  consoleLoginFailed,
  orgAccountRemoved,
  orgPolicyChanged,
  orgAccountCreatedOrInvited,
  ssoPermissionSetChanged,
  ssoAccountAssignmentChanged,
  identityCenterUserCreated,
  cloudtrailLoggingStopped,
  monitorTampered,
  tamperingDenied,
  iamWriteDenied,
  iamChange,
]);

const BY_ID: ReadonlyMap<string, Detection> = new Map(CATALOG.map((detection) => [detection.id, detection]));

/** The detection with this id, or undefined. */
export function findDetection(id: string): Detection | undefined {
  return BY_ID.get(id);
}
