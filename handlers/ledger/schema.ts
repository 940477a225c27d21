/**
 * The stored-entry schema: what the codec checks before writing and after reading, so a malformed
 * entry is refused at the edge and a corrupt item is reported instead of flowing on as a lie. Objects
 * are loose: a field added to the contract later survives a round trip through an older reader.
 */
import * as z from 'zod/mini';
import {
  type PolicyDiffStatus,
  type PolicyKind,
  SEVERITIES,
  type SourceIpKind,
  type TargetType,
  type Via,
} from '../../rules/types';
import type { ChannelDelivery, EntryOrigin } from '../ports';

// Records keyed by the union: adding a member to the contract without adding it here fails to compile.
const TARGET_TYPES: Record<TargetType, true> = {
  user: true,
  role: true,
  group: true,
  policy: true,
  'access-key': true,
  'login-profile': true,
  'mfa-device': true,
  'identity-provider': true,
  account: true,
  'organizational-unit': true,
  'organization-policy': true,
  'permission-set': true,
  'account-assignment': true,
  'identity-center-user': true,
  trail: true,
  'event-rule': true,
  resource: true,
  'password-policy': true,
};
const SOURCE_IP_KINDS: Record<SourceIpKind, true> = {
  ipv4: true,
  ipv6: true,
  'aws-service': true,
  'aws-internal': true,
  other: true,
};
const VIAS: Record<Via, true> = {
  console: true,
  cli: true,
  sdk: true,
  terraform: true,
  cloudformation: true,
  cdk: true,
  'aws-service': true,
  other: true,
};
const ORIGINS: Record<EntryOrigin, true> = {
  live: true,
  replay: true,
  backfill: true,
  'eventbridge-replay': true,
};
const DELIVERY_STATUSES: Record<ChannelDelivery['status'], true> = {
  delivered: true,
  failed: true,
  permanent: true,
  suppressed: true,
  folded: true,
  skipped: true,
};

/** True when `value` names a target type of the contract. */
export function isTargetType(value: string): value is TargetType {
  return Object.hasOwn(TARGET_TYPES, value);
}

function oneOf<T extends string>(members: Record<T, true>) {
  return z.custom<T>((value) => typeof value === 'string' && Object.hasOwn(members, value), {
    message: `expected one of ${Object.keys(members).join(', ')}`,
  });
}

