/**
 * Builders for example CloudTrail records: detections' positive and near-miss examples, tests and
 * the demo. They produce records shaped like what CloudTrail writes (userIdentity per identity type,
 * sign-in `responseElements.ConsoleLogin`, `additionalEventData.MFAUsed` …), so examples run through
 * the real normaliser. Deterministic: the n-th record built gets the n-th event id.
 *
 * Only the examples modules (`rules/detections/<id>.examples.ts`), the tests and the CLI load this
 * module; the detections and the Lambdas never do.
 */
import { DetectionDefinitionError } from './detections/define';
import type {
  CloudTrailRecord,
  CloudTrailUserIdentity,
  Detection,
  DetectionExample,
  DetectionExamples,
} from './types';

/**
 * A detection's examples, checked as they load, as `defineDetection` checks the detection: at least
 * one positive and one near miss that must not fire, no two with the same name.
 *
 * @throws DetectionDefinitionError naming the detection and what is missing.
 */
export function defineExamples(
  detection: Detection,
  examples: readonly DetectionExample[],
): DetectionExamples {
  const problems: string[] = [];
  if (!examples.some((e) => e.expect)) problems.push('no positive example');
  if (!examples.some((e) => !e.expect)) problems.push('no near-miss (negative) example');
  const names = examples.map((e) => e.name);
  if (new Set(names).size !== names.length) problems.push('two examples share a name');
  if (problems.length > 0) throw new DetectionDefinitionError(detection.id, problems);
  return Object.freeze({ detection, examples: Object.freeze([...examples]) });
}

/** The account examples happen in (AWS documentation placeholder). */
export const EXAMPLE_ACCOUNT = '111122223333';
/** Another account of the same organization. */
export const EXAMPLE_ORG_ACCOUNT = '444455556666';
/** An account outside the organization. */
export const EXAMPLE_EXTERNAL_ACCOUNT = '999988887777';

const EXAMPLE_TIME = '2026-01-15T10:00:00Z';
const EXAMPLE_IP = '203.0.113.7';
const CLI_AGENT = 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5 md/arch#x86_64 lang/python#3.11.8';
const CONSOLE_AGENT = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Safari/605.1.15';

/** An IAM user's identity as CloudTrail writes it. */
export function iamUser(name: string, accountId = EXAMPLE_ACCOUNT): CloudTrailUserIdentity {
  const tag = name.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return {
    type: 'IAMUser',
    principalId: `AIDA${tag}EXAMPLE`,
    arn: `arn:aws:iam::${accountId}:user/${name}`,
    accountId,
    accessKeyId: `AKIA${tag}EXAMPLE`,
    userName: name,
  };
}

/** An assumed-role session: `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
export function assumedRole(
  roleName: string,
  sessionName: string,
  options: { accountId?: string; path?: string; mfa?: boolean; invokedBy?: string } = {},
): CloudTrailUserIdentity {
  const accountId = options.accountId ?? EXAMPLE_ACCOUNT;
  const identity: CloudTrailUserIdentity = {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLEROLEID:${sessionName}`,
    arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    accountId,
    accessKeyId: 'ASIAEXAMPLESESSION',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLEROLEID',
        arn: `arn:aws:iam::${accountId}:role${options.path ?? '/'}${roleName}`,
        accountId,
        userName: roleName,
      },
      webIdFederationData: {},
      attributes: { creationDate: EXAMPLE_TIME, mfaAuthenticated: String(options.mfa ?? false) },
    },
  };
  if (options.invokedBy) identity.invokedBy = options.invokedBy;
  return identity;
}

/** The root user of an account (MFA-authenticated session unless stated). */
export function rootUser(accountId = EXAMPLE_ACCOUNT, mfa = true): CloudTrailUserIdentity {
  return {
    type: 'Root',
    principalId: accountId,
    arn: `arn:aws:iam::${accountId}:root`,
    accountId,
    accessKeyId: 'ASIAROOTEXAMPLE',
    sessionContext: { attributes: { creationDate: EXAMPLE_TIME, mfaAuthenticated: String(mfa) } },
  };
}

/** An AWS service acting on its own behalf. */
export function awsService(invokedBy: string): CloudTrailUserIdentity {
  return { type: 'AWSService', invokedBy };
}

const SSO_ROLE = 'AWSReservedSSO_AdministratorAccess_0123456789abcdef';

/** Actor presets. */
export const actors = {
  /** IAM user alice, the usual administrator. */
  alice: iamUser('alice'),
  /** IAM user bob. */
  bob: iamUser('bob'),
  /** The root user of the example account. */
  root: rootUser(),
  /** An Identity Center (SSO) session of alice@example.com with the AdministratorAccess permission set. */
  sso: assumedRole(SSO_ROLE, 'alice@example.com', { path: '/aws-reserved/sso.amazonaws.com/' }),
  /** CloudFormation deploying a stack with the CDK execution role. */
  cloudformation: assumedRole('cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1', 'AWSCloudFormation', {
    invokedBy: 'cloudformation.amazonaws.com',
  }),
  /** A CI deploy role (an automation principal when configured as one). */
  deployRole: assumedRole('github-deploy', 'github-actions-run-42'),
  /** A session of a role whose session name happens to be "bob". */
  bobRoleSession: assumedRole('bob', 'bob'),
} as const;

/** The parts of a record an example usually varies. */
export interface CallOptions {
  actor?: CloudTrailUserIdentity;
  request?: Record<string, unknown> | null;
  response?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  errorCode?: string;
  errorMessage?: string;
  accountId?: string;
  region?: string;
  sourceIp?: string;
  userAgent?: string;
  readOnly?: boolean;
  eventType?: string;
  eventTime?: string;
}

let sequence = 0;

