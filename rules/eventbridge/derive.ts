/**
 * The EventBridge patterns iamwatch deploys, derived from the detection catalog so the rules in AWS
 * and the code can never disagree. One pattern per event source (split when it would pass AWS's
 * size limit), plus one for detections that listen to every source (root activity).
 *
 * What gets delivered is exactly what some trigger asks for: the named calls (`eventNames`), calls
 * starting with a named verb (`eventNamePrefixes`, the `iam-change` catch-all), or, for a trigger
 * naming no calls, every call that is not read-only. Anything else (read-only calls, other
 * services) stays out of the pipeline.
 */
import { READ_PREFIXES } from '../cloudtrail/verbs';
import type { Detection, Trigger } from '../types';
import { type CompiledPattern, compilePattern, type EventPattern } from './matcher';

export type { EventPattern } from './matcher';

export interface DerivedPattern {
  /** Stable, CloudFormation-safe name, e.g. `iam-1`, `signin-1`, `root-activity`. */
  name: string;
  description: string;
  pattern: EventPattern;
  /** Ids of the detections this pattern delivers events for. */
  detections?: readonly string[];
}

/** AWS limit on the length of an event pattern (characters of its JSON). */
export const EVENT_PATTERN_MAX_CHARS = 2048;
/** AWS limit on rules per event bus; the forwarders share the bus with these. */
export const RULES_PER_BUS_MAX = 300;

/** The detail-type of CloudTrail management API calls on EventBridge. */
export const API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
/** CloudTrail sign-in events arrive under both spellings. */
export const SIGN_IN_DETAIL_TYPES: readonly string[] = [
  'AWS Console Sign In via CloudTrail',
  'AWS Console Signin via CloudTrail',
];
const SIGN_IN_SOURCE = 'aws.signin';

/**
 * Verbs of read-only calls (the normaliser's list). A trigger that names no calls gets every call
 * CloudTrail does not mark read-only; for records without the `readOnly` flag, these verbs decide,
 * exactly as the normaliser decides.
 */
export const READ_ONLY_VERBS: readonly string[] = READ_PREFIXES;

/** The derived patterns would break an AWS limit, or a trigger cannot be expressed. */
export class PatternDerivationError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'PatternDerivationError';
  }
}

/** Stands for "any source" among the grouping keys; never a real EventBridge source. */
const ANY_SOURCE = '*';

/** Calls one trigger asks for on one source, for principals of some identity types (or any). */
interface Clause {
  identityTypes: readonly string[] | undefined;
  names: Set<string>;
  prefixes: Set<string>;
  /** The trigger named no calls: every call that is not read-only. */
  anyMutating: boolean;
}

interface SourceGroup {
  source: string;
  clauses: Map<string, Clause>;
  detections: Set<string>;
}

/** A piece of a pattern's `detail`: calls for some identity types. */
interface Part {
  identityTypes: readonly string[] | undefined;
  kind: 'names' | 'mutating';
  items: (string | { prefix: string })[];
}

/**
 * Derives the deployed patterns from the catalog. Deterministic: the same catalog always gives the
 * same patterns, names and order. Throws {@link PatternDerivationError} when AWS limits would be
 * exceeded. Deprecated detections are not deployed.
 */
export function derivePatterns(catalog: readonly Detection[]): DerivedPattern[] {
  const groups = groupBySource(catalog);
  const derived: DerivedPattern[] = [];
  const names = new Set<string>();
  for (const group of groups) {
    const parts = partsOf(group);
    if (parts.length === 0) continue;
    const packed = pack(group.source, parts);
    const base = baseName(group);
    packed.forEach((pattern, i) => {
      const name = group.source === ANY_SOURCE && packed.length === 1 ? base : `${base}-${i + 1}`;
      if (names.has(name)) throw new PatternDerivationError(`two patterns would be named ${name}`);
      names.add(name);
      const detections = [...group.detections].sort();
      derived.push({
        name,
        description: descriptionOf(group.source, detections.length, i, packed.length),
        pattern,
        detections,
      });
    });
  }
  if (derived.length > RULES_PER_BUS_MAX) {
    throw new PatternDerivationError(
      `the catalog needs ${derived.length} EventBridge rules, more than the ${RULES_PER_BUS_MAX} a bus holds`,
    );
  }
  for (const { name, pattern } of derived) {
    try {
      compilePattern(pattern);
    } catch (error) {
      throw new PatternDerivationError(`derived pattern ${name} is not a valid EventBridge pattern`, {
        cause: error,
      });
    }
  }
  return derived;
}

