/**
 * The target of a call: whom or what the actor acted on. Actor vs target is the heart of iamwatch,
 * and where well-known rule sets went wrong, so the rules are spelled out:
 *
 * - The target comes from `requestParameters` (userName, roleName, groupName, policyArn …) or, for
 *   created things, from `responseElements` (the new user's ARN, the new key's user …).
 * - When a call names a principal, the principal is the target (AttachUserPolicy → the user, the
 *   policy goes to `policyArn`; CreateAccessKey → the user who gets the key). Otherwise the resource
 *   is (a trail, a permission set, an identity provider).
 * - Calls whose user name is optional act on the caller when it is left out (CreateAccessKey without
 *   userName mints a key for the caller itself; for the root user, a root key).
 * - ARNs are built from names only when unambiguous: IAM users and roles can live under a path that
 *   most calls do not repeat, so a bare name gives a name, not a guessed ARN.
 */
import type { CloudTrailRecord } from '../types';
import { callView, type ExtractedTarget, type Extractor } from './call';
import { iamTarget } from './iam';
import { identityStoreTarget, ssoTarget } from './identity-center';
import { organizationsTarget } from './organizations';
import { cloudTrailTarget, dynamodbTarget, eventsTarget, lambdaTarget, snsTarget } from './pipeline-services';
import { stsTarget } from './sts';

export { type ExtractedTarget, HIDDEN_VALUE } from './call';
export { isRootTarget, isSamePrincipal } from './principal';

/** Finds the target of a record. Total: an unknown call or odd parameters give `{}`. */
export function extractTarget(record: CloudTrailRecord): ExtractedTarget {
  const extractor = EXTRACTORS[serviceOf(record.eventSource)];
  return extractor ? extractor(callView(record)) : {};
}

const EXTRACTORS: Readonly<Record<string, Extractor>> = {
  iam: iamTarget,
  organizations: organizationsTarget,
  sso: ssoTarget,
  identitystore: identityStoreTarget,
  'sso-directory': identityStoreTarget,
  sts: stsTarget,
  cloudtrail: cloudTrailTarget,
  events: eventsTarget,
  lambda: lambdaTarget,
  dynamodb: dynamodbTarget,
  sns: snsTarget,
};

function serviceOf(eventSource: string): string {
  const dot = eventSource.indexOf('.');
  return dot < 0 ? eventSource : eventSource.slice(0, dot);
}