const isoTime = z
  .string()
  .check(z.refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO-8601 time'));
const text = z.string();
const nonEmpty = z.string().check(z.minLength(1));
const optionalText = z.optional(text);
const severity = z.enum(SEVERITIES);

const actorSchema = z.looseObject({
  type: text,
  arn: optionalText,
  principalId: optionalText,
  name: optionalText,
  accountId: optionalText,
  sessionIssuerArn: optionalText,
  sourceIdentity: optionalText,
  accessKeyId: optionalText,
  mfa: z.optional(z.boolean()),
  invokedBy: optionalText,
});

const targetSchema = z.looseObject({
  type: oneOf(TARGET_TYPES),
  name: optionalText,
  arn: optionalText,
  accountId: optionalText,
});

const channelDeliverySchema = z.looseObject({
  status: oneOf(DELIVERY_STATUSES),
  at: text,
  attempts: z.int().check(z.nonnegative()),
  error: optionalText,
  suppressionId: optionalText,
  burst: optionalText,
});

const POLICY_KINDS: Record<PolicyKind, true> = {
  trust: true,
  managed: true,
  inline: true,
  'permission-set': true,
};
const POLICY_DIFF_STATUSES: Record<PolicyDiffStatus, true> = {
  changed: true,
  unchanged: true,
  'no-previous': true,
  unreadable: true,
  unavailable: true,
};

const policyDiffListSchema = z.looseObject({
  items: z.array(text),
  total: z.int().check(z.nonnegative()),
});

/** Optional: entries of other events, and entries written before diffs existed, have none. */
const policyDiffSchema = z.looseObject({
  status: oneOf(POLICY_DIFF_STATUSES),
  kind: oneOf(POLICY_KINDS),
  previous: z.optional(z.looseObject({ eventId: nonEmpty, eventTime: text, eventName: text })),
  statementsAdded: z.optional(policyDiffListSchema),
  statementsRemoved: z.optional(policyDiffListSchema),
  principalsAdded: z.optional(policyDiffListSchema),
  principalsRemoved: z.optional(policyDiffListSchema),
  actionsAdded: z.optional(policyDiffListSchema),
  actionsRemoved: z.optional(policyDiffListSchema),
});

/** A `StoredEntry` as JSON data. */
export const storedEntrySchema = z.looseObject({
  eventId: nonEmpty,
  eventTime: isoTime,
  eventSource: text,
  eventName: nonEmpty,
  accountId: text,
  accountName: optionalText,
  ouPath: optionalText,
  region: text,
  actor: actorSchema,
  target: z.optional(targetSchema),
  policyArn: optionalText,
  accessKeyId: optionalText,
  groupName: optionalText,
  sourceIp: optionalText,
  sourceIpKind: z.optional(oneOf(SOURCE_IP_KINDS)),
  vpcEndpointId: optionalText,
  userAgent: optionalText,
  via: z.optional(oneOf(VIAS)),
  result: z.enum(['success', 'failure']),
  errorCode: optionalText,
  automation: z.boolean(),
  detections: z.array(z.looseObject({ id: nonEmpty, severity, title: text })),
  severity,
  /** The end-to-end canary's write (`rules/canary.ts`); absent on every other entry. */
  canary: z.optional(z.literal(true)),
  origin: oneOf(ORIGINS),
  recordedAt: isoTime,
  delivery: z.optional(z.record(z.string(), channelDeliverySchema)),
  policyDiff: z.optional(policyDiffSchema),
});

/** The fields every raw CloudTrail record must keep, even truncated. */
export const rawRecordSchema = z.looseObject({
  eventID: nonEmpty,
  eventTime: text,
  eventName: text,
  eventSource: text,
});

const SEVERITY_SET: ReadonlySet<unknown> = new Set(SEVERITIES);
const ENTRY_STRINGS = ['eventSource', 'accountId', 'region'] as const;
const ENTRY_OPTIONAL_STRINGS = [
  'accountName',
  'ouPath',
  'policyArn',
  'accessKeyId',
  'groupName',
  'sourceIp',
  'vpcEndpointId',
  'userAgent',
  'errorCode',
] as const;
const ACTOR_OPTIONAL_STRINGS = [
  'arn',
  'principalId',
  'name',
  'accountId',
  'sessionIssuerArn',
  'sourceIdentity',
  'accessKeyId',
  'invokedBy',
] as const;

/**
 * The fast path of {@link storedEntrySchema}: a copy of `value` when it certainly passes the schema,
 * `undefined` when it might not (the caller then runs the schema, which decides and explains). Every
 * insert goes through here, and the schema parse costs more than normalising and judging the event;
 * a test keeps the two in agreement.
 */
export function copyIfValidEntry(value: unknown): z.infer<typeof storedEntrySchema> | undefined {
  if (!isRecord(value)) return undefined;
  const e = value;
  if (!nonEmptyString(e.eventId) || !nonEmptyString(e.eventName) || !isIsoTime(e.eventTime)) return undefined;
  if (!isIsoTime(e.recordedAt) || !ENTRY_STRINGS.every((key) => typeof e[key] === 'string')) return undefined;
  if (!ENTRY_OPTIONAL_STRINGS.every((key) => e[key] === undefined || typeof e[key] === 'string'))
    return undefined;
  if (e.result !== 'success' && e.result !== 'failure') return undefined;
  if (typeof e.automation !== 'boolean' || !SEVERITY_SET.has(e.severity)) return undefined;
  if (e.canary !== undefined && e.canary !== true) return undefined;
  if (!memberOrAbsent(SOURCE_IP_KINDS, e.sourceIpKind) || !memberOrAbsent(VIAS, e.via)) return undefined;
  if (typeof e.origin !== 'string' || !Object.hasOwn(ORIGINS, e.origin)) return undefined;
  const actor = e.actor;
  if (!isRecord(actor) || typeof actor.type !== 'string') return undefined;
  if (!ACTOR_OPTIONAL_STRINGS.every((key) => actor[key] === undefined || typeof actor[key] === 'string')) {
    return undefined;
  }
  if (actor.mfa !== undefined && typeof actor.mfa !== 'boolean') return undefined;
  const target = e.target;
  if (target !== undefined) {
    if (!isRecord(target) || typeof target.type !== 'string' || !isTargetType(target.type)) return undefined;
    if (![target.name, target.arn, target.accountId].every((v) => v === undefined || typeof v === 'string')) {
      return undefined;
    }
  }
  if (!Array.isArray(e.detections)) return undefined;
  for (const hit of e.detections) {
    if (
      !isRecord(hit) ||
      !nonEmptyString(hit.id) ||
      typeof hit.title !== 'string' ||
      !SEVERITY_SET.has(hit.severity)
    ) {
      return undefined;
    }
  }
  // Delivery state never comes with a new entry: the whole schema checks and copies it.
  if (e.delivery !== undefined) return undefined;
  // Policy changes only, nested: its own schema checks and copies it, the rest stays on the fast path.
  let policyDiff: unknown;
  if (e.policyDiff !== undefined) {
    const checked = policyDiffSchema.safeParse(e.policyDiff);
    if (!checked.success) return undefined;
    policyDiff = checked.data;
  }
  const copy: Record<string, unknown> = {
    ...e,
    actor: { ...actor },
    detections: e.detections.map((hit) => ({ ...hit })),
  };
  if (target !== undefined) copy.target = { ...target };
  if (policyDiff !== undefined) copy.policyDiff = policyDiff;
  return copy as z.infer<typeof storedEntrySchema>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isIsoTime(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

function memberOrAbsent(members: Record<string, true>, value: unknown): boolean {
  return value === undefined || (typeof value === 'string' && Object.hasOwn(members, value));
}
