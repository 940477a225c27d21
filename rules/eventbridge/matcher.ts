/**
 * Matching events against compiled patterns, with EventBridge's semantics:
 *
 * - a field matches when one of its leaves (scalars at its path; arrays anywhere along the path are
 *   looked through, nested arrays flattened) passes one of the field's alternatives;
 * - `exists: false` holds when the path has no leaf anywhere in the event; `exists: true`, when it
 *   has one (`null` and `""` are leaves, objects and empty arrays are not);
 * - an event key containing dots (`"a.b"`) is the same field as the nested path a → b;
 * - array consistency: when several fields of one branch reach into the same array of objects, their
 *   leaves must come from the same element of it.
 *
 * Compile once, match many: a compiled pattern allocates nothing per event beyond a few stack
 * frames, and tests the cheapest fields (top-level `source`, `detail-type`) first.
 */
import { type CompiledRule, compileRule } from './compile';
import type { FieldSpec, Leaf } from './conditions';
import { InvalidEventPatternError } from './errors';
import { fromValue, parseJsonText, sourceLocation } from './json';

/** An EventBridge event pattern as JSON data. */
export type EventPattern = Record<string, unknown>;

/** A validated pattern, ready to match events. */
export interface CompiledPattern {
  /** True when EventBridge would deliver `event` to a rule with this pattern. */
  matches(event: unknown): boolean;
}

/**
 * Validates `pattern` and compiles it for matching. Throws {@link InvalidEventPatternError} with
 * EventBridge's reason when AWS would reject the pattern.
 */
export function compilePattern(pattern: EventPattern): CompiledPattern {
  return new PatternMatcher(compileRule(fromValue(pattern)));
}

/**
 * Compiles pattern text as `PutRule` / `TestEventPattern` receive it. Unlike {@link compilePattern}
 * this sees what JSON parsing would lose: number spellings (`0.10000000000000001` is refused) and
 * repeated keys (each occurrence counts, the last one wins for the same field).
 */
export function compilePatternText(patternJson: string): CompiledPattern {
  const { root, firstTokenEnd } = parseJsonText(patternJson);
  if (root.kind !== 'object') {
    throw new InvalidEventPatternError('Filter is not an object', {
      location: sourceLocation(patternJson, firstTokenEnd),
    });
  }
  return new PatternMatcher(compileRule(root));
}

/** One-off match. For many events, compile once with {@link compilePattern}. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return compilePattern(pattern).matches(event);
}

class PatternMatcher implements CompiledPattern {
  private readonly branches: readonly (readonly FieldSpec[])[];
  /** Fields every branch has: one that cannot match at all rules the event out at once. */
  private readonly shared: readonly (readonly FieldSpec[])[];
  private readonly search = new BranchSearch();

  constructor(rule: CompiledRule) {
    this.branches = rule.branches.map((fields) => [...fields].sort(cheapestFirst));
    const [first, ...rest] = rule.branches;
    this.shared =
      rest.length === 0 || !first
        ? []
        : first
            .filter((spec) => rest.every((fields) => fields.includes(spec)))
            .sort(cheapestFirst)
            .map((spec) => [spec]);
  }

  matches(event: unknown): boolean {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) return false;
    for (const field of this.shared) if (!this.search.run(field, event)) return false;
    for (const fields of this.branches) if (this.search.run(fields, event)) return true;
    return false;
  }
}

/** Shallow paths first: `source` and `detail-type` decide most events in one lookup each. */
function cheapestFirst(a: FieldSpec, b: FieldSpec): number {
  return a.segments.length - b.segments.length;
}

/**
 * Backtracking search for one leaf per field such that every array the chosen leaves pass through is
 * entered at the same index by all of them. `chosen` holds the index each array was entered at on
 * the current path of the search.
 */
class BranchSearch {
  private readonly chosen = new Map<readonly unknown[], number>();
  private fields: readonly FieldSpec[] = [];
  private root: object = {};

  run(fields: readonly FieldSpec[], root: object): boolean {
    this.chosen.clear();
    this.fields = fields;
    this.root = root;
    return this.matchField(0);
  }

  private matchField(index: number): boolean {
    const spec = this.fields[index];
    if (!spec) return true;
    if (spec.allowAbsent && !hasLeaf(this.root, spec, 0)) return this.matchField(index + 1);
    return spec.test !== undefined && this.visit(this.root, spec, 0, index);
  }

  private visit(node: unknown, spec: FieldSpec, segment: number, index: number): boolean {
    if (Array.isArray(node)) {
      const fixed = this.chosen.get(node);
      if (fixed !== undefined) return this.visit(node[fixed], spec, segment, index);
      for (let i = 0; i < node.length; i++) {
        this.chosen.set(node, i);
        if (this.visit(node[i], spec, segment, index)) return true;
      }
      this.chosen.delete(node);
      return false;
    }
    if (segment === spec.segments.length) {
      return isLeaf(node) && (spec.test as (leaf: Leaf) => boolean)(node) && this.matchField(index + 1);
    }
    if (node === null || typeof node !== 'object') return false;
    const keys = spec.keys[segment] as readonly string[];
    for (let end = segment + 1; end <= spec.segments.length; end++) {
      const key = keys[end] as string;
      if (Object.hasOwn(node, key) && this.visit((node as Record<string, unknown>)[key], spec, end, index)) {
        return true;
      }
    }
    return false;
  }
}

/** Whether the path has any leaf at all, in any array element (how `exists: false` is decided). */
function hasLeaf(node: unknown, spec: FieldSpec, segment: number): boolean {
  if (Array.isArray(node)) return node.some((element) => hasLeaf(element, spec, segment));
  if (segment === spec.segments.length) return isLeaf(node);
  if (node === null || typeof node !== 'object') return false;
  const keys = spec.keys[segment] as readonly string[];
  for (let end = segment + 1; end <= spec.segments.length; end++) {
    const key = keys[end] as string;
    if (Object.hasOwn(node, key) && hasLeaf((node as Record<string, unknown>)[key], spec, end)) return true;
  }
  return false;
}

function isLeaf(value: unknown): value is Leaf {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}
