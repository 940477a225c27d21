/**
 * IAM policy documents as CloudTrail carries them. Documents in requestParameters are JSON strings; in
 * responseElements (and in some request renderings) they are URL-encoded, sometimes form-encoded with
 * `+` for spaces. Everything here is total: garbage in gives `undefined`, never an exception into a
 * detection. Validation is hand-written (see rules/README.md): the pure core has no schema library.
 */

/**
 * The longest policy document text a successful call can carry, as CloudTrail may render it: IAM
 * accepts a PolicyDocument parameter of up to 131,072 characters (its 2,048/5,120/10,240 quotas do
 * not count whitespace, so padding is free), and a URL-encoded rendering at most triples that.
 * Longer text is not parsed, which keeps a hostile record from making the parser do unbounded work;
 * {@link isOversizedPolicyDocument} lets detections treat it as uninspectable rather than harmless.
 */
export const MAX_POLICY_DOCUMENT_CHARS = 131_072 * 3;

/** One statement of a policy document: the fields iamwatch reads, checked; any others carried along. */
export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  NotPrincipal?: unknown;
  Condition?: Record<string, unknown>;
  [field: string]: unknown;
}

/** A parsed policy document; `Statement` is always a list here. */
export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[];
}

/**
 * Parses a policy document given as an object, a JSON string, or a URL-encoded JSON string.
 * Returns undefined for anything that is not a policy document or exceeds the size bound.
 */
export function parsePolicyDocument(value: unknown): PolicyDocument | undefined {
  const raw = typeof value === 'string' ? parseJsonText(value) : value;
  if (!isPlainObject(raw)) return undefined;
  const { Statement, Version } = raw;
  if (Version !== undefined && typeof Version !== 'string') return undefined;
  const statements = Array.isArray(Statement) ? Statement : [Statement];
  if (!statements.every(isPolicyStatement)) return undefined;
  const document: PolicyDocument = { Statement: statements };
  if (Version !== undefined) document.Version = Version;
  return document;
}

/**
 * Whether a policy document is too long to inspect. No successful IAM call carries one (see
 * {@link MAX_POLICY_DOCUMENT_CHARS}), so detections must fail closed on it, never read it as harmless.
 */
export function isOversizedPolicyDocument(value: unknown): boolean {
  return typeof value === 'string' && value.length > MAX_POLICY_DOCUMENT_CHARS;
}

/**
 * The policy documents one call's request carries, each parsed at most once: several detections read
 * the same document of the same event (inline policy, inline admin policy, trust policy …). The
 * normaliser builds one per event and hands it on as `NormalisedEvent.policies`.
 */
export class RequestPolicies {
  readonly #request: Record<string, unknown>;
  readonly #parsed = new Map<string, PolicyDocument | undefined>();

  constructor(request: Record<string, unknown>) {
    this.#request = request;
  }

  /** The document in `request[key]`, parsed on first use; undefined when it is not a policy document. */
  document(key: string): PolicyDocument | undefined {
    if (this.#parsed.has(key)) return this.#parsed.get(key);
    const document = parsePolicyDocument(this.#request[key]);
    this.#parsed.set(key, document);
    return document;
  }

  /** Whether `request[key]` is too long to inspect (see {@link isOversizedPolicyDocument}). */
  oversized(key: string): boolean {
    return isOversizedPolicyDocument(this.#request[key]);
  }
}

/** The strings of a policy element written as one string or a list; non-strings are dropped. */
export function listOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

const STRING_OR_LIST_FIELDS = ['Action', 'NotAction', 'Resource', 'NotResource'] as const;

function isPolicyStatement(value: unknown): value is PolicyStatement {
  if (!isPlainObject(value)) return false;
  if (!isOptionalString(value.Sid) || !isOptionalString(value.Effect)) return false;
  if (!STRING_OR_LIST_FIELDS.every((key) => isOptionalStringOrList(value[key]))) return false;
  return value.Condition === undefined || isPlainObject(value.Condition);
}

function isOptionalString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}

function isOptionalStringOrList(value: unknown): boolean {
  return (
    value === undefined ||
    typeof value === 'string' ||
    (Array.isArray(value) && value.every((item) => typeof item === 'string'))
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseJsonText(text: string): unknown {
  if (text.length > MAX_POLICY_DOCUMENT_CHARS) return undefined;
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const direct = tryJson(trimmed);
    if (direct !== undefined) return direct;
  }
  if (!trimmed.includes('%')) return undefined;
  try {
    // Form encoding writes spaces as `+`; a literal `+` is always `%2B` there, so this is lossless.
    return tryJson(decodeURIComponent(trimmed.replace(/\+/g, ' ')).trim());
  } catch {
    return undefined;
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
