import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeContext } from '../../rules/context';
import { judge } from '../../rules/engine';
import { normalise } from '../../rules/normalise';
import type { CloudTrailRecord, Severity } from '../../rules/types';

/**
 * The whole catalog over real and published CloudTrail records (Sigma's lesson: run every rule
 * against ordinary events). Each record's expected detections are listed exactly, as `id:severity`;
 * read-only and non-IAM records must get none (a root session issued by sts:AssumeRoot aside). The
 * bundled Apache-2.0 records always run; the complete corpus in ../shared runs when that folder
 * exists (it is not part of a fresh clone).
 */
const EXPECTED: Record<string, readonly string[]> = {
  // AWS documentation examples
  'aws-docs/AddUserToGroup__1.json': ['iam-group-membership-added:low'],
  'aws-docs/AssumeRole__1.json': [],
  'aws-docs/AssumeRole__2.json': [],
  'aws-docs/AssumeRole__3.json': [],
  'aws-docs/AttachPolicy__1.json': [], // failed with PolicyTypeNotEnabledException: not a denial, not a change
  'aws-docs/CloseAccount__1.json': ['iam-change:info'],
  'aws-docs/ConsoleLogin__1.json': ['console-login-without-mfa:medium'],
  'aws-docs/ConsoleLogin__2.json': [],
  'aws-docs/ConsoleLogin__3.json': ['console-login-failed:low'],
  'aws-docs/ConsoleLogin__4.json': ['root-console-login:critical'], // root, MFAUsed No
  'aws-docs/ConsoleLogin__5.json': ['root-console-login:high'], // root, MFAUsed YES
  'aws-docs/ConsoleLogin__6.json': ['console-login-failed:medium'],
  'aws-docs/ConsoleLogin__7.json': ['console-login-without-mfa:medium'],
  'aws-docs/ConsoleLogin__8.json': ['console-login-failed:low'],
  'aws-docs/ConsoleLogin__9.json': ['console-login-failed:low'],
  'aws-docs/CreateAccountResult__1.json': [], // AwsServiceEvent, not a call
  'aws-docs/CreateAccount__1.json': ['org-account-created-or-invited:medium'],
  'aws-docs/CreateOrganizationalUnit__1.json': ['iam-change:info'],
  'aws-docs/CreateUser__1.json': ['iam-user-created:medium'],
  'aws-docs/CredentialVerification__1.json': [],
  'aws-docs/EnableMFADevice__1.json': ['root-activity:high'],
  'aws-docs/GetUserPolicy__1.json': [],
  'aws-docs/InviteAccountToOrganization__1.json': ['org-account-created-or-invited:medium'],
  'aws-docs/PasswordUpdated__1.json': ['root-activity:high'],
  'aws-docs/StartInstances__1.json': [],
  'aws-docs/UserAuthentication__1.json': [],
  // cloud-buddy (EventBridge envelopes)
  'cloud-buddy/CreateLoginProfile__1.eventbridge.json': [
    'iam-login-profile-changed-for-another-user:high',
    'iam-login-profile-created:medium',
  ],
  'cloud-buddy/CreateVirtualMFADevice__1.eventbridge.json': ['root-activity:high'],
  'cloud-buddy/DeactivateMFADevice__1.eventbridge.json': [
    'iam-mfa-device-removed:high',
    'root-activity:high',
  ],
  'cloud-buddy/DeleteVirtualMFADevice__1.eventbridge.json': [
    'iam-mfa-device-removed:high',
    'root-activity:high',
  ],
  'cloud-buddy/EnableMFADevice__1.eventbridge.json': ['root-activity:high'],
  'cloud-buddy/UpdateAccountPasswordPolicy__1.eventbridge.json': [
    'iam-password-policy-changed:high',
    'root-activity:high',
  ],
  'cloud-buddy/UpdateAccountPasswordPolicy__2.eventbridge.json': [
    'iam-password-policy-changed:high',
    'root-activity:high',
  ],
  // miquido, nuvibit
  'miquido-sns-formatter/AttachRolePolicy__1.eventbridge.json': ['iam-policy-attached:low'],
  'miquido-sns-formatter/CreateServiceLinkedRole__1.eventbridge.json': ['iam-change:info'], // never iam-role-created
  'miquido-sns-formatter/PutRolePolicy__1.eventbridge.json': ['iam-inline-policy-added:medium'],
  'nuvibit-blog/AuthorizeSecurityGroupIngress__1.eventbridge.json': [],
  'nuvibit-semper/DeleteRolePermissionsBoundary__1.eventbridge.json': [
    'iam-permissions-boundary-removed:high',
  ],
  // panther-analysis
  'panther-analysis/AssumeRole__1.json': [],
  'panther-analysis/AssumeRole__2.json': [],
  'panther-analysis/AttachRolePolicy__1.json': [], // failed with NoSuchEntity
  'panther-analysis/AttachUserPolicy__1.json': ['iam-policy-attached:low'],
  'panther-analysis/AttachUserPolicy__2.json': ['iam-admin-policy-attached:critical'],
  'panther-analysis/ChangePassword__1.json': [],
  'panther-analysis/ConsoleLogin__1.json': [], // Identity Center session: MFA is the IdP's business
  'panther-analysis/ConsoleLogin__2.json': ['console-login-failed:medium'],
  'panther-analysis/ConsoleLogin__3.json': [],
  'panther-analysis/ConsoleLogin__4.json': [], // SAML federation
  'panther-analysis/CreateAccessKey__1.json': ['root-access-key-created:critical', 'root-activity:high'],
  'panther-analysis/CreateAccessKey__2.json': [], // LimitExceeded
  'panther-analysis/CreateAccountResult__1.json': [],
  'panther-analysis/CreateRole__1.json': ['iam-role-created:low'],
  'panther-analysis/CreateSAMLProvider__1.json': ['iam-identity-provider-changed:high'],
  'panther-analysis/CreateSAMLProvider__2.json': ['iam-identity-provider-changed:medium'], // CloudFormation: lowered
  'panther-analysis/CreateServiceLinkedRole__1.json': ['iam-write-denied:medium'],
  'panther-analysis/CreateServiceLinkedRole__2.json': ['iam-change:info'],
  'panther-analysis/CreateUser__1.json': [], // EntityAlreadyExists
  'panther-analysis/CreateUser__2.json': ['iam-user-created:medium'],
  'panther-analysis/CreateVirtualMFADevice__1.json': ['iam-change:info'],
  'panther-analysis/DeleteGroupPolicy__1.json': ['iam-change:info'],
  'panther-analysis/DescribeInstances__1.json': [],
  'panther-analysis/GetCallerIdentity__1.json': [],
  'panther-analysis/GetObject__1.json': [],
  'panther-analysis/LeaveOrganization__1.json': ['iam-write-denied:medium'],
  'panther-analysis/ListFunctions20150331__1.json': [],
  'panther-analysis/PutUserPolicy__1.json': ['iam-inline-policy-added:medium'], // a Deny policy: not admin
  'panther-analysis/UpdateAssumeRolePolicy__1.json': [
    'iam-role-trust-allows-external:high', // Principal * with only an ExternalId condition
    'iam-role-trust-policy-changed:medium',
  ],
  'panther-analysis/UpdateLoginProfile__1.json': ['iam-login-profile-changed-for-another-user:medium'],
  // stratus-red-team detonations
  'stratus-red-team/AssumeRole__1.json': [],
  'stratus-red-team/AssumeRole__2.json': [],
  'stratus-red-team/AttachRolePolicy__1.json': ['iam-admin-policy-attached:high'],
  'stratus-red-team/AttachUserPolicy__1.json': ['iam-admin-policy-attached:critical'],
  'stratus-red-team/ConsoleLogin__1.json': ['console-login-without-mfa:medium'],
  'stratus-red-team/CreateAccessKey__1.json': ['iam-access-key-created-for-another-user:high'],
  'stratus-red-team/CreateAccessKey__2.json': ['iam-access-key-created-for-another-user:high'],
  'stratus-red-team/CreateLoginProfile__1.json': [
    'iam-login-profile-changed-for-another-user:high',
    'iam-login-profile-created:medium',
  ],
  'stratus-red-team/CreateRole__1.json': ['iam-role-trust-allows-external:high', 'iam-role-created:low'],
  'stratus-red-team/CreateUser__1.json': ['iam-user-created:medium'],
  'stratus-red-team/DeleteLoginProfile__1.json': [], // EntityTemporarilyUnmodifiable
  'stratus-red-team/DescribeInstances__1.json': [],
  'stratus-red-team/GetCallerIdentity__1.json': [],
  'stratus-red-team/GetCallerIdentity__2.json': [],
  'stratus-red-team/GetCallerIdentity__3.json': [],
  'stratus-red-team/GetFederationToken__1.json': [],
  'stratus-red-team/LeaveOrganization__1.json': ['iam-write-denied:medium'], // never org-account-removed
  'stratus-red-team/UpdateAssumeRolePolicy__1.json': [
    'iam-role-trust-allows-external:high',
    'iam-role-trust-policy-changed:medium',
  ],
  'stratus-red-team/UpdateLoginProfile__1.json': ['iam-login-profile-changed-for-another-user:high'],
};

