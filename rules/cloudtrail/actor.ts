/**
 * Who made a call: the `actor` of a ledger entry, read from CloudTrail's `userIdentity`.
 *
 * CloudTrail spells identities differently per type (an IAM user has a `userName`, an assumed role
 * only an ARN whose last segment is the session name, a service only `invokedBy` …), so each type
 * has its own rule for `name`. Fields CloudTrail left empty are absent, never `""`.
 */
import { lastArnSegment } from '../arn';
import type { Actor, CloudTrailRecord, CloudTrailUserIdentity } from '../types';

/** Builds the actor of a record. Never throws: an absent or odd `userIdentity` gives a sparse actor. */
export function normaliseActor(record: CloudTrailRecord): Actor {
  const identity = asIdentity(record.userIdentity);
  const type = text(identity.type) ?? 'Unknown';
  const actor: Actor = { type };
  const arn = text(identity.arn);
  const principalId = text(identity.principalId);
  const accountId = text(identity.accountId);
  const accessKeyId = text(identity.accessKeyId);
  const invokedBy = text(identity.invokedBy);
  const sessionContext = asObject(identity.sessionContext);
  const name = actorName(type, identity, arn, principalId, invokedBy);

  if (arn) actor.arn = arn;
  if (principalId) actor.principalId = principalId;
  if (name) actor.name = name;
  if (accountId) actor.accountId = accountId;
  if (type === 'AssumedRole' || type === 'FederatedUser') {
    const issuerArn = text(asObject(sessionContext.sessionIssuer).arn);
    if (issuerArn) actor.sessionIssuerArn = issuerArn;
  }
  const sourceIdentity = text(sessionContext.sourceIdentity) ?? text(identity.sourceIdentity);
  if (sourceIdentity) actor.sourceIdentity = sourceIdentity;
  if (accessKeyId) actor.accessKeyId = accessKeyId;
  const mfa = mfaOf(record, sessionContext);
  if (mfa !== undefined) actor.mfa = mfa;
  if (invokedBy) actor.invokedBy = invokedBy;
  return actor;
}

function actorName(
  type: string,
  identity: CloudTrailUserIdentity,
  arn: string | undefined,
  principalId: string | undefined,
  invokedBy: string | undefined,
): string | undefined {
  const userName = text(identity.userName);
  switch (type) {
    case 'Root':
      return 'root';
    case 'IAMUser':
      return userName ?? lastArnSegment(arn);
    case 'AssumedRole':
      // The session name is what identifies the human or workload; for Identity Center sessions
      // (issuer AWSReservedSSO_…) it is the SSO user name, for EC2 the instance id.
      return sessionName(arn, 'assumed-role/') ?? afterColon(principalId) ?? lastArnSegment(arn);
    case 'FederatedUser':
      return sessionName(arn, 'federated-user/') ?? afterColon(principalId) ?? userName;
    case 'AWSService':
      return invokedBy;
    case 'IdentityCenterUser':
      return text(asObject(identity.onBehalfOf).userId) ?? userName;
    case 'AWSAccount':
      return principalId ?? text(identity.accountId);
    case 'SAMLUser':
    case 'WebIdentityUser':
      return userName ?? afterColon(principalId);
    default:
      return userName ?? lastArnSegment(arn) ?? invokedBy;
  }
}

/**
 * The session name in an STS ARN: what follows `assumed-role/<role>/` or `federated-user/`.
 * STS ARNs never carry the role's path, so the role is always exactly one segment.
 */
function sessionName(arn: string | undefined, marker: string): string | undefined {
  if (!arn) return undefined;
  const at = arn.indexOf(marker);
  if (at < 0) return undefined;
  const rest = arn.slice(at + marker.length);
  if (marker === 'federated-user/') return text(rest);
  const slash = rest.indexOf('/');
  return slash < 0 ? undefined : text(rest.slice(slash + 1));
}

/** Principal ids of sessions are `<unique id>:<session name>`. */
function afterColon(principalId: string | undefined): string | undefined {
  if (!principalId) return undefined;
  const colon = principalId.lastIndexOf(':');
  return colon < 0 ? undefined : text(principalId.slice(colon + 1));
}

/**
 * Console sign-ins state MFA in `additionalEventData.MFAUsed` ("Yes"/"No", sometimes upper case);
 * API calls state it in `sessionContext.attributes.mfaAuthenticated` ("true"/"false").
 * Anything else means CloudTrail did not say.
 */
function mfaOf(record: CloudTrailRecord, sessionContext: Record<string, unknown>): boolean | undefined {
  const mfaUsed = text(asObject(record.additionalEventData).MFAUsed)?.toLowerCase();
  if (mfaUsed === 'yes') return true;
  if (mfaUsed === 'no') return false;
  const authenticated = text(asObject(sessionContext.attributes).mfaAuthenticated)?.toLowerCase();
  if (authenticated === 'true') return true;
  if (authenticated === 'false') return false;
  return undefined;
}

function asIdentity(value: unknown): CloudTrailUserIdentity {
  return asObject(value) as CloudTrailUserIdentity;
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
