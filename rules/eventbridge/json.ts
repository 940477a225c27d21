/**
 * The JSON tree patterns are validated from. Pattern text is parsed here rather than with
 * `JSON.parse` because EventBridge's own parser keeps what `JSON.parse` throws away and the
 * validation depends on it: the source text of numbers (`0.10000000000000001` is rejected, `300.0`
 * and `3.0e2` are the same number), every occurrence of a repeated key, and the position of a
 * syntax error, which AWS reports Jackson-style.
 */
import { InvalidEventPatternError } from './errors';

/** A JSON value; numbers keep the text they were written as. */
export type JsonNode =
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, JsonNode])[] }
  | { readonly kind: 'array'; readonly items: readonly JsonNode[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly text: string; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' };

/** A parsed pattern text, with where its first token ends (AWS reports non-object roots there). */
export interface ParsedJson {
  root: JsonNode;
  firstTokenEnd: number;
}

/**
 * Converts an in-memory value to the tree. Throws for values JSON cannot hold (functions,
 * `undefined` inside arrays, non-finite numbers, bigint, cycles).
 */
export function fromValue(value: unknown): JsonNode {
  return convert(value, new Set());
}

function convert(value: unknown, ancestors: Set<object>): JsonNode {
  if (value === null) return { kind: 'null' };
  switch (typeof value) {
    case 'string':
      return { kind: 'string', value };
    case 'boolean':
      return { kind: 'boolean', value };
    case 'number':
      if (!Number.isFinite(value)) throw notJson(`${value} is not a JSON number`);
      return { kind: 'number', text: String(value), value };
    case 'object':
      return convertContainer(value, ancestors);
    default:
      throw notJson(`a ${typeof value} is not a JSON value`);
  }
}

function convertContainer(value: object, ancestors: Set<object>): JsonNode {
  if (ancestors.has(value)) throw notJson('the pattern contains a cycle');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return { kind: 'array', items: value.map((item) => convert(item, ancestors)) };
    }
    const entries: [string, JsonNode][] = [];
    for (const [key, child] of Object.entries(value)) {
      // JSON.stringify drops undefined members; do the same so `{ a: undefined }` is `{}`.
      if (child !== undefined) entries.push([key, convert(child, ancestors)]);
    }
    return { kind: 'object', entries };
  } finally {
    ancestors.delete(value);
  }
}

function notJson(reason: string): InvalidEventPatternError {
  return new InvalidEventPatternError(`Pattern is not JSON: ${reason}`);
}

const EXPECTED_VALUE = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";
/** Jackson shows at most this much of the source in an error location. */
const SOURCE_EXCERPT_LIMIT = 500;

/**
 * Parses JSON text strictly (RFC 8259; no trailing content). Errors are
 * {@link InvalidEventPatternError}s worded and located as AWS words and locates them.
 */
export function parseJsonText(text: string): ParsedJson {
  return new Parser(text).parseDocument();
}

/** The ` at [Source: …]` line AWS appends to positional errors, for an offset into `text`. */
export function sourceLocation(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  const excerpt =
    text.length > SOURCE_EXCERPT_LIMIT
      ? `"${text.slice(0, SOURCE_EXCERPT_LIMIT)}"[truncated ${text.length - SOURCE_EXCERPT_LIMIT} chars]`
      : `"${text}"`;
  return `[Source: (String)${excerpt}; line: ${line}, column: ${offset - lineStart + 1}]`;
}

class Parser {
  private pos = 0;
  private firstTokenEnd = -1;

  constructor(private readonly text: string) {}

  parseDocument(): ParsedJson {
    this.skipWhitespace();
    if (this.pos >= this.text.length) throw this.fail('No content to map due to end-of-input', this.pos);
    const root = this.parseValue();
    this.skipWhitespace();
    if (this.pos < this.text.length) {
      throw this.unexpected(this.pos, 'expected end-of-input after the pattern object');
    }
    return { root, firstTokenEnd: this.firstTokenEnd };
  }

  private parseValue(): JsonNode {
    const start = this.pos;
    const ch = this.text[start];
    switch (ch) {
      case '{':
        this.pos++;
        this.markFirstToken();
        return this.parseObject(start);
      case '[':
        this.pos++;
        this.markFirstToken();
        return this.parseArray(start);
      case '"': {
        const value = this.parseString();
        this.markFirstToken();
        return { kind: 'string', value };
      }
      case undefined:
        throw this.fail(`Unexpected end-of-input: expected a value ${EXPECTED_VALUE}`, start);
      default:
        if (ch === '-' || (ch >= '0' && ch <= '9')) {
          const node = this.parseNumber();
          this.markFirstToken();
          return node;
        }
        return this.parseKeyword();
    }
  }

  private markFirstToken(): void {
    if (this.firstTokenEnd < 0) this.firstTokenEnd = this.pos;
  }

