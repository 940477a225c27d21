/**
 * Wildcard values (`{"wildcard": "arn:aws:iam::*:role/Admin*"}`): `*` stands for any run of
 * characters, `\*` and `\\` are a literal star and backslash, any other backslash is an error, and
 * two unescaped stars in a row are refused. EventBridge also refuses wildcards that are too costly to
 * run; {@link wildcardComplexity} reproduces that measure.
 */

/** A wildcard split at its unescaped stars: `a*b\*c` → `['a', 'b*c']`. */
export type WildcardParts = readonly string[];

/**
 * Splits a wildcard at its stars; throws the reason EventBridge gives for a malformed one. Positions
 * in messages are UTF-8 byte offsets into the value as EventBridge holds it, inside double quotes.
 */
export function parseWildcard(value: string): WildcardParts {
  const parts: string[] = [];
  let current = '';
  let bytePos = 1;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] ?? '';
    if (ch === '*') {
      if (value[i + 1] === '*') throw new WildcardError(`Consecutive wildcard characters at pos ${bytePos}`);
      parts.push(current);
      current = '';
    } else if (ch === '\\') {
      const next = value[i + 1];
      if (next !== '*' && next !== '\\')
        throw new WildcardError(`Invalid escape character at pos ${bytePos}`);
      current += next;
      i++;
      bytePos++;
    } else {
      current += ch;
    }
    bytePos += utf8Length(value.charCodeAt(i));
  }
  parts.push(current);
  return parts;
}

/** Bytes a UTF-16 code unit contributes to UTF-8 (a surrogate pair is 2 + 2). */
function utf8Length(code: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  return code >= 0xd800 && code <= 0xdfff ? 2 : 3;
}

/**
 * True when `text` matches the wildcard. Stars only, so leftmost matching of each literal part is
 * exact and the test runs in linear time.
 */
export function matchesWildcard(parts: WildcardParts, text: string): boolean {
  const first = parts[0] ?? '';
  if (parts.length === 1) return text === first;
  const last = parts[parts.length - 1] ?? '';
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last))
    return false;
  let from = first.length;
  const until = text.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] ?? '';
    const at = text.indexOf(part, from);
    if (at < 0 || at + part.length > until) return false;
    from = at + part.length;
  }
  return true;
}

/** A malformed wildcard; the message is EventBridge's reason. */
export class WildcardError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'WildcardError';
  }
}

/** EventBridge refuses a field whose wildcards score above this (see {@link wildcardComplexity}). */
export const WILDCARD_COMPLEXITY_LIMIT = 10;

/** One wildcard operator on a field: a `wildcard` value, or an `anything-but` wildcard list. */
export interface WildcardUse {
  /** Same identity = same operator; counted once however often it is repeated. */
  identity: string;
  values: readonly string[];
}

const STAR = 256;
/** Stands for every byte no literal in the machine mentions. */
const OTHER_BYTE = -1;
/** Past this many distinct state sets the field is treated as too complex without further search. */
const MAX_EXPLORED_SETS = 20_000;

interface MachineState {
  literal: Map<number, number[]>;
  /** States reached on any byte: a star's own loop, or entering a star. */
  any: number[];
  /** Operators whose match can still be reached from this state. */
  weight: Set<string>;
  /** Shared literal prefix before the first star, as in a trie. */
  prefix: Map<number, number>;
  star: number;
}

/**
 * EventBridge's measure of how expensive the wildcards on one field are to run: the largest number of
 * wildcard prefixes a single input value can keep alive at once, over the UTF-8 byte machine of the
 * quoted values (event-ruler's MachineComplexityEvaluator, which AWS limits to
 * {@link WILDCARD_COMPLEXITY_LIMIT}). Repeated characters after a star raise it (`/Users/*` followed
 * by `/dir` five times scores 7), and so do many stars (`*:*:*:*:*:event-bus/*` scores 11).
 * Stops counting once `cap` is exceeded.
 */
