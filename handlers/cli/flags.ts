/** The flags several CLI commands take, each spec written once. */

/** A command picks these with `flags(…)` and spells out only its own. */
const SHARED_FLAGS = {
  format: { type: 'string' },
  config: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  limit: { type: 'string' },
  actor: { type: 'string' },
  target: { type: 'string' },
  account: { type: 'string' },
  accounts: { type: 'string', multiple: true },
  detection: { type: 'string' },
  'min-severity': { type: 'string' },
  region: { type: 'string' },
  'role-name': { type: 'string' },
  'endpoint-url': { type: 'string' },
  org: { type: 'boolean' },
  concurrency: { type: 'string' },
  restart: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  alert: { type: 'boolean' },
  'no-fold': { type: 'boolean' },
} as const;

type SharedFlag = keyof typeof SHARED_FLAGS;

/** The shared specs of `names`, to spread into a command's options. */
export function flags<const K extends SharedFlag>(...names: K[]): Pick<typeof SHARED_FLAGS, K> {
  return Object.fromEntries(names.map((name) => [name, SHARED_FLAGS[name]])) as Pick<typeof SHARED_FLAGS, K>;
}
