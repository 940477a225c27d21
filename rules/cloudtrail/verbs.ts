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

/**
 * Calls an end user makes to obtain or drop credentials, not to change who may do what: `aws sso
 * login` (IAM Identity Center OIDC: RegisterClient, StartDeviceAuthorization, CreateToken,
 * CreateTokenWithIAM), the access portal handing out role credentials (Federate, GetRoleCredentials,
 * Authenticate, Logout). Their verbs look mutating (the OIDC API even lists CreateToken as a Write
 * action), but nothing persists in IAM, the organization or Identity Center afterwards: they are
 * sign-ins, and a busy organization makes thousands a day.
 */
const CREDENTIAL_CALL_NAMES = new Set([
  'CreateToken',
  'CreateTokenWithIAM',
  'RegisterClient',
  'StartDeviceAuthorization',
  'Federate',
  'GetRoleCredentials',
  'Authenticate',
  'Logout',
]);

/** The Identity Center OIDC service: every call of it mints or refreshes tokens. */
const CREDENTIAL_SOURCES = new Set(['sso-oauth.amazonaws.com']);

/** True for an end-user credential-fetching call (token, portal federation), which is not an IAM change. */
export function isCredentialCall(eventSource: string, eventName: string): boolean {
  return CREDENTIAL_SOURCES.has(eventSource) || CREDENTIAL_CALL_NAMES.has(eventName);
}