  private parseObject(start: number): JsonNode {
    const entries: [string, JsonNode][] = [];
    if (this.consumeClose('}')) return { kind: 'object', entries };
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] !== '"') {
        if (this.pos >= this.text.length) throw this.endOfInput('Object', start);
        throw this.unexpected(this.pos, 'was expecting double-quote to start field name');
      }
      const key = this.parseString();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') {
        if (this.pos >= this.text.length) throw this.endOfInput('Object', start);
        throw this.unexpected(this.pos, 'was expecting a colon to separate field name and value');
      }
      this.pos++;
      this.skipWhitespace();
      entries.push([key, this.parseValue()]);
      if (!this.moreElements('}', 'Object', start)) return { kind: 'object', entries };
    }
  }

  private parseArray(start: number): JsonNode {
    const items: JsonNode[] = [];
    if (this.consumeClose(']')) return { kind: 'array', items };
    for (;;) {
      this.skipWhitespace();
      if (this.pos >= this.text.length) throw this.endOfInput('Array', start);
      items.push(this.parseValue());
      if (!this.moreElements(']', 'Array', start)) return { kind: 'array', items };
    }
  }

  /** Consumes `close` when it comes next (an empty container). */
  private consumeClose(close: '}' | ']'): boolean {
    this.skipWhitespace();
    if (this.text[this.pos] !== close) return false;
    this.pos++;
    return true;
  }

  /** After an element: consumes the comma (true, more follow) or the closing bracket (false). */
  private moreElements(close: '}' | ']', container: 'Object' | 'Array', start: number): boolean {
    this.skipWhitespace();
    const next = this.text[this.pos];
    if (next === ',' || next === close) {
      this.pos++;
      return next === ',';
    }
    if (next === undefined) throw this.endOfInput(container, start);
    throw this.unexpected(this.pos, `was expecting comma to separate ${container} entries`);
  }

  private parseString(): string {
    const open = this.pos;
    this.pos++;
    let out = '';
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= this.text.length) {
        throw this.fail(`Unexpected end-of-input: was expecting closing quote for a string value`, open);
      }
      const code = this.text.charCodeAt(this.pos);
      if (code === 0x22) {
        out += this.text.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (code < 0x20) {
        throw this.fail(
          `Illegal unquoted character (${describeChar(code)}): has to be escaped using backslash to be included in string value`,
          this.pos,
        );
      }
      if (code === 0x5c) {
        out += this.text.slice(chunkStart, this.pos);
        out += this.parseEscape();
        chunkStart = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  private parseEscape(): string {
    const escapeAt = this.pos + 1;
    const ch = this.text[escapeAt];
    this.pos += 2;
    switch (ch) {
      case '"':
      case '\\':
      case '/':
        return ch;
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const hex = this.text.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          throw this.fail(
            'Unexpected character in Unicode escape: expected a hex-digit for character escape sequence',
            this.pos,
          );
        }
        this.pos += 4;
        return String.fromCharCode(Number.parseInt(hex, 16));
      }
      case undefined:
        throw this.fail('Unexpected end-of-input in character escape sequence', escapeAt);
      default:
        throw this.fail(`Unrecognized character escape ${describeChar(ch.charCodeAt(0))}`, escapeAt);
    }
  }

  private parseNumber(): JsonNode {
    const start = this.pos;
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(start));
    const text = match?.[0] ?? '';
    const after = this.text[start + text.length];
    if (text === '' || text === '-' || (after !== undefined && /[0-9.eE+-]/.test(after))) {
      if (/^-?0\d/.test(this.text.slice(start))) {
        throw this.fail('Invalid numeric value: Leading zeroes not allowed', start + 1);
      }
      throw this.fail('Invalid numeric value: malformed number', start + Math.max(text.length, 1));
    }
    this.pos = start + text.length;
    return { kind: 'number', text, value: Number(text) };
  }

  private parseKeyword(): JsonNode {
    const start = this.pos;
    for (const [word, node] of KEYWORDS) {
      if (this.text.startsWith(word, start) && !isIdentifierPart(this.text[start + word.length])) {
        this.pos = start + word.length;
        this.markFirstToken();
        return node;
      }
    }
    const first = this.text.codePointAt(start) ?? 0;
    if (!isIdentifierStart(String.fromCodePoint(first))) {
      throw this.unexpected(start, `expected a valid value ${EXPECTED_VALUE}`);
    }
    // Like Jackson, name the whole run of identifier characters and point just past it.
    let end = start;
    while (end < this.text.length && isIdentifierPart(this.text[end])) end++;
    throw this.fail(
      `Unrecognized token '${this.text.slice(start, end)}': was expecting ${EXPECTED_VALUE}`,
      end,
    );
  }

  private skipWhitespace(): void {
    while (this.pos < this.text.length) {
      const code = this.text.charCodeAt(this.pos);
      if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return;
      this.pos++;
    }
  }

  private unexpected(offset: number, expectation: string): InvalidEventPatternError {
    const code = this.text.codePointAt(offset) ?? 0;
    return this.fail(`Unexpected character (${describeChar(code)}): ${expectation}`, offset);
  }

  private endOfInput(container: 'Object' | 'Array', start: number): InvalidEventPatternError {
    return this.fail(
      `Unexpected end-of-input: expected close marker for ${container} (start marker at ${sourceLocation(this.text, start)})`,
      this.text.length,
    );
  }

  private fail(reason: string, offset: number): InvalidEventPatternError {
    return new InvalidEventPatternError(reason, { location: sourceLocation(this.text, offset) });
  }
}

const KEYWORDS: readonly (readonly [string, JsonNode])[] = [
  ['true', { kind: 'boolean', value: true }],
  ['false', { kind: 'boolean', value: false }],
  ['null', { kind: 'null' }],
];

/** Jackson's description of a character in error messages: `'x' (code 120)`. */
function describeChar(code: number): string {
  if (code < 0x20) return `(CTRL-CHAR, code ${code})`;
  const shown = `'${String.fromCodePoint(code)}' (code ${code}`;
  return code > 255 ? `${shown} / 0x${code.toString(16)})` : `${shown})`;
}

function isIdentifierStart(ch: string): boolean {
  return /^[\p{L}\p{Nl}_$]$/u.test(ch);
}

function isIdentifierPart(ch: string | undefined): boolean {
  return ch !== undefined && /^[\p{L}\p{Nl}\p{Nd}\p{Mn}\p{Mc}\p{Pc}_$]$/u.test(ch);
}
