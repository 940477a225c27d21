/**
 * Pattern validation on its own, for callers that only need to know whether EventBridge would
 * accept a pattern (the CDK stacks, the CLI's `rules --patterns`).
 */
import { compileRule } from './compile';
import { fromValue } from './json';
import { compilePatternText } from './matcher';

/**
 * Throws {@link InvalidEventPatternError} (with AWS's message) when EventBridge would reject the
 * pattern. A string is taken as the pattern's JSON text, anything else as the pattern itself.
 */
export function validatePattern(pattern: unknown): void {
  if (typeof pattern === 'string') compilePatternText(pattern);
  else compileRule(fromValue(pattern));
}
