/**
 * What changed between two versions of a policy document, summarised for a ledger entry and an alert:
 * statements added and removed, principals newly trusted (and no longer trusted), actions newly
 * allowed (and no longer allowed). Pure and total; every list is capped and every item cut short, so a
 * hostile 130 KB document yields a diff of a few KB.
 *
 * Statements compare by meaning, not by text: `Statement` as object or list, `Action` as string or
 * list, element order, action case and `Sid` do not make two statements differ.
 */
import type { DetectionContext, PolicyDiff, PolicyDiffList, PolicyKind } from '../types';
import { listOf, type PolicyDocument, type PolicyStatement, parsePolicyDocument } from './document';
import { analyseTrust, type TrustFinding } from './trust';
import { actionMatches } from './wildcard';

/** Items kept per list; the list's `total` still counts every item. */
export const DIFF_LIST_ITEMS = 8;
/** Longest item kept, in characters; longer ones end in `…`. */
export const DIFF_ITEM_CHARS = 240;

export interface DiffOptions {
  /** For trust policies: marks principals outside the organization and public ones. */
  context?: Pick<DetectionContext, 'organizationAccountIds' | 'trustedAccountIds'>;
  /** The account the policy lives in (trust to it is not external). */
  accountId?: string;
}

/**
 * Compares two versions of one policy. Either document may be JSON text (URL-encoded or not) or an
 * object; one that does not parse gives status `unreadable` and no lists.
 */
export function diffPolicyDocuments(
  kind: PolicyKind,
  previous: unknown,
  current: unknown,
  options: DiffOptions = {},
): PolicyDiff {
  const before = parsePolicyDocument(previous);
  const after = parsePolicyDocument(current);
  if (!before || !after) return { status: 'unreadable', kind };
  const diff: PolicyDiff = { status: 'unchanged', kind };
  const oldKeys = countKeys(before.Statement);
  const newKeys = countKeys(after.Statement);
  const added = after.Statement.filter((s) => takeOne(oldKeys, statementKey(s)) === false);
  const removed = before.Statement.filter((s) => takeOne(newKeys, statementKey(s)) === false);
  if (added.length === 0 && removed.length === 0) return diff;
  diff.status = 'changed';
  setList(diff, 'statementsAdded', added.map(describeStatement));
  setList(diff, 'statementsRemoved', removed.map(describeStatement));
  if (kind === 'trust') {
    const oldPrincipals = trustedPrincipals(before);
    const newPrincipals = trustedPrincipals(after);
    const notes = options.context ? principalNotes(after, options.context, options.accountId) : new Map();
    setList(
      diff,
      'principalsAdded',
      [...newPrincipals.keys()]
        .filter((key) => !oldPrincipals.has(key))
        // An Allow with NotPrincipal lets everyone in, as `*` does: the trust analysis reports both as `*`.
        .map((key) =>
          withNote(newPrincipals.get(key) ?? key, notes.get(key.startsWith('not:') ? 'AWS *' : key)),
        ),
    );
    setList(
      diff,
      'principalsRemoved',
      [...oldPrincipals.keys()]
        .filter((key) => !newPrincipals.has(key))
        .map((key) => oldPrincipals.get(key) ?? key),
    );
  }
  setList(diff, 'actionsAdded', uncoveredActions(after, before));
  setList(diff, 'actionsRemoved', uncoveredActions(before, after));
  return diff;
}

/** A capped list: the first {@link DIFF_LIST_ITEMS} items, each at most {@link DIFF_ITEM_CHARS}. */
function cappedList(items: readonly string[]): PolicyDiffList {
  return {
    items: items.slice(0, DIFF_LIST_ITEMS).map((item) => cut(item, DIFF_ITEM_CHARS)),
    total: items.length,
  };
}

type ListField =
  | 'statementsAdded'
  | 'statementsRemoved'
  | 'principalsAdded'
  | 'principalsRemoved'
  | 'actionsAdded'
  | 'actionsRemoved';