const DETECTIONS_OF_FAILED_CALLS = new Set(['iam-write-denied', 'console-login-failed', 'root-activity']);
/** CloudTrail logs STS credential calls such as AssumeRole as read-only; issuing a root session still counts. */
const DETECTIONS_OF_READ_ONLY_CALLS = new Set(['root-session-assumed']);

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const bundled = join(repoRoot, 'test/fixtures/rules/cloudtrail');
const shared = join(repoRoot, '../shared/cloudtrail-samples');

function recordFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return recordFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A few published examples (AWS docs, hand-written vendor tests) omit `eventID`, which the CLI would
 * reject; detections do not read it, so those records get the file name as id here.
 */
function readRecord(path: string): CloudTrailRecord {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const record = path.endsWith('.eventbridge.json') && isObject(parsed) ? parsed.detail : parsed;
  if (!isObject(record) || typeof record.eventName !== 'string' || typeof record.eventSource !== 'string') {
    throw new Error(`${path} holds no CloudTrail record`);
  }
  const eventID = typeof record.eventID === 'string' ? record.eventID : path;
  return { ...record, eventID } as CloudTrailRecord;
}

function verdictOf(record: CloudTrailRecord) {
  const ctx = makeContext();
  const event = normalise(record, ctx);
  return { event, ...judge(event, ctx) };
}

