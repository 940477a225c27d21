/**
 * `defineDetection` and the small vocabulary detections share. A detection file holds one
 * `defineDetection({...})`: metadata, trigger and a pure `match`; its positive and near-miss examples
 * are next to it in `<id>.examples.ts` (`defineExamples`, rules/examples.ts). Shape errors surface
 * when the catalog is loaded, not when an alert should have fired.
 */
import {
  type Actor,
  type Detection,
  type NormalisedEvent,
  SEVERITIES,
  type Target,
  type Trigger,
} from '../types';

/** An ATT&CK technique as the catalog cites it. */
type Technique = Detection['mitre'][number];

/**
 * What a detection file states; `status` defaults to `stable`, `severities` to `[severity]`, and a
 * single `trigger` may be written without a list. `references` are the documentation links: the
 * ATT&CK page of `attackPage` (default: the first technique of `mitre`) is appended to them. A
 * `runbook` written as a list of steps is numbered (`1. …`, one step a line).
 */
export type DetectionSpec = Omit<Detection, 'status' | 'severities' | 'trigger' | 'runbook'> &
  Partial<Pick<Detection, 'status' | 'severities'>> & {
    trigger: Trigger | readonly Trigger[];
    runbook: string | readonly string[];
    attackPage?: Technique;
  };

/** A detection definition that breaks the catalog's rules (bad id, missing metadata, no near miss …). */
export class DetectionDefinitionError extends Error {
  override readonly name = 'DetectionDefinitionError';
  constructor(
    readonly detectionId: string,
    readonly problems: readonly string[],
  ) {
    super(`detection ${detectionId || '(no id)'} is malformed: ${problems.join('; ')}`);
  }
}

/** Lower-case words joined by single hyphens: `iam-user-created`. */
export const DETECTION_ID_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
/** ATT&CK technique or sub-technique: `T1098`, `T1098.001`. */
export const MITRE_ID_PATTERN = /^T\d{4}(?:\.\d{3})?$/;

/** Fills defaults, checks the shape and freezes the detection. Throws {@link DetectionDefinitionError}. */
export function defineDetection(spec: DetectionSpec): Detection {
  const { attackPage, ...rest } = spec;
  const linked = attackPage ?? spec.mitre[0];
  const detection: Detection = {
    ...rest,
    status: spec.status ?? 'stable',
    severities: spec.severities ?? [spec.severity],
    runbook: typeof spec.runbook === 'string' ? spec.runbook : numberedSteps(spec.runbook),
    references: linked ? [...spec.references, attackReference(linked)] : spec.references,
    trigger: Array.isArray(spec.trigger) ? spec.trigger : [spec.trigger as Trigger],
  };
  const problems = shapeProblems(detection);
  if (attackPage && !spec.mitre.some((m) => m.id === attackPage.id))
    problems.push(`attackPage ${attackPage.id} is not in mitre`);
  if (problems.length > 0) throw new DetectionDefinitionError(detection.id, problems);
  return Object.freeze(detection);
}

function numberedSteps(steps: readonly string[]): string {
  return steps.map((step, i) => `${i + 1}. ${step}`).join('\n');
}

function shapeProblems(d: Detection): string[] {
  const problems: string[] = [];
  if (!DETECTION_ID_PATTERN.test(d.id)) problems.push('id must be kebab-case');
  if (!SEVERITIES.includes(d.severity)) problems.push(`unknown severity ${d.severity}`);
  for (const s of d.severities) if (!SEVERITIES.includes(s)) problems.push(`unknown severity ${s}`);
  if (!d.severities.includes(d.severity)) problems.push('severities must include severity');
  if (d.severities.length > 1 && !d.severityOf) problems.push('several severities need severityOf');
  if (!d.description.trim()) problems.push('description is empty');
  if (!d.runbook.trim()) problems.push('runbook is empty');
  if (d.references.length === 0) problems.push('no references');
  for (const ref of d.references)
    if (!/^https:\/\/\S+$/.test(ref)) problems.push(`reference ${ref} is not https`);
  if (d.mitre.length === 0) problems.push('no MITRE ATT&CK technique');
  for (const m of d.mitre) {
    if (!MITRE_ID_PATTERN.test(m.id) || !m.name.trim()) problems.push(`bad MITRE technique ${m.id}`);
  }
  if (d.falsePositives.length === 0) problems.push('no false-positive notes');
  problems.push(...triggerProblems(d.trigger));
  return problems;
}

function triggerProblems(list: readonly Trigger[]): string[] {
  if (list.length === 0) return ['no trigger'];
  const problems: string[] = [];
  for (const t of list) {
    const lists = [t.sources, t.eventNames, t.eventNamePrefixes, t.userIdentityTypes];
    if (lists.some((l) => l !== undefined && l.length === 0)) problems.push('trigger has an empty list');
    if (!t.eventNames && !t.eventNamePrefixes && !t.userIdentityTypes) {
      problems.push('trigger must name events, prefixes or identity types');
    }
    if (t.sources?.some((s) => !s.startsWith('aws.')))
      problems.push('trigger sources look like aws.<service>');
  }
  return problems;
}

/** The call succeeded: failed calls never fire a change detection. */
export function succeeded(e: NormalisedEvent): boolean {
  return e.result === 'success';
}

/** Who did it, for titles: `alice`, `root`, `alice@example.com (AWSReservedSSO_Admin_…)`. */
export function actorLabel(actor: Actor): string {
  if (actor.type === 'Root') return 'root';
  if (actor.type === 'AssumedRole') {
    const role = roleNameOf(actor.sessionIssuerArn) ?? roleNameOfSession(actor.arn);
    if (actor.name && role) return `${actor.name} (${role})`;
  }
  if (actor.type === 'AWSService') return actor.invokedBy ?? actor.name ?? 'an AWS service';
  return actor.name ?? actor.arn ?? actor.principalId ?? `an unknown ${actor.type} principal`;
}

