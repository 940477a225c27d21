/**
 * What every per-service extractor reads: the call seen as plain fields, and the small total helpers
 * that turn CloudTrail's loosely typed parameters into target fields (a missing, non-string or
 * hidden value is `undefined`, never a throw).
 */
import type { CloudTrailRecord, Target, TargetType } from '../types';

/** What a call acted on, and the managed policy it names (attach, detach, boundary, version). */
export interface ExtractedTarget {
  target?: Target;
  policyArn?: string;
}

/** CloudTrail writes this instead of values it will not log (user names of failed sign-ins, emails). */
export const HIDDEN_VALUE = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/** A JSON object read loosely: every key may hold anything. */
export type Fields = Record<string, unknown>;

/** One call as an extractor sees it: request and response as fields, the account and partition acted in. */
export interface CallView {
  record: CloudTrailRecord;
  eventName: string;
  request: Fields;
  response: Fields;
  accountId?: string;
  partition: string;
}

/** Finds the target of one service's calls. Total: odd parameters give `{}`. */
export type Extractor = (call: CallView) => ExtractedTarget;

/** Builds the view an extractor reads. */
export function callView(record: CloudTrailRecord): CallView {
  const call: CallView = {
    record,
    eventName: record.eventName,
    request: fields(record.requestParameters),
    response: fields(record.responseElements),
    partition: partitionOf(record),
  };
  const accountId = text(record.recipientAccountId) ?? text(record.userIdentity?.accountId);
  if (accountId) call.accountId = accountId;
  return call;
}

function partitionOf(record: CloudTrailRecord): string {
  const fromArn = /^arn:(aws[a-z-]*):/.exec(text(record.userIdentity?.arn) ?? '')?.[1];
  if (fromArn) return fromArn;
  const region = record.awsRegion ?? '';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** `{ target }` when there is one, else `{}`. */
export function wrap(target: Target | undefined): ExtractedTarget {
  return target ? { target } : {};
}

/** A target without the fields that came out empty. */
export function compact(target: {
  type: TargetType;
  name?: string;
  arn?: string;
  accountId?: string;
}): Target {
  const result: Target = { type: target.type };
  if (target.name) result.name = target.name;
  if (target.arn) result.arn = target.arn;
  if (target.accountId) result.accountId = target.accountId;
  return result;
}

/** The `index`th `:`-separated part of an ARN (5 is the resource of `arn:aws:sns:r:a:topic`). */
export function arnPart(arn: string, index: number): string | undefined {
  return text(arn.split(':')[index]);
}

/** The value when it is an ARN; a plain name gives `undefined`. */
export function arnOrUndefined(value: string): string | undefined {
  return value.startsWith('arn:') ? value : undefined;
}

/** `object[key][inner]`, `undefined` when `object[key]` is not an object. */
export function field(object: Fields, key: string, inner: string): unknown {
  return fields(object[key])[inner];
}

/** The value as fields, `{}` when it is not a plain object. */
export function fields(value: unknown): Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : {};
}

/** A non-empty string CloudTrail did not hide, else `undefined`. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value !== HIDDEN_VALUE ? value : undefined;
}