/** A unique, deterministic event id (UUID-shaped) per record built in this process. */
function nextEventId(): string {
  sequence += 1;
  return `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, '0')}`;
}

/** Any API call: `apiCall('iam.amazonaws.com', 'CreateUser', {...})`. */
export function apiCall(eventSource: string, eventName: string, options: CallOptions = {}): CloudTrailRecord {
  const actor = options.actor ?? actors.alice;
  const record: CloudTrailRecord = {
    eventVersion: '1.09',
    userIdentity: actor,
    eventTime: options.eventTime ?? EXAMPLE_TIME,
    eventSource,
    eventName,
    awsRegion: options.region ?? 'us-east-1',
    sourceIPAddress: options.sourceIp ?? (actor.invokedBy ? actor.invokedBy : EXAMPLE_IP),
    userAgent: options.userAgent ?? (actor.invokedBy ? actor.invokedBy : CLI_AGENT),
    requestParameters: options.request === undefined ? null : options.request,
    responseElements: options.response === undefined ? null : options.response,
    requestID: nextEventId(),
    eventID: nextEventId(),
    readOnly: options.readOnly ?? false,
    eventType: options.eventType ?? 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: options.accountId ?? actor.accountId ?? EXAMPLE_ACCOUNT,
    eventCategory: 'Management',
  };
  if (options.additionalEventData) record.additionalEventData = options.additionalEventData;
  if (options.errorCode) {
    record.errorCode = options.errorCode;
    record.errorMessage = options.errorMessage ?? `${options.errorCode} (example)`;
    record.responseElements = null;
  }
  return record;
}

/** Calls to one service: `iamCall('CreateUser', {...})`. */
type ServiceCall = (eventName: string, options?: CallOptions) => CloudTrailRecord;

function callsTo(eventSource: string): ServiceCall {
  return (eventName, options = {}) => apiCall(eventSource, eventName, options);
}

/** An IAM call (`iam.amazonaws.com`, us-east-1). */
export const iamCall = callsTo('iam.amazonaws.com');

/** An AWS Organizations call. */
export const orgCall = callsTo('organizations.amazonaws.com');

/** An IAM Identity Center administration call (`sso.amazonaws.com`). */
export const ssoCall = callsTo('sso.amazonaws.com');

/** An Identity Store call (`identitystore.amazonaws.com`). */
export const identityStoreCall = callsTo('identitystore.amazonaws.com');

/** An STS call (`sts.amazonaws.com`); AssumeRoot is served by Regional endpoints only. */
export const stsCall = callsTo('sts.amazonaws.com');

/** A CloudTrail management call. */
export const cloudTrailCall = callsTo('cloudtrail.amazonaws.com');

/** An EventBridge call (`events.amazonaws.com`). */
export const eventBridgeCall = callsTo('events.amazonaws.com');

export interface SigninOptions {
  actor?: CloudTrailUserIdentity;
  /** `Success` (default) or `Failure`. */
  result?: 'Success' | 'Failure';
  /** `additionalEventData.MFAUsed`; absent when undefined. Default: `No`. */
  mfaUsed?: 'Yes' | 'No' | undefined;
  /** Federation sign-ins carry the SAML provider. */
  samlProviderArn?: string;
  errorMessage?: string;
  accountId?: string;
  region?: string;
}

/** A console sign-in event (`signin.amazonaws.com`, eventType AwsConsoleSignIn). */
export function signinEvent(eventName = 'ConsoleLogin', options: SigninOptions = {}): CloudTrailRecord {
  const actor = options.actor ?? actors.alice;
  const result = options.result ?? 'Success';
  const additionalEventData: Record<string, unknown> = {
    LoginTo: 'https://console.aws.amazon.com/console/home',
    MobileVersion: 'No',
  };
  const mfaUsed = 'mfaUsed' in options ? options.mfaUsed : 'No';
  if (mfaUsed) additionalEventData.MFAUsed = mfaUsed;
  if (options.samlProviderArn) additionalEventData.SamlProviderArn = options.samlProviderArn;
  const record: CloudTrailRecord = {
    eventVersion: '1.08',
    userIdentity: withoutSessionKey(actor),
    eventTime: EXAMPLE_TIME,
    eventSource: 'signin.amazonaws.com',
    eventName,
    awsRegion: options.region ?? 'us-east-1',
    sourceIPAddress: EXAMPLE_IP,
    userAgent: CONSOLE_AGENT,
    requestParameters: null,
    responseElements: { [eventName]: result },
    additionalEventData,
    eventID: nextEventId(),
    eventType: 'AwsConsoleSignIn',
    recipientAccountId: options.accountId ?? actor.accountId ?? EXAMPLE_ACCOUNT,
  };
  if (result === 'Failure') record.errorMessage = options.errorMessage ?? 'Failed authentication';
  return record;
}

/**
 * Sign-in records carry no access key (the console session does not exist yet), and users' sign-ins
 * no session context: MFA is stated only in `additionalEventData.MFAUsed`.
 */
function withoutSessionKey(identity: CloudTrailUserIdentity): CloudTrailUserIdentity {
  const { accessKeyId: _key, sessionContext, ...rest } = identity;
  return identity.type === 'AssumedRole' && sessionContext ? { ...rest, sessionContext } : rest;
}

/** A policy document as CloudTrail logs it in requestParameters: a JSON string. */
export function policyJson(statements: readonly Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** A trust policy allowing `sts:AssumeRole` to the given principal. */
export function trustPolicy(principal: unknown, condition?: Record<string, unknown>): string {
  const statement: Record<string, unknown> = {
    Effect: 'Allow',
    Principal: principal,
    Action: 'sts:AssumeRole',
  };
  if (condition) statement.Condition = condition;
  return policyJson([statement]);
}
