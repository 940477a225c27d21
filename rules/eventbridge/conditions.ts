/**
 * What one field of a pattern accepts: its alternatives (the values and operators in the field's
 * array, any of which may match), turned into one test on the field's leaf values.
 */
import { type IpRange, inRange, ipKey } from './cidr';
import { ignoreCaseMatcher } from './ignore-case';
import { matchesWildcard, parseWildcard, type WildcardParts, type WildcardUse } from './wildcard';

/** A scalar at the end of a path in an event; objects and arrays are never leaves. */
export type Leaf = string | number | boolean | null;

/** What an anything-but excludes: exact strings or numbers, or strings by an operator. */
export type AnythingButVariant = 'strings' | 'numbers' | 'prefix' | 'suffix' | 'ignore-case' | 'wildcard';

/** One entry of a field's value array, validated. */
export type Alternative =
  | { kind: 'exact'; value: Leaf }
  | { kind: 'ip'; key: string }
  | { kind: 'prefix'; value: string; ignoreCase: boolean }
  | { kind: 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'equals-ignore-case'; value: string }
  | { kind: 'wildcard'; value: string; parts: WildcardParts }
  | { kind: 'numeric'; low: number; lowOpen: boolean; high: number; highOpen: boolean }
  | { kind: 'cidr'; range: IpRange }
  | { kind: 'exists'; present: boolean }
  | { kind: 'anything-but'; variant: AnythingButVariant; values: readonly string[] | readonly number[] };

/** A field of a compiled pattern: where it is and what its leaves must be. */
export interface FieldSpec {
  /** Dotted path, as EventBridge names fields (`detail.userIdentity.type`). */
  readonly path: string;
  readonly segments: readonly string[];
  /**
   * `keys[i][j]` is segments i..j-1 joined with dots: an event key `a.b` stands for the path a → b,
   * so each step may consume several segments at once.
   */
  readonly keys: readonly (readonly string[])[];
  /** `{"exists": false}` is among the alternatives: the field may be absent. */
  readonly allowAbsent: boolean;
  /** The test a present leaf must pass; undefined when only absence is accepted. */
  readonly test: ((leaf: Leaf) => boolean) | undefined;
  /** Wildcard operators on this field, for the complexity limit. */
  readonly wildcards: readonly WildcardUse[];
}

/** Compiles a field: its path lookups and one test combining its alternatives. */
export function buildFieldSpec(path: string, alternatives: readonly Alternative[]): FieldSpec {
  const segments = path.split('.');
  const keys = segments.map((_, from) => {
    const row: string[] = [];
    for (let to = 0; to <= segments.length; to++)
      row.push(to > from ? segments.slice(from, to).join('.') : '');
    return row;
  });
  return {
    path,
    segments,
    keys,
    allowAbsent: alternatives.some((a) => a.kind === 'exists' && !a.present),
    test: buildTest(alternatives),
    wildcards: wildcardUses(alternatives),
  };
}

function wildcardUses(alternatives: readonly Alternative[]): WildcardUse[] {
  const uses: WildcardUse[] = [];
  for (const a of alternatives) {
    if (a.kind === 'wildcard') uses.push({ identity: `wildcard:${a.value}`, values: [a.value] });
    if (a.kind === 'anything-but' && a.variant === 'wildcard') {
      const values = [...new Set(a.values as readonly string[])].sort();
      uses.push({ identity: `anything-but-wildcard:${JSON.stringify(values)}`, values });
    }
  }
  return uses;
}