/** What it was done to, for titles; `fallback` when the call named nothing. */
export function targetLabel(target: Target | undefined, fallback = 'unknown'): string {
  return target?.name ?? target?.arn ?? fallback;
}

/** The role name in a role ARN (`arn:aws:iam::1:role/path/Name` → `Name`). */
function roleNameOf(roleArn: string | undefined): string | undefined {
  if (!roleArn) return undefined;
  const slash = roleArn.lastIndexOf('/');
  return slash < 0 ? undefined : roleArn.slice(slash + 1) || undefined;
}

function roleNameOfSession(sessionArn: string | undefined): string | undefined {
  const match = /:assumed-role\/([^/]+)\//.exec(sessionArn ?? '');
  return match?.[1];
}

/** A string request parameter, undefined when absent or not a string. */
export function requestText(e: NormalisedEvent, key: string): string | undefined {
  const value = e.request[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * A boolean request parameter. CloudTrail writes booleans as JSON booleans, but some renderings
 * (LookupEvents, hand-built records) carry `"true"`/`"false"` strings.
 */
export function requestFlag(e: NormalisedEvent, key: string): boolean | undefined {
  const value = e.request[key];
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** A numeric request parameter (numbers or numeric strings). */
export function requestNumber(e: NormalisedEvent, key: string): number | undefined {
  const value = e.request[key];
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

/** Error codes of calls refused for lack of permission (IAM, Organizations, EC2-style spellings). */
const DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'Client.UnauthorizedOperation',
  'UnauthorizedException',
  'Client.AccessDenied',
]);

/** Whether a failed call was refused for lack of permission (as opposed to a validation error). */
export function isAccessDenied(errorCode: string | undefined): boolean {
  return !!errorCode && DENIED_CODES.has(errorCode);
}

/**
 * Whether an AWS service made the call on the actor's behalf (`userIdentity.invokedBy`), the CIS
 * root-usage filter's exclusion: Identity Center provisioning roles as `Root` in the management
 * account, for one. The console is the exception: a root user creating an access key in the console
 * is logged with `invokedBy: signin.amazonaws.com` (panther-analysis CreateAccessKey sample), and that
 * is the root user acting, so it must not be excluded.
 */
export function isInvokedByService(actor: Actor): boolean {
  return !!actor.invokedBy && actor.invokedBy !== CONSOLE_INVOKER;
}

const CONSOLE_INVOKER = 'signin.amazonaws.com';

/** EventBridge sources of the IAM control plane: IAM, Organizations and Identity Center. */
export const IAM_CONTROL_PLANE_SOURCES = [
  'aws.iam',
  'aws.organizations',
  'aws.sso',
  'aws.identitystore',
  'aws.sso-directory',
] as const;

/** MITRE ATT&CK (Enterprise, cloud) techniques the catalog cites. */
export const ATTACK = {
  accountManipulation: { id: 'T1098', name: 'Account Manipulation' },
  additionalCloudCredentials: { id: 'T1098.001', name: 'Account Manipulation: Additional Cloud Credentials' },
  additionalCloudRoles: { id: 'T1098.003', name: 'Account Manipulation: Additional Cloud Roles' },
  createCloudAccount: { id: 'T1136.003', name: 'Create Account: Cloud Account' },
  accountAccessRemoval: { id: 'T1531', name: 'Account Access Removal' },
  validCloudAccounts: { id: 'T1078.004', name: 'Valid Accounts: Cloud Accounts' },
  modifyAuthenticationProcess: { id: 'T1556', name: 'Modify Authentication Process' },
  mfaModification: { id: 'T1556.006', name: 'Modify Authentication Process: Multi-Factor Authentication' },
  tenantPolicyModification: { id: 'T1484', name: 'Domain or Tenant Policy Modification' },
  trustModification: { id: 'T1484.002', name: 'Domain or Tenant Policy Modification: Trust Modification' },
  samlTokens: { id: 'T1606.002', name: 'Forge Web Credentials: SAML Tokens' },
  bruteForce: { id: 'T1110', name: 'Brute Force' },
  modifyCloudResourceHierarchy: { id: 'T1666', name: 'Modify Cloud Resource Hierarchy' },
  disableCloudLogs: { id: 'T1562.008', name: 'Impair Defenses: Disable or Modify Cloud Logs' },
  disableTools: { id: 'T1562.001', name: 'Impair Defenses: Disable or Modify Tools' },
} as const satisfies Record<string, { id: string; name: string }>;

/** The ATT&CK page of a technique: `T1098.001` → https://attack.mitre.org/techniques/T1098/001/. */
function attackReference(technique: Technique): string {
  return `https://attack.mitre.org/techniques/${technique.id.replace('.', '/')}/`;
}

/** AWS API reference pages, by service. */
export const apiReference = {
  iam: (action: string) => `https://docs.aws.amazon.com/IAM/latest/APIReference/API_${action}.html`,
  organizations: (action: string) =>
    `https://docs.aws.amazon.com/organizations/latest/APIReference/API_${action}.html`,
  ssoAdmin: (action: string) =>
    `https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_${action}.html`,
  identityStore: (action: string) =>
    `https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_${action}.html`,
  cloudTrail: (action: string) =>
    `https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_${action}.html`,
  eventBridge: (action: string) =>
    `https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_${action}.html`,
  lambda: (action: string) => `https://docs.aws.amazon.com/lambda/latest/api/API_${action}.html`,
  dynamodb: (action: string) =>
    `https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_${action}.html`,
  sns: (action: string) => `https://docs.aws.amazon.com/sns/latest/api/API_${action}.html`,
} as const;
