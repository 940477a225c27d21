/**
 * The detection context: configuration detections and the normaliser consult. One default, and a
 * helper that fills the rest from it so callers (CLI, Lambdas, tests) state only what they configure.
 */
import type { DetectionContext } from './types';

/** iamwatch's own resources (rules, functions, table, topic) are named with this prefix. */
const DEFAULT_MONITOR_RESOURCE_PREFIX = 'iamwatch';

/** No organization accounts, no trusted or automation or deployment principals, default resource prefix. */
export const DEFAULT_CONTEXT: DetectionContext = Object.freeze({
  organizationAccountIds: Object.freeze([]) as readonly string[],
  trustedAccountIds: Object.freeze([]) as readonly string[],
  automationPrincipals: Object.freeze([]) as readonly string[],
  deploymentPrincipals: Object.freeze([]) as readonly string[],
  monitorResourcePrefix: DEFAULT_MONITOR_RESOURCE_PREFIX,
  accountNames: Object.freeze({}) as Readonly<Record<string, string>>,
  accountOuPaths: Object.freeze({}) as Readonly<Record<string, string>>,
});

/**
 * A complete context from the given overrides; anything not given comes from {@link DEFAULT_CONTEXT}.
 * Lists and maps are copied and frozen so a caller mutating its own arrays later cannot change it.
 */
export function makeContext(partial: Partial<DetectionContext> = {}): DetectionContext {
  const monitorResourcePrefix = partial.monitorResourcePrefix?.trim();
  return Object.freeze({
    organizationAccountIds: frozenList(
      partial.organizationAccountIds,
      DEFAULT_CONTEXT.organizationAccountIds,
    ),
    trustedAccountIds: frozenList(partial.trustedAccountIds, DEFAULT_CONTEXT.trustedAccountIds),
    automationPrincipals: frozenList(partial.automationPrincipals, DEFAULT_CONTEXT.automationPrincipals),
    deploymentPrincipals: frozenList(
      partial.deploymentPrincipals,
      DEFAULT_CONTEXT.deploymentPrincipals ?? [],
    ),
    monitorResourcePrefix: monitorResourcePrefix || DEFAULT_CONTEXT.monitorResourcePrefix,
    accountNames: partial.accountNames
      ? Object.freeze({ ...partial.accountNames })
      : DEFAULT_CONTEXT.accountNames,
    accountOuPaths: partial.accountOuPaths
      ? Object.freeze({ ...partial.accountOuPaths })
      : DEFAULT_CONTEXT.accountOuPaths,
    ...(partial.canary ? { canary: Object.freeze({ ...partial.canary }) } : {}),
  });
}

function frozenList(value: readonly string[] | undefined, fallback: readonly string[]): readonly string[] {
  return value ? Object.freeze([...value]) : fallback;
}