const hits = (detections: readonly { id: string; severity: Severity }[]) =>
  detections.map((d) => `${d.id}:${d.severity}`).sort();

function corpusSuite(dir: string) {
  // Collected even when the suite is skipped: a missing folder must not fail collection.
  if (!existsSync(dir)) return;
  const files = recordFiles(dir).map((path) => [relative(dir, path).split('\\').join('/'), path] as const);

  it('holds records', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s', (name, path) => {
    const { event, entry, errors } = verdictOf(readRecord(path));
    expect(errors).toEqual([]);
    const expected = EXPECTED[name];
    if (expected) {
      expect(hits(entry.detections)).toEqual([...expected].sort());
    }
    // Holds for records added to the corpus later, too.
    if (event.readOnly) {
      expect(entry.detections.filter((hit) => !DETECTIONS_OF_READ_ONLY_CALLS.has(hit.id))).toEqual([]);
    }
    if (event.result === 'failure') {
      for (const hit of entry.detections) expect(DETECTIONS_OF_FAILED_CALLS).toContain(hit.id);
    }
  });
}

describe('bundled corpus (test/fixtures/rules/cloudtrail)', () => {
  corpusSuite(bundled);

  it('covers the essentials: a sample of each key verdict is bundled', () => {
    const names = recordFiles(bundled).map((p) => relative(bundled, p).split('\\').join('/'));
    const verdicts = names.flatMap((n) => EXPECTED[n] ?? []);
    for (const id of [
      'iam-admin-policy-attached:critical',
      'iam-access-key-created-for-another-user:high',
      'root-access-key-created:critical',
      'iam-role-trust-allows-external:high',
      'iam-login-profile-changed-for-another-user:high',
      'iam-write-denied:medium',
      'console-login-without-mfa:medium',
    ]) {
      expect(verdicts).toContain(id);
    }
  });
});

describe.skipIf(!existsSync(shared))('shared corpus (../shared/cloudtrail-samples)', () => {
  corpusSuite(shared);

  it('has an expectation for every record', () => {
    const names = recordFiles(shared).map((p) => relative(shared, p).split('\\').join('/'));
    expect(names.filter((n) => !(n in EXPECTED))).toEqual([]);
  });
});
