/**
 * Every detection's positive and near-miss examples, in catalog order: an explicit list beside the
 * catalog's (./registry.ts), apart from it so that the code the Lambdas load holds no example records
 * and no builders. The tests, `iamwatch rules` and the bench load it; loading it checks that every
 * detection of the catalog has its examples (and each list its positive and near miss, `defineExamples`).
 */
import { cloudtrailLoggingStoppedExamples } from './detections/cloudtrail-logging-stopped.examples';
import { consoleLoginFailedExamples } from './detections/console-login-failed.examples';
import { consoleLoginWithoutMfaExamples } from './detections/console-login-without-mfa.examples';
import { DetectionDefinitionError } from './detections/define';
import { iamAccessKeyCreatedExamples } from './detections/iam-access-key-created.examples';
import { iamAccessKeyCreatedForAnotherUserExamples } from './detections/iam-access-key-created-for-another-user.examples';
import { iamAdminPolicyAttachedExamples } from './detections/iam-admin-policy-attached.examples';
import { iamChangeExamples } from './detections/iam-change.examples';
import { iamGroupMembershipAddedExamples } from './detections/iam-group-membership-added.examples';
import { iamIdentityProviderChangedExamples } from './detections/iam-identity-provider-changed.examples';
import { iamInlineAdminPolicyAddedExamples } from './detections/iam-inline-admin-policy-added.examples';
import { iamInlinePolicyAddedExamples } from './detections/iam-inline-policy-added.examples';
import { iamLoginProfileChangedForAnotherUserExamples } from './detections/iam-login-profile-changed-for-another-user.examples';
import { iamLoginProfileCreatedExamples } from './detections/iam-login-profile-created.examples';
import { iamLongTermCredentialCreatedExamples } from './detections/iam-long-term-credential-created.examples';
import { iamMfaDeviceRemovedExamples } from './detections/iam-mfa-device-removed.examples';
import { iamPasswordPolicyChangedExamples } from './detections/iam-password-policy-changed.examples';
import { iamPasswordPolicyDeletedExamples } from './detections/iam-password-policy-deleted.examples';
import { iamPermissionsBoundaryRemovedExamples } from './detections/iam-permissions-boundary-removed.examples';
import { iamPolicyAttachedExamples } from './detections/iam-policy-attached.examples';
import { iamPolicyVersionSetAsDefaultExamples } from './detections/iam-policy-version-set-as-default.examples';
import { iamRoleCreatedExamples } from './detections/iam-role-created.examples';
import { iamRoleSessionDurationChangedExamples } from './detections/iam-role-session-duration-changed.examples';
import { iamRoleTrustAllowsExternalExamples } from './detections/iam-role-trust-allows-external.examples';
import { iamRoleTrustPolicyChangedExamples } from './detections/iam-role-trust-policy-changed.examples';
import { iamUserCreatedExamples } from './detections/iam-user-created.examples';
import { iamUserDeletedExamples } from './detections/iam-user-deleted.examples';
import { iamWriteDeniedExamples } from './detections/iam-write-denied.examples';
import { identityCenterUserCreatedExamples } from './detections/identity-center-user-created.examples';
import { monitorTamperedExamples } from './detections/monitor-tampered.examples';
import { orgAccountCreatedOrInvitedExamples } from './detections/org-account-created-or-invited.examples';
import { orgAccountRemovedExamples } from './detections/org-account-removed.examples';
import { orgPolicyChangedExamples } from './detections/org-policy-changed.examples';
import { rootAccessKeyCreatedExamples } from './detections/root-access-key-created.examples';
import { rootActivityExamples } from './detections/root-activity.examples';
import { rootConsoleLoginExamples } from './detections/root-console-login.examples';
import { rootSessionAssumedExamples } from './detections/root-session-assumed.examples';
import { ssoAccountAssignmentChangedExamples } from './detections/sso-account-assignment-changed.examples';
import { ssoPermissionSetChangedExamples } from './detections/sso-permission-set-changed.examples';
import { tamperingDeniedExamples } from './detections/tampering-denied.examples';
import { CATALOG } from './registry';
import type { Detection, DetectionExample, DetectionExamples } from './types';

/** Each detection of `CATALOG` with its examples, in the same order. */
export const CATALOG_EXAMPLES: readonly DetectionExamples[] = inCatalogOrder([
  iamUserCreatedExamples,
  iamUserDeletedExamples,
  iamGroupMembershipAddedExamples,
  iamRoleCreatedExamples,
  iamAccessKeyCreatedExamples,
  iamAccessKeyCreatedForAnotherUserExamples,
  rootAccessKeyCreatedExamples,
  iamLoginProfileCreatedExamples,
  iamLoginProfileChangedForAnotherUserExamples,
  iamMfaDeviceRemovedExamples,
  iamLongTermCredentialCreatedExamples,
  iamAdminPolicyAttachedExamples,
  iamPolicyAttachedExamples,
  iamInlinePolicyAddedExamples,
  iamInlineAdminPolicyAddedExamples,
  iamPolicyVersionSetAsDefaultExamples,
  iamPermissionsBoundaryRemovedExamples,
  iamRoleTrustPolicyChangedExamples,
  iamRoleTrustAllowsExternalExamples,
  iamIdentityProviderChangedExamples,
  iamRoleSessionDurationChangedExamples,
  iamPasswordPolicyChangedExamples,
  iamPasswordPolicyDeletedExamples,
  rootConsoleLoginExamples,
  rootActivityExamples,
  rootSessionAssumedExamples,
  consoleLoginWithoutMfaExamples,
  consoleLoginFailedExamples,
  orgAccountRemovedExamples,
  orgPolicyChangedExamples,
  orgAccountCreatedOrInvitedExamples,
  ssoPermissionSetChangedExamples,
  ssoAccountAssignmentChangedExamples,
  identityCenterUserCreatedExamples,
  cloudtrailLoggingStoppedExamples,
  monitorTamperedExamples,
  tamperingDeniedExamples,
  iamWriteDeniedExamples,
  iamChangeExamples,
]);

const BY_ID: ReadonlyMap<string, readonly DetectionExample[]> = new Map(
  CATALOG_EXAMPLES.map(({ detection, examples }) => [detection.id, examples]),
);

/** The examples of a detection of the catalog. */
export function examplesOf(detection: Detection): readonly DetectionExample[] {
  return BY_ID.get(detection.id) ?? [];
}

/**
 * The lists ordered as `CATALOG`.
 *
 * @throws DetectionDefinitionError for a detection of the catalog without examples, or examples of a
 *   detection the catalog does not hold.
 */
function inCatalogOrder(lists: readonly DetectionExamples[]): readonly DetectionExamples[] {
  const byId = new Map(lists.map((list) => [list.detection.id, list]));
  for (const list of lists) {
    if (!CATALOG.includes(list.detection))
      throw new DetectionDefinitionError(list.detection.id, ['examples of a detection not in the catalog']);
  }
  return Object.freeze(
    CATALOG.map((detection) => {
      const list = byId.get(detection.id);
      if (!list) throw new DetectionDefinitionError(detection.id, ['no examples (<id>.examples.ts)']);
      return list;
    }),
  );
}
