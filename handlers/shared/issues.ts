/**
 * Readable messages for validation issues of `zod/mini`, the schema library of the code the Lambdas
 * load. zod/mini carries no locale (that is most of its size saving over zod classic), so an issue
 * without a message of its own reads "Invalid input"; this says what was expected instead, and never
 * quotes the received value (it may be a secret such as a webhook URL).
 */
import type * as z from 'zod/mini';

/** One validation issue, as zod/mini reports it. */
export type SchemaIssue = z.core.$ZodIssue;

const GENERIC = 'Invalid input';

/** The issue's own message when the schema set one, else what was expected. */
export function describeIssue(issue: SchemaIssue): string {
  if (issue.message && issue.message !== GENERIC) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field(s) ${issue.keys.join(', ')}`;
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'set'
        ? `must hold at least ${issue.minimum} item(s)`
        : `must be at least ${issue.minimum}${issue.origin === 'string' ? ' character(s)' : ''}`;
    case 'too_big':
      return `must be at most ${issue.maximum}`;
    case 'invalid_format':
      return `has an invalid ${issue.format} format`;
    default:
      return 'is invalid';
  }
}

/** The first issue as `path.to.field message`, for a one-line error about a whole document. */
export function describeFirstIssue(issues: readonly SchemaIssue[]): string {
  const [issue] = issues;
  return issue ? `${dottedPath(issue.path)} ${describeIssue(issue)}` : '(root) is invalid';
}

/** `path.to.field` (dots), or `(root)` for the value itself. */
export function dottedPath(path: readonly PropertyKey[]): string {
  return path.map(String).join('.') || '(root)';
}
