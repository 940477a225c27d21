/**
 * What an alert says about a ledger entry, independent of the channel: severity labels, the headline,
 * how the actor is named, and the ordered list of facts a responder needs. Values here are raw
 * (unescaped, untruncated); each channel escapes and cuts them for its own format.
 */

import { lastArnSegment } from '../../rules/arn';
import { actorLabel } from '../../rules/detections/define';
import { severityRank } from '../../rules/severity';
import type { Actor, DetectionHit, LedgerEntry, Severity } from '../../rules/types';
import { cloudTrailEventUrl } from './links';

export function severityLabel(severity: Severity): string {
  return severity.toUpperCase();
}

/** The detection that heads the alert: the most severe, the first one listed on a tie. */
export function leadDetection(entry: LedgerEntry): DetectionHit | undefined {
  let lead: DetectionHit | undefined;
  for (const hit of entry.detections) {
    if (!lead || severityRank(hit.severity) > severityRank(lead.severity)) lead = hit;
  }
  return lead;
}

/** One line saying what happened: the lead detection's title, else "<eventName> by <actor>". */
export function headline(entry: LedgerEntry): string {
  return leadDetection(entry)?.title ?? `${entry.eventName} by ${actorLabel(entry.actor)}`;
}

/** The actor's raw name (shown beside its type); titles and summaries use `actorLabel`. */
export function actorDisplayName(actor: Actor): string {
  return actor.name ?? actor.arn ?? actor.principalId ?? actor.type;
}

export function mfaLabel(mfa: boolean | undefined): 'yes' | 'no' | 'unknown' {
  if (mfa === undefined) return 'unknown';
  return mfa ? 'yes' : 'no';
}

export interface SessionIssuer {
  /** Name of the role that issued the session (last segment of the issuer ARN). */
  roleName: string;
  /** Identity Center permission set, when the role is an `AWSReservedSSO_<set>_<hash>` role. */
  permissionSet?: string;
}

const SSO_ROLE = /^AWSReservedSSO_(.+)_[0-9a-f]{16}$/;

/** The issuing role of an AssumedRole (or federated) session, read from its ARN. */
export function sessionIssuer(actor: Actor): SessionIssuer | undefined {
  const arn = actor.sessionIssuerArn;
  if (!arn) return undefined;
  const roleName = arn.slice(arn.lastIndexOf('/') + 1) || arn;
  const permissionSet = SSO_ROLE.exec(roleName)?.[1];
  return permissionSet ? { roleName, permissionSet } : { roleName };
}

/** What the actor's `name` is, so the alert can label it: an SSO user, a role session, or a name. */
export function actorNameLabel(actor: Actor): string {
  if (sessionIssuer(actor)?.permissionSet) return 'SSO user';
  if (actor.type === 'AssumedRole') return 'Session name';
  return 'Name';
}

export function yesNo(value: boolean): 'yes' | 'no' {
  return value ? 'yes' : 'no';
}

type FactKey =
  | 'event'
  | 'result'
  | 'eventTime'
  | 'account'
  | 'region'
  | 'actorType'
  | 'actorName'
  | 'sessionIssuer'
  | 'actorArn'
  | 'mfa'
  | 'sourceIdentity'
  | 'accessKeyId'
  | 'invokedBy'
  | 'targetType'
  | 'targetName'
  | 'targetArn'
  | 'targetAccount'
  | 'policyArn'
  | 'sourceIp'
  | 'vpcEndpoint'
  | 'via'
  | 'userAgent'
  | 'automation'
  | 'eventId'
  | 'cloudTrail';

export interface AlertFact {
  key: FactKey;
  label: string;
  /** Raw value: escape and truncate for the channel. */
  value: string;
}

/** Every fact of the entry a responder needs, in reading order; absent fields are left out. */
export function alertFacts(entry: LedgerEntry): AlertFact[] {
  const facts: AlertFact[] = [];
  const add = (key: FactKey, label: string, value: string | undefined) => {
    if (value !== undefined && value !== '') facts.push({ key, label, value });
  };
  const { actor, target } = entry;
  const issuer = sessionIssuer(actor);

  add('event', 'Event', `${entry.eventName} (${entry.eventSource})`);
  add(
    'result',
    'Result',
    entry.result === 'failure' ? `failure: ${entry.errorCode ?? 'unknown error'}` : 'success',
  );
  add('eventTime', 'Time', entry.eventTime);
  add('account', 'Account', accountLabel(entry));
  add('region', 'Region', entry.region);
  add('actorType', 'Actor type', actor.type);
  add('actorName', actorNameLabel(actor), actor.name);
  if (issuer) {
    const set = issuer.permissionSet ? ` (permission set ${issuer.permissionSet})` : '';
    add('sessionIssuer', 'Role', `${issuer.roleName}${set}`);
  }
  add('actorArn', 'Actor ARN', actor.arn);
  add('mfa', 'MFA', mfaLabel(actor.mfa));
  add('sourceIdentity', 'Source identity', actor.sourceIdentity);
  add('accessKeyId', 'Access key', actor.accessKeyId);
  add('invokedBy', 'Invoked by', actor.invokedBy);
  if (target) {
    add('targetType', 'Target type', target.type);
    add('targetName', 'Target', target.name);
    add('targetArn', 'Target ARN', target.arn);
    add('targetAccount', 'Target account', target.accountId);
  }
  add('policyArn', 'Policy ARN', entry.policyArn);
  if (entry.sourceIp) {
    add(
      'sourceIp',
      'Source IP',
      entry.sourceIpKind ? `${entry.sourceIp} (${entry.sourceIpKind})` : entry.sourceIp,
    );
  }
  add('vpcEndpoint', 'VPC endpoint', entry.vpcEndpointId);
  add('via', 'Via', entry.via);
  add('userAgent', 'User agent', entry.userAgent);
  add('automation', 'Automation', yesNo(entry.automation));
  add('eventId', 'Event ID', entry.eventId);
  add('cloudTrail', 'CloudTrail', cloudTrailEventUrl(entry.region, entry.eventId));
  return facts;
}

