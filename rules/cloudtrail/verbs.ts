/** Verbs of read-only AWS API calls; everything else is treated as mutating. */
const READ_PREFIXES = [
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
  'Batch Get',
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

export function isReadOnlyEventName(eventName: string): boolean {
  return READ_PREFIXES.some((prefix) => eventName.startsWith(prefix));
}

export function isMutatingEventName(eventName: string): boolean {
  return MUTATING_PREFIXES.some((prefix) => eventName.startsWith(prefix));
}
