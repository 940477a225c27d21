/** Verbs of read-only AWS API calls; everything else is treated as mutating. */
export const READ_PREFIXES: readonly string[] = [
  'Get',
  'List',
  'Describe',
  'Lookup',
  'Search',
  'Query',
  'Scan',
  'Head',
  'Check',
  'Preview',
  'Simulate',
  'Generate',
  'Test',
  'Validate',
  'BatchGet',
  'Select',
  'Download',
  'Estimate',
];

/** Mutating verb prefixes, used by the `iam-change` catch-all pattern (prefix matching). */
export const MUTATING_PREFIXES = [
  'Create',
  'Delete',
  'Put',
  'Update',
  'Attach',
  'Detach',
  'Add',
  'Remove',
  'Upload',
  'Set',
  'Enable',
  'Disable',
  'Deactivate',
  'Change',
  'Reset',
  'Tag',
  'Untag',
  'Accept',
  'Decline',
  'Cancel',
  'Invite',
  'Leave',
  'Move',
  'Register',
  'Deregister',
  'Provision',
  'Associate',
  'Disassociate',
  'Resync',
  'Close',
] as const;

/** True when the event name starts with a read verb (`GetUser`, `ListRoles`, `DescribeInstances`). */
export function isReadOnlyEventName(eventName: string): boolean {
  return READ_PREFIXES.some((prefix) => startsWithVerb(eventName, prefix));
}

/** True when the event name starts with a mutating verb (`CreateUser`, `AttachRolePolicy`). */
export function isMutatingEventName(eventName: string): boolean {
  return MUTATING_PREFIXES.some((prefix) => startsWithVerb(eventName, prefix));
}

/**
 * The verb must be a whole word of the PascalCase name: `Settle…` is not `Set`, `Testify…` not `Test`.
 * The catch-all EventBridge pattern matches bare prefixes, so it may deliver more than this admits.
 */
function startsWithVerb(eventName: string, verb: string): boolean {
  if (!eventName.startsWith(verb)) return false;
  const next = eventName.charCodeAt(verb.length);
  return Number.isNaN(next) || (next >= 65 && next <= 90) || (next >= 48 && next <= 57);
}
