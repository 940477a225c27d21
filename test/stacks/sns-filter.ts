/**
 * SNS subscription filter-policy semantics (message-attribute scope), as the SNS developer guide
 * states them: a subscription without a filter policy receives every message; with one, a message is
 * delivered only when every attribute the policy names is present and matches one of its conditions.
 * A policy key whose only condition is `{"exists": false}` is satisfied by the attribute's absence.
 * Enough of the matching rules for the policies iamwatch writes (string lists, prefix, anything-but,
 * exists); an operator it does not know fails the test rather than guessing.
 */

/** A message's attributes as SNS sees them (String and String.Array values). */
export type MessageAttributes = Record<string, string | string[]>;

/** Whether SNS would deliver a message with `attributes` to a subscription with `policy`. */
export function filterPolicyAccepts(policy: unknown, attributes: MessageAttributes): boolean {
  if (policy === undefined || policy === null) return true;
  if (typeof policy !== 'object' || Array.isArray(policy)) {
    throw new Error(`not a filter policy: ${JSON.stringify(policy)}`);
  }
  return Object.entries(policy as Record<string, unknown>).every(([name, conditions]) => {
    if (!Array.isArray(conditions)) throw new Error(`nested or non-list filter for ${name} is not handled`);
    const value = attributes[name];
    return conditions.some((condition) => conditionMatches(condition, value));
  });
}

function conditionMatches(condition: unknown, value: string | string[] | undefined): boolean {
  if (condition !== null && typeof condition === 'object' && !Array.isArray(condition)) {
    const operator = condition as Record<string, unknown>;
    if ('exists' in operator) return (value !== undefined) === operator.exists;
    if (value === undefined) return false;
    const values = Array.isArray(value) ? value : [value];
    if (typeof operator.prefix === 'string')
      return values.some((v) => v.startsWith(operator.prefix as string));
    if ('anything-but' in operator) {
      const excluded = ([] as unknown[]).concat(operator['anything-but']);
      return values.some((v) => !excluded.includes(v));
    }
    throw new Error(`filter operator ${JSON.stringify(condition)} is not handled`);
  }
  if (value === undefined) return false;
  return (Array.isArray(value) ? value : [value]).some((v) => v === condition);
}