function setList(diff: PolicyDiff, field: ListField, items: string[]): void {
  const unique = [...new Set(items)];
  if (unique.length > 0) diff[field] = cappedList(unique);
}

function countKeys(statements: readonly PolicyStatement[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const statement of statements) {
    const key = statementKey(statement);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Takes one occurrence of `key` out of `counts`: false when there was none left. */
function takeOne(counts: Map<string, number>, key: string): boolean {
  const left = counts.get(key) ?? 0;
  if (left === 0) return false;
  counts.set(key, left - 1);
  return true;
}

const LIST_FIELDS = new Set(['Action', 'NotAction', 'Resource', 'NotResource']);

/** A statement's meaning as canonical JSON: lists sorted and deduplicated, actions lower-cased, Sid left out. */
function statementKey(statement: PolicyStatement): string {
  const canonical: Record<string, unknown> = {};
  for (const key of Object.keys(statement).sort()) {
    if (key === 'Sid') continue;
    const value = statement[key];
    if (LIST_FIELDS.has(key)) {
      const items = listOf(value).map((item) => (key.endsWith('Action') ? item.toLowerCase() : item));
      canonical[key] = [...new Set(items)].sort();
    } else {
      canonical[key] = canonicalValue(value);
    }
  }
  return JSON.stringify(canonical);
}

/** Objects with sorted keys, lists of strings sorted, a lone string in a principal or condition as a list. */
function canonicalValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonicalValue);
    return items.every((item) => typeof item === 'string') ? [...new Set(items as string[])].sort() : items;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const inner = (value as Record<string, unknown>)[key];
      out[key] = typeof inner === 'string' ? [inner] : canonicalValue(inner);
    }
    return out;
  }
  return value;
}

/** "Allow s3:GetObject, s3:PutObject on arn:aws:s3:::b/* for AWS 999988887777 when StringEquals sts:ExternalId=x". */
export function describeStatement(statement: PolicyStatement): string {
  const parts: string[] = [];
  if (statement.Sid) parts.push(`[${statement.Sid}]`);
  parts.push(statement.Effect ?? '(no effect)');
  if (statement.Action !== undefined) parts.push(listOf(statement.Action).join(', ') || '(no action)');
  else if (statement.NotAction !== undefined)
    parts.push(`every action except ${listOf(statement.NotAction).join(', ')}`);
  if (statement.Resource !== undefined) parts.push(`on ${listOf(statement.Resource).join(', ')}`);
  else if (statement.NotResource !== undefined) {
    parts.push(`on every resource except ${listOf(statement.NotResource).join(', ')}`);
  }
  if (statement.Principal !== undefined) parts.push(`for ${principalList(statement.Principal).join(', ')}`);
  if (statement.NotPrincipal !== undefined) {
    parts.push(`for everyone except ${principalList(statement.NotPrincipal).join(', ')}`);
  }
  if (statement.Condition && Object.keys(statement.Condition).length > 0) {
    parts.push(`when ${describeCondition(statement.Condition)}`);
  }
  return parts.join(' ');
}

function describeCondition(condition: Record<string, unknown>): string {
  const tests: string[] = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (block === null || typeof block !== 'object' || Array.isArray(block)) {
      tests.push(operator);
      continue;
    }
    for (const [key, value] of Object.entries(block)) {
      const values = (Array.isArray(value) ? value : [value]).map((item) => String(item));
      tests.push(`${operator} ${key}=${values.join('|')}`);
    }
  }
  return tests.join(' and ');
}

/** "AWS arn:aws:iam::…:root", "Service ec2.amazonaws.com", "Federated …", "anyone (*)". */
function principalList(principal: unknown): string[] {
  if (principal === '*') return ['anyone (*)'];
  if (principal === null || typeof principal !== 'object' || Array.isArray(principal))
    return ['(unreadable)'];
  return Object.entries(principal).flatMap(([type, values]) =>
    listOf(values).map((value) => (value === '*' ? `anyone (${type} *)` : `${type} ${value}`)),
  );
}

