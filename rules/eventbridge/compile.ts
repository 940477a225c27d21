/**
 * Validates a pattern and turns it into branches: lists of fields that must all match. `$or` forks
 * the branches, so `{ a, $or: [{ b }, { c }] }` becomes `[a, b]` and `[a, c]`; a field named again
 * later in the same branch replaces the earlier one, as in EventBridge.
 *
 * The checks run in document order and stop at the first problem, with the reason EventBridge gives
 * for it (messages are AWS's, including their quirks, e.g. a bad `cidr` value reports "prefix match
 * pattern must be a string").
 */
import { CidrError, ipKey, parseCidr } from './cidr';
import { type Alternative, type AnythingButVariant, buildFieldSpec, type FieldSpec } from './conditions';
import { InvalidEventPatternError } from './errors';
import type { JsonNode } from './json';
import { comparableNumber } from './numbers';
import {
  parseWildcard,
  WILDCARD_COMPLEXITY_LIMIT,
  WildcardError,
  type WildcardUse,
  wildcardComplexity,
} from './wildcard';

/** AWS documents that a pattern may expand into at most this many `$or` combinations. */
export const MAX_OR_COMBINATIONS = 1000;

/** Field names that may not appear inside `$or` (operator names, reserved by EventBridge). */
const RESERVED_IN_OR: ReadonlySet<string> = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  'html',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

type Branch = Map<string, FieldSpec>;

/** A validated pattern: the alternatives (branches) of fields it is made of. */
export interface CompiledRule {
  readonly branches: readonly (readonly FieldSpec[])[];
}

/** Validates and compiles a pattern tree. Throws {@link InvalidEventPatternError}. */
export function compileRule(root: JsonNode): CompiledRule {
  if (root.kind !== 'object') throw invalid('Filter is not an object');
  const branches: Branch[] = [];
  parseObject(root, '', branches, false);
  checkWildcardComplexity(branches);
  return { branches: branches.map((branch) => [...branch.values()]) };
}

function parseObject(
  node: Extract<JsonNode, { kind: 'object' }>,
  path: string,
  branches: Branch[],
  inOr: boolean,
) {
  if (node.entries.length === 0) throw invalid('Empty objects are not allowed');
  for (const [key, value] of node.entries) {
    if (key === '$or') {
      parseOr(value, path, branches);
      continue;
    }
    if (inOr && RESERVED_IN_OR.has(key)) {
      throw invalid(`${key} is Ruler reserved fieldName which cannot be used inside $or.`);
    }
    const fieldPath = path === '' ? key : `${path}.${key}`;
    if (value.kind === 'object') parseObject(value, fieldPath, branches, inOr);
    else if (value.kind === 'array') addField(fieldPath, value.items, branches);
    else throw invalid(`"${key}" must be an object or an array`);
  }
}

function parseOr(value: JsonNode, path: string, branches: Branch[]): void {
  if (value.kind !== 'array') throw invalid('It must be an Array followed with $or.');
  const before = branches.map((branch) => new Map(branch));
  branches.length = 0;
  for (const item of value.items) {
    if (item.kind !== 'object') throw invalid('Only JSON object is allowed in array of $or relationship.');
    const forked = before.length > 0 ? before.map((branch) => new Map(branch)) : [new Map()];
    parseObject(item, path, forked, true);
    branches.push(...forked);
    if (branches.length > MAX_OR_COMBINATIONS) {
      throw invalid(`Too many $or combinations: the pattern expands to more than ${MAX_OR_COMBINATIONS}`);
    }
  }
  if (value.items.length < 2) throw invalid('There must have at least 2 Objects in $or relationship.');
}

function addField(path: string, items: readonly JsonNode[], branches: Branch[]): void {
  const alternatives = items.map(parseAlternative);
  if (alternatives.length === 0) throw invalid('Empty arrays are not allowed');
  const spec = buildFieldSpec(path, alternatives);
  if (branches.length === 0) branches.push(new Map());
  for (const branch of branches) branch.set(path, spec);
}

function parseAlternative(item: JsonNode): Alternative {
  switch (item.kind) {
    case 'object':
      return parseOperator(item.entries);
    case 'string': {
      const key = ipKey(item.value);
      return key === undefined ? { kind: 'exact', value: item.value } : { kind: 'ip', key };
    }
    case 'number':
      return { kind: 'exact', value: item.value };
    case 'boolean':
      return { kind: 'exact', value: item.value };
    case 'null':
      return { kind: 'exact', value: null };
    case 'array':
      throw invalid('Match value must be String, number, true, false, or null');
  }
}

type Entries = readonly (readonly [string, JsonNode])[];

