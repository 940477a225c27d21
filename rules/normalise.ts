/**
 * Turns a validated CloudTrail record into the event detections judge and the ledger stores.
 * Pure: the same record and context always give the same result.
 */
import { normaliseActor } from './cloudtrail/actor';
import { classifySourceIp, classifyVia } from './cloudtrail/classify';
import { isReadOnlyEventName } from './cloudtrail/verbs';
import { RequestPolicies } from './policy/document';
import { wildcardMatches } from './policy/wildcard';
import { extractTarget } from './target';
import type { Actor, CloudTrailRecord, DetectionContext, NormalisedEvent } from './types';

const IAM_SOURCE = 'iam.amazonaws.com';
const EMPTY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

export function normalise(record: CloudTrailRecord, ctx: DetectionContext): NormalisedEvent {
  const actor = normaliseActor(record);
  const accountId =
    record.recipientAccountId ?? actor.accountId ?? record.userIdentity?.accountId ?? 'unknown';
  const { target, policyArn } = extractTarget(record);
  const sourceIp = nonEmpty(record.sourceIPAddress);
  const userAgent = nonEmpty(record.userAgent);
  const failed = isFailure(record);
  const request = asObject(record.requestParameters);
  const event: NormalisedEvent = {
    eventId: record.eventID,
    eventTime: record.eventTime,
    eventSource: record.eventSource,
    eventName: record.eventName,
    accountId,
    region: record.awsRegion ?? 'us-east-1',
    actor,
    result: failed ? 'failure' : 'success',
    automation: isAutomation(actor, ctx),
    request,
    response: asObject(record.responseElements),
    additionalEventData: asObject(record.additionalEventData),
    readOnly: record.readOnly ?? isReadOnlyEventName(record.eventName),
    record,
    policies: new RequestPolicies(request),
  };
  const accountName = ctx.accountNames[accountId];
  if (accountName) event.accountName = accountName;
  const ouPath = ctx.accountOuPaths[accountId];
  if (ouPath) event.ouPath = ouPath;
  if (target) event.target = target;
  if (policyArn) event.policyArn = policyArn;
  if (record.eventSource === IAM_SOURCE) {
    const request = asObject(record.requestParameters);
    const createdKey = asObject(asObject(record.responseElements).accessKey);
    const accessKeyId = nonEmpty(createdKey.accessKeyId) ?? nonEmpty(request.accessKeyId);
    if (accessKeyId) event.accessKeyId = accessKeyId;
    const groupName = nonEmpty(request.groupName);
    if (groupName && target?.type !== 'group') event.groupName = groupName;
  }
  if (sourceIp) {
    event.sourceIp = sourceIp;
    event.sourceIpKind = classifySourceIp(sourceIp);
  }
  const vpcEndpointId = nonEmpty(record.vpcEndpointId);
  if (vpcEndpointId) event.vpcEndpointId = vpcEndpointId;
  if (userAgent) event.userAgent = userAgent;
  const via = classifyVia(userAgent, actor, sourceIp, record.sessionCredentialFromConsole === 'true');
  if (via) event.via = via;
  if (failed) event.errorCode = failureCode(record);
  if (record.eventType) event.eventType = record.eventType;
  return event;
}

/**
 * CloudTrail marks failures with errorCode; console sign-in events instead carry
 * `responseElements.ConsoleLogin: "Failure"` (sometimes with errorMessage only).
 */
function isFailure(record: CloudTrailRecord): boolean {
  if (nonEmpty(record.errorCode)) return true;
  const response = asObject(record.responseElements);
  for (const value of Object.values(response)) {
    if (value === 'Failure') return true;
  }
  return false;
}

function failureCode(record: CloudTrailRecord): string {
  return nonEmpty(record.errorCode) ?? nonEmpty(record.errorMessage) ?? 'Failure';
}

function isAutomation(actor: Actor, ctx: DetectionContext): boolean {
  if (actor.invokedBy === 'cloudformation.amazonaws.com') return true;
  return isPrincipalIn(actor, ctx.automationPrincipals);
}

/** Whether the actor, or the role behind its session, matches one of the ARN patterns (`*` wildcards). */
export function isPrincipalIn(actor: Actor, patterns: readonly string[]): boolean {
  const candidates = [actor.arn, actor.sessionIssuerArn].filter((v): v is string => !!v);
  return patterns.some((pattern) => candidates.some((arn) => wildcardMatches(pattern, arn)));
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : EMPTY;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