function buildTest(alternatives: readonly Alternative[]): ((leaf: Leaf) => boolean) | undefined {
  const strings = new Set<string>();
  const numbers = new Set<number>();
  const literals = new Set<boolean | null>();
  const ipKeys = new Set<string>();
  const cidrs: IpRange[] = [];
  const stringTests: ((text: string) => boolean)[] = [];
  const numberTests: ((value: number) => boolean)[] = [];
  const leafTests: ((leaf: Leaf) => boolean)[] = [];
  let anyLeaf = false;
  let tests = 0;

  for (const a of alternatives) {
    if (a.kind === 'exists' && !a.present) continue;
    tests++;
    switch (a.kind) {
      case 'exact':
        if (typeof a.value === 'string') strings.add(a.value);
        else if (typeof a.value === 'number') numbers.add(a.value);
        else literals.add(a.value);
        break;
      case 'ip':
        ipKeys.add(a.key);
        break;
      case 'cidr':
        cidrs.push(a.range);
        break;
      case 'prefix':
        stringTests.push(a.ignoreCase ? ignoreCaseMatcher(a.value, 'prefix') : startsWith(a.value));
        break;
      case 'suffix':
        stringTests.push(a.ignoreCase ? ignoreCaseMatcher(a.value, 'suffix') : endsWith(a.value));
        break;
      case 'equals-ignore-case':
        stringTests.push(ignoreCaseMatcher(a.value, 'whole'));
        break;
      case 'wildcard': {
        const parts = a.parts;
        stringTests.push((text) => matchesWildcard(parts, text));
        break;
      }
      case 'numeric': {
        const { low, lowOpen, high, highOpen } = a;
        numberTests.push(
          (value) => (lowOpen ? value > low : value >= low) && (highOpen ? value < high : value <= high),
        );
        break;
      }
      case 'exists':
        anyLeaf = true;
        break;
      case 'anything-but':
        leafTests.push(anythingBut(a.variant, a.values));
        break;
    }
  }
  if (tests === 0) return undefined;
  if (anyLeaf) return () => true;
  const ipAware = ipKeys.size > 0 || cidrs.length > 0;

  return (leaf) => {
    switch (typeof leaf) {
      case 'string': {
        if (strings.has(leaf)) return true;
        for (const test of stringTests) if (test(leaf)) return true;
        if (ipAware) {
          const key = ipKey(leaf);
          if (key !== undefined) {
            if (ipKeys.has(key)) return true;
            for (const range of cidrs) if (inRange(key, range)) return true;
          }
        }
        break;
      }
      case 'number':
        if (numbers.has(leaf)) return true;
        for (const test of numberTests) if (test(leaf)) return true;
        break;
      default:
        if (literals.has(leaf)) return true;
    }
    for (const test of leafTests) if (test(leaf)) return true;
    return false;
  };
}

function startsWith(prefix: string): (text: string) => boolean {
  return (text) => text.startsWith(prefix);
}

function endsWith(suffix: string): (text: string) => boolean {
  return (text) => text.endsWith(suffix);
}

/**
 * anything-but accepts every leaf the excluded values do not describe: numbers, booleans and null
 * pass a string exclusion, strings pass a number exclusion. Only a missing field (or one with no
 * leaves) fails, and that is decided by the caller, which never calls a test without a leaf.
 */
function anythingBut(
  variant: AnythingButVariant,
  values: readonly string[] | readonly number[],
): (leaf: Leaf) => boolean {
  switch (variant) {
    case 'numbers': {
      const excluded = new Set(values as readonly number[]);
      return (leaf: Leaf) => typeof leaf !== 'number' || !excluded.has(leaf);
    }
    case 'strings': {
      const excluded = new Set(values as readonly string[]);
      return (leaf: Leaf) => typeof leaf !== 'string' || !excluded.has(leaf);
    }
    default: {
      const tests = (values as readonly string[]).map((value) => excludedStringTest(variant, value));
      return (leaf: Leaf) => typeof leaf !== 'string' || !tests.some((test) => test(leaf));
    }
  }
}

function excludedStringTest(variant: AnythingButVariant, value: string): (text: string) => boolean {
  switch (variant) {
    case 'prefix':
      return startsWith(value);
    case 'suffix':
      return endsWith(value);
    case 'ignore-case':
      return ignoreCaseMatcher(value, 'whole');
    default: {
      // Validated when the pattern was compiled, so this cannot throw.
      const parts = parseWildcard(value);
      return (text) => matchesWildcard(parts, text);
    }
  }
}