export function wildcardComplexity(uses: readonly WildcardUse[], cap = WILDCARD_COMPLEXITY_LIMIT): number {
  const states: MachineState[] = [newState()];
  const finals = new Map<string, number>();
  const alphabet = new Set<number>();
  const addState = (): number => states.push(newState()) - 1;

  // One operator counts once however often it is repeated.
  const valuesByIdentity = new Map<string, Set<string>>();
  for (const use of uses) {
    const values = valuesByIdentity.get(use.identity) ?? new Set<string>();
    for (const value of use.values) values.add(value);
    valuesByIdentity.set(use.identity, values);
  }

  for (const [identity, values] of valuesByIdentity) {
    for (const value of values) {
      const tokens = wildcardBytes(value);
      let current = 0;
      let previous = -1;
      let determinate = true;
      tokens.forEach((token, i) => {
        const state = states[current] as MachineState;
        const terminal = i === tokens.length - 1;
        let next: number;
        if (terminal) {
          next = finals.get(identity) ?? addState();
          finals.set(identity, next);
        } else if (token === STAR) {
          next = determinate && state.star >= 0 ? state.star : addState();
          if (determinate) state.star = next;
          determinate = false;
        } else if (determinate) {
          next = state.prefix.get(token) ?? addState();
          state.prefix.set(token, next);
        } else {
          next = addState();
        }
        const target = states[next] as MachineState;
        if (token === STAR) {
          if (!state.any.includes(next)) state.any.push(next);
          target.any = [next];
        } else {
          alphabet.add(token);
          addLiteral(state, token, next);
          // A star may match nothing: the state before it also takes the byte after it.
          if (tokens[i - 1] === STAR) addLiteral(states[previous] as MachineState, token, next);
        }
        target.weight.add(identity);
        previous = current;
        current = next;
      });
    }
  }
  return worstActiveWeight(states, [...alphabet, OTHER_BYTE], cap);
}

function newState(): MachineState {
  return { literal: new Map(), any: [], weight: new Set(), prefix: new Map(), star: -1 };
}

function addLiteral(state: MachineState, byte: number, next: number): void {
  const targets = state.literal.get(byte);
  if (!targets) state.literal.set(byte, [next]);
  else if (!targets.includes(next)) targets.push(next);
}

/** The quoted value as UTF-8 bytes, with unescaped stars as {@link STAR}. */
function wildcardBytes(value: string): number[] {
  const tokens: number[] = [0x22];
  const encoder = new TextEncoder();
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] ?? '';
    if (ch === '*') {
      tokens.push(STAR);
      continue;
    }
    const literal = ch === '\\' ? (value[++i] ?? '') : ch;
    const code = value.charCodeAt(i);
    // Keep surrogate pairs together so they encode as one 4-byte character.
    const unit = code >= 0xd800 && code <= 0xdbff ? literal + (value[++i] ?? '') : literal;
    tokens.push(...encoder.encode(unit));
  }
  tokens.push(0x22);
  return tokens;
}

/** Explores every reachable set of live states and returns the heaviest, or cap + 1 past the cap. */
function worstActiveWeight(states: readonly MachineState[], bytes: readonly number[], cap: number): number {
  const seen = new Set<string>(['0']);
  const pending: number[][] = [[0]];
  let worst = 0;
  for (let active = pending.pop(); active; active = pending.pop()) {
    for (const byte of bytes) {
      const next = new Set<number>();
      for (const id of active) {
        const state = states[id] as MachineState;
        for (const target of state.any) next.add(target);
        for (const target of state.literal.get(byte) ?? []) next.add(target);
      }
      if (next.size === 0) continue;
      let weight = 0;
      for (const id of next) {
        const state = states[id] as MachineState;
        weight += state.weight.size;
        for (const star of state.any) {
          if (!next.has(star)) weight += (states[star] as MachineState).weight.size;
        }
      }
      if (weight > cap) return weight;
      worst = Math.max(worst, weight);
      const key = [...next].sort((a, b) => a - b).join(',');
      if (!seen.has(key)) {
        if (seen.size >= MAX_EXPLORED_SETS) return cap + 1;
        seen.add(key);
        pending.push([...next]);
      }
    }
  }
  return worst;
}
