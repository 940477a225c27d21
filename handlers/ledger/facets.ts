/**
 * Which facet-index partitions an entry appears in. One entry can sit in several partitions of the
 * same facet (an AssumedRole actor is findable by session ARN, role ARN and session name; an entry can
 * fire several detections), which is why facets are separate sparse items rather than attributes of
 * the entry item.
 */
import { lastArnSegment } from '../../rules/arn';
import type { LedgerEntry, TargetType } from '../../rules/types';
import { type Facet, facetKey } from './keys';

/** Every value a target can be looked up by: its name and ARN, and the policy the call named. */
export function targetValues(entry: LedgerEntry): string[] {
  const policyName = lastArnSegment(entry.policyArn);
  return [entry.target?.name, entry.target?.arn, entry.policyArn, policyName].filter(isPresent);
}

/** Every value an actor can be looked up by: ARN, session issuer (role) ARN, user or session name. */
export function actorValues(entry: LedgerEntry): string[] {
  return [entry.actor.arn, entry.actor.sessionIssuerArn, entry.actor.name].filter(isPresent);
}

/**
 * `<account>#<type>#<name>` for lookups like "user bob in account 111122223333". The account is the
 * event's account, the same one the `account` filter tests, so the partition holds exactly the matches.
 */
function targetInAccountValue(entry: LedgerEntry): string | undefined {
  if (!entry.target?.name) return undefined;
  return targetInAccount(entry.accountId, entry.target.type, entry.target.name);
}

export function targetInAccount(accountId: string, type: TargetType, name: string): string {
  return `${accountId}#${type}#${name}`;
}

/**
 * The facet keys of every index item written for `entry` (the day facet lives on the entry item
 * itself). Deduplicated, so each (facet, value) pair is one item.
 */
export function indexFacetKeys(entry: LedgerEntry): string[] {
  const pairs: [Facet, string | undefined][] = [
    ...actorValues(entry).map((value): [Facet, string] => ['actor', value]),
    ...targetValues(entry).map((value): [Facet, string] => ['target', value]),
    ['target-in', targetInAccountValue(entry)],
    ['account', entry.accountId],
    ['ip', entry.sourceIp],
    ['event', entry.eventName],
    ...entry.detections.map((hit): [Facet, string] => ['detection', hit.id]),
    // info is the bulk of the ledger: a minimum-severity query never needs it, so it is not indexed.
    ['severity', entry.severity === 'info' ? undefined : entry.severity],
  ];
  const keys = pairs.flatMap(([facet, value]) => (value ? [facetKey(facet, value)] : []));
  return [...new Set(keys)];
}

function isPresent(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}
