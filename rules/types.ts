/**
 * Core data contracts of iamwatch. Pure types: no runtime code, no AWS imports.
 *
 * The ledger entry shape is the public contract fixed by the design (`iamwatch replay --format jsonl`,
 * `iamwatch history --format json` and the DynamoDB item all carry it). Fields are absent rather than
 * empty strings when CloudTrail did not provide them.
 */
import type { RequestPolicies } from './policy/document';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A CloudTrail record as CloudTrail writes it (validated at the edge by `rules/cloudtrail`). */
export interface CloudTrailRecord {
  eventVersion?: string;
  eventID: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
  eventType?: string;
  eventCategory?: string;
  awsRegion?: string;
  recipientAccountId?: string;
  sourceIPAddress?: string;
  userAgent?: string;
  userIdentity?: CloudTrailUserIdentity;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown> | null;
  serviceEventDetails?: Record<string, unknown> | null;
  errorCode?: string;
  errorMessage?: string;
  readOnly?: boolean;
  managementEvent?: boolean;
  requestID?: string;
  sessionCredentialFromConsole?: string;
  vpcEndpointId?: string;
  vpcEndpointAccountId?: string;
  tlsDetails?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface CloudTrailUserIdentity {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
  identityProvider?: string;
  credentialId?: string;
  onBehalfOf?: { userId?: string; identityStoreArn?: string };
  sessionContext?: {
    sessionIssuer?: {
      type?: string;
      principalId?: string;
      arn?: string;
      accountId?: string;
      userName?: string;
    };
    webIdFederationData?: Record<string, unknown>;
    attributes?: { creationDate?: string; mfaAuthenticated?: string };
    sourceIdentity?: string;
    ec2RoleDelivery?: string;
    assumedRoot?: string;
  };
  [key: string]: unknown;
}

/** The EventBridge envelope CloudTrail produces for a record ("AWS API Call via CloudTrail" etc.). */
export interface EventBridgeEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: CloudTrailRecord;
  'replay-name'?: string;
}

export interface Actor {
  /** CloudTrail userIdentity.type as written (IAMUser, AssumedRole, Root, AWSService, …); "Unknown" when absent. */
  type: string;
  arn?: string;
  principalId?: string;
  /** IAM user name, role session name for AssumedRole, "root" for Root, service principal for AWSService. */
  name?: string;
  accountId?: string;
  /** AssumedRole only: the role that issued the session. */
  sessionIssuerArn?: string;
  sourceIdentity?: string;
  accessKeyId?: string;
  /** sessionContext.attributes.mfaAuthenticated or additionalEventData.MFAUsed, when stated. */
  mfa?: boolean;
  invokedBy?: string;
}

export type TargetType =
  | 'user'
  | 'role'
  | 'group'
  | 'policy'
  | 'access-key'
  | 'login-profile'
  | 'mfa-device'
  | 'identity-provider'
  | 'account'
  | 'organizational-unit'
  | 'organization-policy'
  | 'permission-set'
  | 'account-assignment'
  | 'identity-center-user'
  | 'trail'
  | 'event-rule'
  | 'resource'
  | 'password-policy';

export interface Target {
  type: TargetType;
  name?: string;
  arn?: string;
  /** The account the target lives in, when it differs from or refines the event's account. */
  accountId?: string;
}

export type SourceIpKind = 'ipv4' | 'ipv6' | 'aws-service' | 'aws-internal' | 'other';
export type Via =
  | 'console'
  | 'cli'
  | 'sdk'
  | 'terraform'
  | 'cloudformation'
  | 'cdk'
  | 'aws-service'
  | 'other';

export interface DetectionHit {
  id: string;
  severity: Severity;
  title: string;
}

/** One ledger entry per CloudTrail event: the public contract. */
export interface LedgerEntry {
  eventId: string;
  eventTime: string;
  eventSource: string;
  eventName: string;
  accountId: string;
  accountName?: string;
  /** The account's OU path in the organization (`Root/Workloads/Prod`), when known. */
  ouPath?: string;
  region: string;
  actor: Actor;
  target?: Target;
  policyArn?: string;
  /**
   * The access key an IAM call created or changed (CreateAccessKey's new key, the key of
   * Update/DeleteAccessKey): not the caller's own key, which is `actor.accessKeyId`.
   */
  accessKeyId?: string;
  /** The group an IAM call names (AddUserToGroup, RemoveUserFromGroup …) when the target is not the group. */
  groupName?: string;
  sourceIp?: string;
  sourceIpKind?: SourceIpKind;
  vpcEndpointId?: string;
  userAgent?: string;
  via?: Via;
  result: 'success' | 'failure';
  errorCode?: string;
  automation: boolean;
  detections: DetectionHit[];
  severity: Severity;
  /**
   * The end-to-end canary's own scheduled write (`rules/canary.ts`): recorded like any entry, labelled,
   * never alerted on. Absent on every other entry.
   */
  canary?: true;
  /**
   * What a policy or trust change changed against the previous version the ledger holds
   * (UpdateAssumeRolePolicy, CreatePolicyVersion, Put{User,Group,Role}Policy,
   * PutInlinePolicyToPermissionSet). Absent on every other event and on entries written before it existed.
   */
  policyDiff?: PolicyDiff;
}

/** Which kind of policy a diff is about; each has its own identity (see `rules/policy/versions.ts`). */
export type PolicyKind = 'trust' | 'managed' | 'inline' | 'permission-set';

/**
 * `changed` / `unchanged`: compared with the previous version. `no-previous`: the ledger holds no earlier
 * version. `unreadable`: it holds one, but that document or the new one cannot be parsed (a raw
 * record shortened to fit the ledger, a document too large to inspect, garbage).
 * `unavailable`: the lookup failed; the entry was recorded without a comparison.
 */