function parseOperator(entries: Entries): Alternative {
  const [first] = entries;
  if (!first) throw invalid('Match expression name not found');
  const [name, value] = first;
  const single = entries.length === 1;
  switch (name) {
    case 'prefix':
    case 'suffix':
      return parseAffix(name, value, single);
    case 'numeric': {
      if (value.kind !== 'array') throw invalid('Value of numeric must be an array.');
      const range = parseNumeric(value.items);
      if (!single) throw tooManyElements();
      return range;
    }
    case 'anything-but':
      return parseAnythingBut(value, single);
    case 'exists':
      if (value.kind !== 'boolean') throw invalid('exists match pattern must be either true or false.');
      return alone(single, { kind: 'exists', present: value.value });
    case 'cidr': {
      const text = stringOperand(value, 'prefix match pattern must be a string');
      return alone(single, { kind: 'cidr', range: withReason(CidrError, () => parseCidr(text)) });
    }
    case 'equals-ignore-case':
      return alone(single, {
        kind: 'equals-ignore-case',
        value: stringOperand(value, 'equals-ignore-case match pattern must be a string'),
      });
    case 'wildcard': {
      const text = stringOperand(value, 'wildcard match pattern must be a string');
      return alone(single, {
        kind: 'wildcard',
        value: text,
        parts: withReason(WildcardError, () => parseWildcard(text)),
      });
    }
    default:
      // Includes event-ruler's undocumented `exactly`: EventBridge documents no such operator.
      throw invalid(`Unrecognized match type ${name}`);
  }
}

function parseAffix(name: 'prefix' | 'suffix', value: JsonNode, single: boolean): Alternative {
  if (value.kind === 'object') {
    const [inner] = value.entries;
    const title = name === 'prefix' ? 'Prefix' : 'Suffix';
    if (!inner) throw invalid(`${title} expression name not found`);
    const [op, operand] = inner;
    if (op !== 'equals-ignore-case') throw invalid(`Unsupported ${name} pattern: ${op}`);
    if (operand.kind !== 'string') throw invalid('equals-ignore-case match pattern must be a string');
    if (value.entries.length > 1 || !single) throw onlyOneKey();
    return { kind: name, value: operand.value, ignoreCase: true };
  }
  const text = stringOperand(value, `${name} match pattern must be a string`);
  return alone(single, { kind: name, value: text, ignoreCase: false });
}

const ANYTHING_BUT_OPERATORS: Readonly<Record<string, AnythingButVariant>> = {
  'equals-ignore-case': 'ignore-case',
  prefix: 'prefix',
  suffix: 'suffix',
  wildcard: 'wildcard',
};

function parseAnythingBut(value: JsonNode, single: boolean): Alternative {
  let variant: AnythingButVariant | undefined;
  let operand = value;
  let nestedKeys = 1;
  if (value.kind === 'object') {
    const [inner] = value.entries;
    if (!inner) throw invalid('Anything-But expression name not found');
    variant = ANYTHING_BUT_OPERATORS[inner[0]];
    if (!variant) throw invalid(`Unsupported anything-but pattern: ${inner[0]}`);
    operand = inner[1];
    nestedKeys = value.entries.length;
  }
  if (operand.kind !== 'array' && operand.kind !== 'string' && operand.kind !== 'number') {
    throw invalid('Value of anything-but must be an array or single string/number value.');
  }
  const items = operand.kind === 'array' ? operand.items : [operand];
  const alternative: Alternative = variant
    ? { kind: 'anything-but', variant, values: excludedStrings(variant, items) }
    : excludedValues(items, operand.kind === 'array');
  if (nestedKeys > 1 || !single) throw tooManyElements();
  return alternative;
}

/** Plain anything-but: all strings or all numbers. */
function excludedValues(items: readonly JsonNode[], isList: boolean): Alternative {
  const strings: string[] = [];
  const numbers: number[] = [];
  for (const item of items) {
    if (item.kind === 'string') strings.push(item.value);
    else if (item.kind === 'number') numbers.push(comparable(item.text));
    else if (isList) throw invalid('Inside anything but list, start|null|boolean is not supported.');
  }
  if (strings.length > 0 === numbers.length > 0) {
    throw invalid(
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    );
  }
  return strings.length > 0
    ? { kind: 'anything-but', variant: 'strings', values: strings }
    : { kind: 'anything-but', variant: 'numbers', values: numbers };
}