/**
 * Who an Allow statement lets in, keyed by `type value` (a bare `*` and `AWS: *` are the same
 * principal): `NotPrincipal` in an Allow trusts everyone except the listed principals.
 */
function trustedPrincipals(document: PolicyDocument): Map<string, string> {
  const trusted = new Map<string, string>();
  for (const statement of document.Statement) {
    if (statement.Effect !== 'Allow') continue;
    if (statement.NotPrincipal !== undefined) {
      const except = principalList(statement.NotPrincipal).join(', ');
      trusted.set(`not:${except}`, `everyone except ${except}`);
      continue;
    }
    const principal = statement.Principal;
    if (principal === '*') {
      trusted.set('AWS *', 'anyone (*)');
      continue;
    }
    if (principal === null || typeof principal !== 'object' || Array.isArray(principal)) continue;
    for (const [type, values] of Object.entries(principal)) {
      for (const value of listOf(values)) {
        if (value === '*') trusted.set('AWS *', 'anyone (*)');
        else trusted.set(`${type} ${value}`, `${type} ${value}`);
      }
    }
  }
  return trusted;
}

/** Principal key → why it matters: outside the organization, or public with or without a condition. */
function principalNotes(
  document: PolicyDocument,
  context: Pick<DetectionContext, 'organizationAccountIds' | 'trustedAccountIds'>,
  accountId: string | undefined,
): Map<string, string> {
  const notes = new Map<string, string>();
  for (const finding of analyseTrust(document, context, accountId).findings) {
    const key = finding.principal === '*' ? 'AWS *' : `AWS ${finding.principal}`;
    const note = noteOf(finding);
    // A public finding without a condition outweighs one with a condition on the same `*`.
    if (!notes.has(key) || finding.kind === 'public') notes.set(key, note);
  }
  return notes;
}

function noteOf(finding: TrustFinding): string {
  switch (finding.kind) {
    case 'public':
      return 'public, no condition';
    case 'public-with-condition':
      return 'public, limited only by a condition';
    case 'external-account':
      return `account ${finding.accountId ?? 'unknown'} outside the organization`;
    case 'uninspectable':
      return 'uninspectable';
  }
}

function withNote(principal: string, note: string | undefined): string {
  return note ? `${principal} (${note})` : principal;
}

/**
 * The actions `document`'s Allow statements name that no Allow statement of `other` covers (`s3:*`
 * covers `s3:GetObject`; a NotAction Allow covers everything it does not list). An Allow by NotAction
 * is listed as "every action except …". Resources and conditions are not weighed: this says which
 * actions are newly granted somewhere, the statements say where.
 */
function uncoveredActions(document: PolicyDocument, other: PolicyDocument): string[] {
  const otherAllows = other.Statement.filter((s) => s.Effect === 'Allow');
  const covered = (action: string) =>
    otherAllows.some((s) =>
      s.Action !== undefined
        ? listOf(s.Action).some((pattern) => actionMatches(pattern, action))
        : s.NotAction !== undefined && !listOf(s.NotAction).some((pattern) => actionMatches(pattern, action)),
    );
  const otherNotActions = new Set(
    otherAllows.filter((s) => s.NotAction !== undefined).map((s) => notActionLabel(s.NotAction)),
  );
  const actions: string[] = [];
  for (const statement of document.Statement) {
    if (statement.Effect !== 'Allow') continue;
    if (statement.Action !== undefined) {
      actions.push(...listOf(statement.Action).filter((action) => !covered(action)));
    } else if (statement.NotAction !== undefined) {
      const label = notActionLabel(statement.NotAction);
      if (!otherNotActions.has(label)) actions.push(label);
    }
  }
  return actions;
}

function notActionLabel(notAction: unknown): string {
  return `every action except ${[...new Set(listOf(notAction))].sort().join(', ')}`;
}

/** Cut to `max` characters with `…`, never splitting a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text[max - 2] ?? '') ? max - 2 : max - 1;
  return `${text.slice(0, end)}…`;
}