export type PolicyDiffStatus = 'changed' | 'unchanged' | 'no-previous' | 'unreadable' | 'unavailable';

/** A capped list: at most a few items are kept (each cut short), `total` counts them all. */
export interface PolicyDiffList {
  items: string[];
  total: number;
}

/** A policy change, summarised small enough to live on the entry and in an alert. */
export interface PolicyDiff {
  status: PolicyDiffStatus;
  kind: PolicyKind;
  /** The entry holding the previous version, when one was found. */
  previous?: { eventId: string; eventTime: string; eventName: string };
  statementsAdded?: PolicyDiffList;
  statementsRemoved?: PolicyDiffList;
  /** Trust policies: principals that may now assume the role, and those that no longer may. */
  principalsAdded?: PolicyDiffList;
  principalsRemoved?: PolicyDiffList;
  /** Actions an Allow statement now names that no earlier Allow statement covered, and the reverse. */
  actionsAdded?: PolicyDiffList;
  actionsRemoved?: PolicyDiffList;
}

/**
 * What detections see: every ledger field except the verdict, plus the raw request/response and
 * flags a detection needs. Built by `rules/normalise.ts`.
 */
export interface NormalisedEvent
  extends Omit<LedgerEntry, 'detections' | 'severity' | 'canary' | 'policyDiff'> {
  /** requestParameters, `{}` when absent. */
  request: Record<string, unknown>;
  /** responseElements, `{}` when absent. */
  response: Record<string, unknown>;
  additionalEventData: Record<string, unknown>;
  /** True when CloudTrail marked the call read-only, or the event name is a read verb. */
  readOnly: boolean;
  eventType?: string;
  record: CloudTrailRecord;
  /** The policy documents in `request`, parsed once for all detections. */
  policies: RequestPolicies;
}

/** Configuration detections and the normaliser consult. All lists may be empty. */
export interface DetectionContext {
  /** Accounts of the organization: trust to these is not "external". */
  organizationAccountIds: readonly string[];
  /** Further accounts trusted by policy (vendors, partners). */
  trustedAccountIds: readonly string[];
  /** Principal ARNs (with `*` wildcards) that are automation: labelled, lowered one severity step. */
  automationPrincipals: readonly string[];
  /** Name prefix of iamwatch's own resources (rules, functions, table, topic), for monitor-tampered. */
  monitorResourcePrefix: string;
  /**
   * Principal ARNs (with `*` wildcards) that deploy iamwatch itself: automation, and their CloudFormation
   * changes to iamwatch's resources are expected (monitor-tampered, low) rather than paged.
   */
  deploymentPrincipals?: readonly string[];
  /** Account id → friendly name. */
  accountNames: Readonly<Record<string, string>>;
  /** Account id → OU path from the root (`Root/Workloads/Prod`), from AWS Organizations. */
  accountOuPaths: Readonly<Record<string, string>>;
  /** The end-to-end canary, when deployed: whose scheduled write is labelled `canary` (`rules/canary.ts`). */
  canary?: CanaryIdentity;
}

/** What identifies the canary's scheduled write: who tags which role, in which account. */
export interface CanaryIdentity {
  /** The monitor (security) account, where the canary role and the canary function live. */
  accountId: string;
  /** The dedicated role the canary tags. */
  roleName: string;
  /** The canary function's execution role: the only principal whose TagRole counts. */
  writerRoleName: string;
}

/** What a detection listens to; the EventBridge patterns are derived from these. */
export interface Trigger {
  /** EventBridge sources (`aws.iam`, `aws.signin`, …). Absent = any source (e.g. root activity). */
  sources?: readonly string[];
  /** Exact event names. */
  eventNames?: readonly string[];
  /** Event-name prefixes (mutating verbs: Create, Delete, Put, …) for catch-all detections. */
  eventNamePrefixes?: readonly string[];
  /** Restrict to these userIdentity.type values (e.g. Root). */
  userIdentityTypes?: readonly string[];
}

/**
 * A raw CloudTrail record a detection must fire on, or must not (a near miss). Each detection's
 * examples live next to it in `rules/detections/<id>.examples.ts`, a module the Lambdas never load.
 */
export interface DetectionExample {
  name: string;
  /** Whether the detection must fire. Every detection has at least one true and one near-miss false. */
  expect: boolean;
  /** Expected severity when it fires (checked when given). */
  severity?: Severity;
  /** A raw CloudTrail record; examples go through the real normaliser. */
  event: CloudTrailRecord;
  /** Context overrides for this example (e.g. trusted accounts). */
  context?: Partial<DetectionContext>;
}

export interface Detection {
  /** Stable public id, equal to the file name in rules/detections. Never renamed. */
  id: string;
  status: 'stable' | 'experimental' | 'deprecated';
  title: (e: NormalisedEvent, ctx: DetectionContext) => string;
  /** Usual severity; `severityOf` refines it per event (e.g. critical without MFA). */
  severity: Severity;
  /** All severities this detection can emit, for the catalog listing. */
  severities: readonly Severity[];
  severityOf?: (e: NormalisedEvent, ctx: DetectionContext) => Severity;
  description: string;
  runbook: string;
  references: readonly string[];
  mitre: readonly { id: string; name: string }[];
  falsePositives: readonly string[];
  /** What it listens to, always a list (`defineDetection` turns a single trigger into one). */
  trigger: readonly Trigger[];
  /** Only evaluated when no other detection fired (the `iam-change` catch-all). */
  fallback?: boolean;
  match: (e: NormalisedEvent, ctx: DetectionContext) => boolean;
}

/** A detection with its positive and near-miss examples (at least one of each). */
export interface DetectionExamples {
  detection: Detection;
  examples: readonly DetectionExample[];
}