/** "prod-payments (111122223333)", or the bare id when the account has no configured name. */
export function accountLabel(entry: LedgerEntry): string {
  return entry.accountName ? `${entry.accountName} (${entry.accountId})` : entry.accountId;
}

const HEADER_WORD_CUT = /[\s/:._-]/;

/**
 * Shortens a value to `max` characters at a word boundary (space, `/`, `:`, `.`, `_`, `-`) with a
 * plain ellipsis, so a header never shows a cut in the middle of a word nor a truncation marker.
 * ARNs are read by their last segment first.
 */
function shortName(value: string, max: number): string {
  const readable = value.startsWith('arn:') ? (lastArnSegment(value) ?? value) : value;
  const line = readable.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  const room = line.slice(0, Math.max(1, max - 1));
  let cut = -1;
  for (let i = room.length - 1; i > 0; i--) {
    if (HEADER_WORD_CUT.test(room[i] ?? '')) {
      cut = i;
      break;
    }
  }
  return `${(cut > 0 ? room.slice(0, cut) : room).trimEnd()}…`;
}

/**
 * The alert's header as a short sentence: severity, what, to whom, by whom, where. For example
 * "HIGH: CreateAccessKey for bob by alice in prod-payments". Each part is shortened at a word boundary
 * until the whole, as `measure` counts it (a channel's escaping), fits `max`; the details (detection
 * titles, full names) stay in the body.
 */
export function headerSentence(
  entry: LedgerEntry,
  max: number,
  measure: (text: string) => number = (text) => text.length,
): string {
  const severity = severityLabel(entry.severity);
  const account = entry.accountName ?? entry.accountId;
  const target = entry.target?.name ?? entry.target?.arn ?? entry.policyArn;
  const actor = actorLabel(entry.actor);
  for (const part of [60, 40, 24, 12]) {
    const what = shortName(entry.eventName, part + 20);
    const whom = target ? ` for ${shortName(target, part)}` : '';
    const text = `${severity}: ${what}${whom} by ${shortName(actor, part)} in ${shortName(account, part)}`;
    if (measure(text) <= max) return text;
  }
  return `${severity}: ${shortName(entry.eventName, 40)}`;
}

/** One group of a policy change: "Principals newly trusted" and its (capped) items. */
interface PolicyChangeGroup {
  label: string;
  items: string[];
  /** Items the entry counted but does not list. */
  more: number;
}

export interface PolicyChange {
  /** One line: what the change was compared with, or why it was not. */
  summary: string;
  /** Most telling first: principals, actions, then whole statements. */
  groups: PolicyChangeGroup[];
}

const POLICY_CHANGE_GROUPS = [
  ['principalsAdded', 'Principals newly trusted'],
  ['principalsRemoved', 'Principals no longer trusted'],
  ['actionsAdded', 'Actions newly allowed'],
  ['actionsRemoved', 'Actions no longer allowed'],
  ['statementsAdded', 'Statements added'],
  ['statementsRemoved', 'Statements removed'],
] as const;

/** What the entry's policy diff says, as raw text (escape and cut per channel); undefined without one. */
export function policyChange(entry: LedgerEntry): PolicyChange | undefined {
  const diff = entry.policyDiff;
  if (!diff) return undefined;
  const what = diff.kind === 'trust' ? 'trust policy' : `${diff.kind} policy`;
  const previous = diff.previous
    ? `the ${diff.previous.eventName.startsWith('Delete') ? 'deletion' : 'version'} of ${diff.previous.eventTime} (${diff.previous.eventName} ${diff.previous.eventId})`
    : 'the previous version';
  const summaries: Record<typeof diff.status, string> = {
    changed: `${what} changed against ${previous}`,
    unchanged: `${what} unchanged against ${previous}`,
    'no-previous': `${what}: previous version not in the ledger`,
    unreadable: `${what}: not compared, the new document or ${previous} could not be read`,
    unavailable: `${what}: previous version could not be looked up, no comparison`,
  };
  const groups: PolicyChangeGroup[] = [];
  for (const [field, label] of POLICY_CHANGE_GROUPS) {
    const list = diff[field];
    if (!list || list.total === 0) continue;
    groups.push({ label, items: list.items, more: Math.max(0, list.total - list.items.length) });
  }
  return { summary: summaries[diff.status], groups };
}