/** anything-but with an operator: string values only. */
function excludedStrings(variant: AnythingButVariant, items: readonly JsonNode[]): string[] {
  const values: string[] = [];
  for (const item of items) {
    if (item.kind !== 'string') {
      if (variant === 'ignore-case') {
        throw invalid(
          'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
        );
      }
      throw invalid(
        variant === 'wildcard'
          ? 'wildcard match pattern must be a string'
          : 'prefix/suffix match pattern must be a string',
      );
    }
    if ((variant === 'prefix' || variant === 'suffix') && item.value === '') {
      throw invalid('Null prefix/suffix not allowed');
    }
    values.push(item.value);
  }
  if (variant === 'wildcard')
    for (const value of values) withReason(WildcardError, () => parseWildcard(value));
  return values;
}

/** `{"numeric": [">", 0, "<=", 5]}` and its shorter forms. */
function parseNumeric(items: readonly JsonNode[]): Alternative {
  const [opNode, first, secondOpNode, second] = items;
  if (opNode?.kind !== 'string') throw invalid(`Invalid member in numeric match: ${tokenText(opNode)}`);
  const op = opNode.value;
  if (op !== '=' && op !== '<' && op !== '<=' && op !== '>' && op !== '>=') {
    throw invalid(`Unrecognized numeric range operator: ${op}`);
  }
  if (first?.kind !== 'number') throw invalid(`Value of ${op === '=' ? 'equals' : op} must be numeric`);
  if (op === '=' || op === '<' || op === '<=') {
    if (items.length > 2) throw tooManyElements();
    const value = comparable(first.text);
    if (op === '=') return { kind: 'numeric', low: value, lowOpen: false, high: value, highOpen: false };
    return { kind: 'numeric', low: -Infinity, lowOpen: false, high: value, highOpen: op === '<' };
  }
  const lowOpen = op === '>';
  if (items.length === 2) {
    return { kind: 'numeric', low: comparable(first.text), lowOpen, high: Infinity, highOpen: false };
  }
  if (secondOpNode?.kind !== 'string')
    throw invalid(`Bad value in numeric range: ${tokenText(secondOpNode)}`);
  const secondOp = secondOpNode.value;
  if (secondOp !== '<' && secondOp !== '<=') throw invalid(`Bad numeric range operator: ${secondOp}`);
  if (second?.kind !== 'number') throw invalid(`Value of ${secondOp} must be numeric`);
  if (items.length > 4) throw invalid('Too many terms in numeric range expression');
  const low = comparable(first.text);
  const high = comparable(second.text);
  if (low >= high) throw invalid('Bottom must be less than top');
  return { kind: 'numeric', low, lowOpen, high, highOpen: secondOp === '<' };
}

/** A number operand, refused when it is not exactly the double it reads as. */
function comparable(text: string): number {
  const value = comparableNumber(text);
  if (value === undefined) throw invalid(`Cannot compare number : ${text}`);
  return value;
}

/** How Jackson prints the token a numeric expression stopped at. */
function tokenText(node: JsonNode | undefined): string {
  switch (node?.kind) {
    case undefined:
      return ']';
    case 'object':
      return '{';
    case 'array':
      return '[';
    case 'string':
      return node.value;
    case 'number':
      return node.text;
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
  }
}

/**
 * Wildcards are costed per field, over every wildcard operator the pattern puts on that field in
 * any branch (EventBridge builds one byte machine per field).
 */
function checkWildcardComplexity(branches: readonly Branch[]): void {
  const usesByPath = new Map<string, Map<string, WildcardUse>>();
  for (const branch of branches) {
    for (const spec of branch.values()) {
      for (const use of spec.wildcards) {
        const uses = usesByPath.get(spec.path) ?? new Map<string, WildcardUse>();
        uses.set(use.identity, use);
        usesByPath.set(spec.path, uses);
      }
    }
  }
  for (const uses of usesByPath.values()) {
    if (wildcardComplexity([...uses.values()]) > WILDCARD_COMPLEXITY_LIMIT) {
      throw invalid(
        'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
      );
    }
  }
}

function withReason<T>(kind: new (...args: never[]) => Error, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof kind) throw invalid(error.message, error);
    throw error;
  }
}

function invalid(reason: string, cause?: unknown): InvalidEventPatternError {
  return new InvalidEventPatternError(reason, { cause });
}

/** The operand of an operator that takes a string; `message` when it is something else. */
function stringOperand(value: JsonNode, message: string): string {
  if (value.kind !== 'string') throw invalid(message);
  return value.value;
}

/**
 * `alternative`, when its operator is the only key of the match expression. Called with the operand
 * already checked: a bad operand is reported ahead of a second key.
 */
function alone(single: boolean, alternative: Alternative): Alternative {
  if (!single) throw onlyOneKey();
  return alternative;
}

function onlyOneKey(): InvalidEventPatternError {
  return invalid('Only one key allowed in match expression');
}

function tooManyElements(): InvalidEventPatternError {
  return invalid('Too many elements in numeric expression');
}
