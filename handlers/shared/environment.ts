/**
 * The environment contract between the stacks and the Lambda functions: every variable a stack sets
 * and a function's configuration reader reads is named here once, grouped by the function reading it.
 * Both sides import these names, and `test/stacks/environment-contract.test.ts` feeds each synthesized
 * function's environment to its reader, so a rename on one side fails the suite.
 */

const TABLE_NAME = 'IAMWATCH_TABLE_NAME';
const SNS_TOPIC_ARN = 'IAMWATCH_SNS_TOPIC_ARN';
const SLACK_ROUTES = 'IAMWATCH_SLACK_ROUTES';

/** The record function (and the S3 backfill and audit functions, which record with its settings). */
export const RECORD_ENV = {
  tableName: TABLE_NAME,
  retentionDays: 'IAMWATCH_RETENTION_DAYS',
  /** JSON; the stack compiles it into the record code instead (see `withBundledContext`). */
  detectionContext: 'IAMWATCH_DETECTION_CONTEXT',
  organizationSnapshot: 'IAMWATCH_ORGANIZATION_SNAPSHOT',
} as const;

/** The notify function (the audit function reads its routes and topic too). */
export const NOTIFY_ENV = {
  tableName: TABLE_NAME,
  /** JSON array of routes; the CLI's `resend` reads the same variable. */
  slackRoutes: SLACK_ROUTES,
  /** The alert topic; the CLI reads the same variable. */
  snsTopicArn: SNS_TOPIC_ARN,
  snsMinSeverity: 'IAMWATCH_SNS_MIN_SEVERITY',
  alertOnReplay: 'IAMWATCH_ALERT_ON_REPLAY',
  suppressionCacheSeconds: 'IAMWATCH_SUPPRESSION_CACHE_SECONDS',
  burstFolding: 'IAMWATCH_BURST_FOLDING',
  burstPostFirst: 'IAMWATCH_BURST_POST_FIRST',
  burstWindowMinutes: 'IAMWATCH_BURST_WINDOW_MINUTES',
} as const;

/** The S3 backfill function, on top of `RECORD_ENV`. */
export const S3_BACKFILL_ENV = {
  concurrency: 'IAMWATCH_S3_CONCURRENCY',
} as const;

/** The scheduled audit function, on top of `RECORD_ENV` and `NOTIFY_ENV`. */
export const AUDIT_ENV = {
  bucket: 'IAMWATCH_AUDIT_BUCKET',
  roleName: 'IAMWATCH_AUDIT_ROLE_NAME',
  /** JSON array of account ids; empty means every account of the organization. */
  accounts: 'IAMWATCH_AUDIT_ACCOUNTS',
  staleDays: 'IAMWATCH_AUDIT_STALE_DAYS',
  keyAgeDays: 'IAMWATCH_AUDIT_KEY_AGE_DAYS',
  maxSessionSeconds: 'IAMWATCH_AUDIT_MAX_SESSION_SECONDS',
} as const;

/** The heartbeat check function. */
export const HEARTBEAT_ENV = {
  tableName: TABLE_NAME,
  operationsTopicArn: 'IAMWATCH_OPERATIONS_TOPIC_ARN',
  /** JSON array of regions. */
  regions: 'IAMWATCH_HEARTBEAT_REGIONS',
  lateMinutes: 'IAMWATCH_HEARTBEAT_LATE_MINUTES',
  /** JSON `HeartbeatTargets`. */
  targets: 'IAMWATCH_HEARTBEAT_TARGETS',
  /** JSON `{accountId, roleName}` of the end-to-end canary, absent when none is deployed. */
  canary: 'IAMWATCH_CANARY',
} as const;

/** The canary function (the scheduled TagRole whose CloudTrail event proves the pipeline). */
export const CANARY_ENV = {
  roleName: 'IAMWATCH_CANARY_ROLE_NAME',
} as const;

/** The digest function. */
export const DIGEST_ENV = {
  tableName: TABLE_NAME,
  slackRoutes: SLACK_ROUTES,
  windowHours: 'IAMWATCH_DIGEST_WINDOW_HOURS',
} as const;

/** The organization refresh function. */
export const ORGANIZATION_ENV = {
  tableName: TABLE_NAME,
  roleArn: 'IAMWATCH_ORGANIZATION_ROLE_ARN',
} as const;

/** The operations relay function. */
export const OPERATIONS_ENV = {
  slackSecretArn: 'IAMWATCH_OPERATIONS_SLACK_SECRET_ARN',
} as const;

/** The CLI's own variables; where it means what a function means, it uses the function's name. */
export const CLI_ENV = {
  snsTopicArn: SNS_TOPIC_ARN,
  slackRoutes: SLACK_ROUTES,
  slackWebhook: 'IAMWATCH_SLACK_WEBHOOK',
  /** The CLI's old name for `IAMWATCH_SNS_TOPIC_ARN`, still read with a deprecation warning. */
  deprecatedSnsTopic: 'IAMWATCH_SNS_TOPIC',
} as const;