function groupBySource(catalog: readonly Detection[]): SourceGroup[] {
  const groups = new Map<string, SourceGroup>();
  for (const detection of catalog) {
    if (detection.status === 'deprecated') continue;
    for (const trigger of detection.trigger) {
      const sources = trigger.sources && trigger.sources.length > 0 ? trigger.sources : [ANY_SOURCE];
      for (const source of sources) {
        const group = groups.get(source) ?? { source, clauses: new Map(), detections: new Set() };
        groups.set(source, group);
        group.detections.add(detection.id);
        addTrigger(group, trigger);
      }
    }
  }
  return [...groups.values()].sort((a, b) => compareText(sortKey(a.source), sortKey(b.source)));
}

/** Named sources alphabetically, "any source" last. */
function sortKey(source: string): string {
  return source === ANY_SOURCE ? '\uffff' : source;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function addTrigger(group: SourceGroup, trigger: Trigger): void {
  const identityTypes =
    trigger.userIdentityTypes && trigger.userIdentityTypes.length > 0
      ? [...new Set(trigger.userIdentityTypes)].sort()
      : undefined;
  const key = identityTypes ? JSON.stringify(identityTypes) : '';
  const clause = group.clauses.get(key) ?? {
    identityTypes,
    names: new Set(),
    prefixes: new Set(),
    anyMutating: false,
  };
  group.clauses.set(key, clause);
  for (const name of trigger.eventNames ?? []) clause.names.add(name);
  for (const prefix of trigger.eventNamePrefixes ?? []) clause.prefixes.add(prefix);
  if (!trigger.eventNames?.length && !trigger.eventNamePrefixes?.length) clause.anyMutating = true;
}

/**
 * The pattern pieces of a group, minimal: names a prefix already covers are left out, and so is
 * whatever an identity-restricted clause asks for that the unrestricted clause already delivers.
 */
function partsOf(group: SourceGroup): Part[] {
  const open = group.clauses.get('');
  const clauses = [...group.clauses.entries()].sort(([a], [b]) => compareText(a, b));
  const parts: Part[] = [];
  for (const [key, clause] of clauses) {
    const restricted = key !== '';
    const coveringPrefixes = [...clause.prefixes, ...(restricted && open ? open.prefixes : [])];
    const prefixes = [...clause.prefixes]
      .filter((p) => !(restricted && open && [...open.prefixes].some((q) => p.startsWith(q))))
      .filter((p) => ![...clause.prefixes].some((q) => q !== p && p.startsWith(q)))
      .sort();
    const names = [...clause.names]
      .filter((n) => !coveringPrefixes.some((p) => n.startsWith(p)))
      .filter((n) => !(restricted && open?.names.has(n)))
      .sort();
    const items = [...names, ...prefixes.map((prefix) => ({ prefix }))];
    if (items.length > 0) parts.push({ identityTypes: clause.identityTypes, kind: 'names', items });
    if (clause.anyMutating && !(restricted && open?.anyMutating)) {
      parts.push({ identityTypes: clause.identityTypes, kind: 'mutating', items: [] });
    }
  }
  return parts;
}

/**
 * Packs parts into as few patterns as fit the size limit, splitting long name lists across
 * patterns. Parts keep their order, and so do the names inside them.
 */
function pack(source: string, parts: readonly Part[]): EventPattern[] {
  const patterns: EventPattern[] = [];
  let current: Part[] = [];
  const fits = (candidate: readonly Part[]) =>
    JSON.stringify(buildPattern(source, candidate)).length <= EVENT_PATTERN_MAX_CHARS;
  const flush = () => {
    if (current.length > 0) patterns.push(buildPattern(source, current));
    current = [];
  };
  for (const part of parts) {
    const units: Part[] =
      part.kind === 'mutating' ? [part] : part.items.map((item) => ({ ...part, items: [item] }));
    for (const unit of units) {
      const last = current[current.length - 1];
      const extended =
        last && unit.kind === 'names' && last.kind === 'names' && last.identityTypes === unit.identityTypes
          ? [...current.slice(0, -1), { ...last, items: [...last.items, ...unit.items] }]
          : [...current, unit];
      if (fits(extended)) {
        current = extended;
        continue;
      }
      flush();
      if (!fits([unit])) {
        throw new PatternDerivationError(
          `a pattern for ${source === ANY_SOURCE ? 'any source' : source} cannot fit ${EVENT_PATTERN_MAX_CHARS} characters`,
        );
      }
      current = [unit];
    }
  }
  flush();
  return patterns;
}

function buildPattern(source: string, parts: readonly Part[]): EventPattern {
  const pattern: EventPattern = {};
  if (source !== ANY_SOURCE) pattern.source = [source];
  // Sign-in events (ConsoleLogin, and for root PasswordUpdated …) come under their own detail-types;
  // a pattern for any source must take them too, or root-activity never sees a root sign-in event.
  pattern['detail-type'] =
    source === SIGN_IN_SOURCE || source === ANY_SOURCE
      ? [API_CALL_DETAIL_TYPE, ...SIGN_IN_DETAIL_TYPES]
      : [API_CALL_DETAIL_TYPE];
  // When every part is for the same principals, say so once instead of in each $or branch.
  const shared = parts[0]?.identityTypes;
  const hoisted = parts.every((p) => sameTypes(p.identityTypes, shared));
  const fragments = parts.map((part) => fragmentOf(part, !hoisted));
  const detail = fragments.length === 1 ? (fragments[0] as Record<string, unknown>) : { $or: fragments };
  pattern.detail = hoisted && shared ? { userIdentity: { type: [...shared] }, ...detail } : detail;
  return pattern;
}

function fragmentOf(part: Part, withIdentity: boolean): Record<string, unknown> {
  const fragment: Record<string, unknown> = {};
  if (withIdentity && part.identityTypes) fragment.userIdentity = { type: [...part.identityTypes] };
  if (part.kind === 'names') {
    fragment.eventName = part.items;
  } else {
    fragment.$or = [
      { readOnly: [false] },
      { readOnly: [{ exists: false }], eventName: [{ 'anything-but': { prefix: [...READ_ONLY_VERBS] } }] },
    ];
  }
  return fragment;
}

function sameTypes(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function baseName(group: SourceGroup): string {
  if (group.source === ANY_SOURCE) {
    const [only, ...others] = [...group.detections];
    return only !== undefined && others.length === 0 ? slug(only) : 'any-source';
  }
  return slug(group.source.replace(/^aws\./, ''));
}

function slug(text: string): string {
  return text.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'pattern';
}

function descriptionOf(source: string, detections: number, index: number, total: number): string {
  const from = source === ANY_SOURCE ? 'Calls from any service' : `${source} calls`;
  const part = total > 1 ? ` (part ${index + 1} of ${total})` : '';
  return `${from} watched by ${detections} detection${detections === 1 ? '' : 's'}${part}`;
}

/**
 * Which events EventBridge would deliver through these patterns: compiled once, then one call per
 * event. Events are routed by `source` first, so a replay pays only for the patterns that can match.
 */
export function deliveredBy(patterns: readonly DerivedPattern[]): (envelope: unknown) => boolean {
  const bySource = new Map<string, CompiledPattern[]>();
  const anySource: CompiledPattern[] = [];
  for (const { pattern } of patterns) {
    const compiled = compilePattern(pattern);
    const sources = plainSources(pattern.source);
    if (!sources) {
      anySource.push(compiled);
      continue;
    }
    for (const source of sources) bySource.set(source, [...(bySource.get(source) ?? []), compiled]);
  }
  return (envelope) => {
    const source = isRecord(envelope) ? envelope.source : undefined;
    const candidates = typeof source === 'string' ? bySource.get(source) : undefined;
    if (candidates) for (const compiled of candidates) if (compiled.matches(envelope)) return true;
    for (const compiled of anySource) if (compiled.matches(envelope)) return true;
    return false;
  };
}

/** The `source` list when it is plain names (no operators); undefined otherwise. */
function plainSources(source: unknown): string[] | undefined {
  if (!Array.isArray(source) || source.length === 0) return undefined;
  return source.every((s): s is string => typeof s === 'string') ? source : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Sizes of the derived patterns against AWS limits (for `iamwatch rules --patterns`). */
export interface PatternLimits {
  count: number;
  maxCount: number;
  maxChars: number;
  /** False when any limit is exceeded. */
  withinLimits: boolean;
  patterns: { name: string; chars: number }[];
}

/** Each pattern's size and the totals, against the AWS limits the derivation keeps to. */
export function describePatternLimits(patterns: readonly DerivedPattern[]): PatternLimits {
  const sizes = patterns.map(({ name, pattern }) => ({ name, chars: JSON.stringify(pattern).length }));
  return {
    count: patterns.length,
    maxCount: RULES_PER_BUS_MAX,
    maxChars: EVENT_PATTERN_MAX_CHARS,
    withinLimits:
      patterns.length <= RULES_PER_BUS_MAX && sizes.every((s) => s.chars <= EVENT_PATTERN_MAX_CHARS),
    patterns: sizes,
  };
}
