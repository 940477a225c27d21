/**
 * The one deployment configuration of iamwatch: a JSON file (or cdk context) validated here once, so
 * every stack receives typed, checked values and a mistake is a clear synth error, never a silent
 * mis-deployment.
 */
import { z } from 'zod';
import { regionsSchema } from '../../handlers/shared/regions-config';
import { CATALOG } from '../../rules/registry';
import { SEVERITIES } from '../../rules/types';

export { MONITOR_REGION } from '../../rules/regions';

/** CloudWatch Logs accepts only these retention periods (days). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const severity = z.enum(SEVERITIES);
const kebabName = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be lower-case letters, digits and dashes');
const detectionId = z.string().regex(/^[a-z][a-z0-9-]+$/, 'must be a detection id such as iam-user-created');
/**
 * An IAM principal ARN pattern narrow enough to name deployers: a role or user in some account. A
 * pattern that `*` could stretch over every principal (`*`, `arn:aws:iam::*:*`, `arn:aws:iam::*:role/*`)
 * would silence monitor-tampered for an attacker too.
 */
const deploymentPrincipal = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:(iam|sts)::(\d{12}|\*):(role|user|assumed-role)\/.*[A-Za-z0-9]/,
    'must be an IAM role or user ARN pattern such as arn:aws:iam::*:role/cdk-*-cfn-exec-role-*',
  )
  .refine((arn) => arn.includes('/') && /[A-Za-z0-9+=,.@_-]{3,}/.test(nameOf(arn).replaceAll('*', ' ')), {
    error: 'matches (nearly) every principal: name the deployment role, e.g. role/cdk-*-cfn-exec-role-*',
  });
/** The part of a principal ARN after the resource type (`role/…`). */
function nameOf(arn: string): string {
  return arn.slice(arn.indexOf('/') + 1);
}
const days = (max: number) => z.number().int().min(1).max(max);

const organizationSchema = z
  .object({
    /** `o-…`: the bus policy admits PutEvents only from principals of this organization. */
    id: z.string().regex(/^o-[a-z0-9]{10,32}$/, 'must be an organization id such as o-a1b2c3d4e5'),
    /** `r-…`: the StackSet targets the root when no OUs are listed. */
    rootId: z.string().regex(/^r-[0-9a-z]{4,32}$/, 'must be an organization root id such as r-a1b2'),
    managementAccountId: accountId,
    /** OUs whose accounts (current and future) receive forwarders; empty = the whole organization. */
    targetOrganizationalUnitIds: z
      .array(
        z.string().regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/, 'must be an OU id such as ou-a1b2-c3d4e5f6'),
      )
      .default([]),
    stackSets: z
      .object({
        /** SELF from the management account, DELEGATED_ADMIN from a registered StackSets delegated admin. */
        callAs: z.enum(['SELF', 'DELEGATED_ADMIN']).default('SELF'),
        /** Account that owns the StackSet; the management account unless callAs is DELEGATED_ADMIN. */
        adminAccountId: accountId.optional(),
      })
      .prefault({}),
    /** Further member account ids to treat as "inside the organization" for trust detections. */
    memberAccountIds: z.array(accountId).default([]),
  })
  .strict();

const trailSchema = z
  .object({
    /** False when the organization already has a trail: the trail stack is skipped. */
    create: z.boolean().default(true),
    /** Account that owns the trail: management account (default) or the CloudTrail delegated admin. */
    accountId: accountId.optional(),
    name: kebabName.optional(),
    /** S3 lifecycle: move log files to Glacier Flexible Retrieval after this many days. */
    glacierTransitionDays: days(3650).default(90),
    /** S3 lifecycle: delete log files after this many days (7 years by default, a common audit horizon). */
    expirationDays: days(36500).default(2557),
    /** S3 lifecycle: delete overwritten or deleted object versions after this many days. */
    noncurrentVersionExpirationDays: days(3650).default(90),
  })
  .strict()
  .refine((t) => t.expirationDays > t.glacierTransitionDays, {
    message: 'expirationDays must be greater than glacierTransitionDays',
    path: ['expirationDays'],
  });

const backfillSchema = z
  .object({
    /** Deploy the S3 backfill state machine (Step Functions Distributed Map over the trail bucket). */
    enabled: z.boolean().default(false),
    /**
     * The trail bucket's name. Needed when the trail is not created by this app in the security
     * account (an organization trail lives in the management or log-archive account).
     */
    bucketName: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
      .optional(),
    /** The KMS key that encrypts the trail's log files (complete key ARN), when they are KMS-encrypted. */
    bucketKeyArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-f0-9-]{36}$/, 'must be a KMS key ARN')
      .optional(),
    /** The trail's S3 key prefix, if it has one (log files are under `<keyPrefix>/AWSLogs/`). */
    keyPrefix: z
      .string()
      .regex(
        /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/,
        'must be an S3 key prefix without a leading or trailing /',
      )
      .optional(),
    /** Child workflows (replay Lambda invocations) running at once. */
    maxConcurrency: z.number().int().min(1).max(10000).default(40),
    /** Trail log files per replay Lambda invocation. */
    objectsPerBatch: z.number().int().min(1).max(500).default(25),
    /** Failed batches tolerated before the whole Map Run fails (percent). */
    toleratedFailurePercentage: z.number().min(0).max(100).default(1),
    /**
     * Reserved concurrency of the replay Lambda: its ledger writes can never crowd out the live record
     * path's, whatever the Map's concurrency (on-demand tables absorb it; this keeps the burst bounded).
     */
    lambdaConcurrency: z.number().int().min(1).max(1000).default(40),
  })
  .strict();

const slackRouteSchema = z
  .object({
    name: kebabName,
    minSeverity: severity.default('medium'),
    /** Restrict this route to these accounts (omit for all). */
    accounts: z.array(accountId).min(1, 'must list at least one account (omit it for all)').optional(),
    /** Restrict this route to these detections (omit for all). */
    detections: z.array(detectionId).min(1, 'must list at least one detection (omit it for all)').optional(),
    /**
     * An existing secret holding the webhook URL (complete ARN). When absent the monitor stack creates
     * `<prefix>/slack/<name>` and you put the URL into it after the first deploy.
     */
    secretArn: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/,
        'must be the complete ARN of a Secrets Manager secret (ending in the 6-character suffix)',
      )
      .optional(),
  })
  .strict();

const subscriptionFilterSchema = z
  .object({
    minSeverity: severity.optional(),
    detections: z.array(detectionId).min(1).optional(),
    accounts: z.array(accountId).min(1).optional(),
  })
  .strict();

const subscriptionSchema = z.discriminatedUnion('protocol', [
  z
    .object({
      protocol: z.literal('email'),
      endpoint: z.email('must be an e-mail address'),
      filter: subscriptionFilterSchema.optional(),
    })
    .strict(),
  z
    .object({
      protocol: z.literal('https'),
      endpoint: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }),
      filter: subscriptionFilterSchema.optional(),
    })
    .strict(),
  z
    .object({
      protocol: z.literal('sqs'),
      endpoint: z
        .string()
        .regex(
          /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$/,
          'must be an SQS queue ARN',
        ),
      filter: subscriptionFilterSchema.optional(),
    })
    .strict(),
]);

const auditSchema = z
  .object({
    /** Deploy the scheduled audit Lambda, its report bucket and the member-account read role. */
    enabled: z.boolean().default(false),
    /** An EventBridge schedule expression: every 14 days by default (a bi-weekly audit). */
    schedule: z
      .string()
      .regex(
        /^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/,
        'must be rate(N days) or cron(...)',
      )
      .default('rate(14 days)'),
    /** Accounts to audit; empty = every active account of the organization (Organizations ListAccounts). */
    accounts: z.array(accountId).default([]),
    /** Users and roles with no use for this many days are findings. */
    staleDays: days(3650).default(90),
    /** Access keys older than this many days are findings. */
    keyAgeDays: days(3650).default(90),
    /** Roles allowing longer sessions are findings. */
    maxSessionHours: z.number().int().min(1).max(12).default(1),
    /**
     * Roles of people in the security account that may assume the read role too, for
     * `iamwatch inventory`, `audit` and `doctor --fleet` run by hand (ARN patterns as `aws:PrincipalArn`
     * sees them, `*` and `?` allowed in the name, e.g.
     * `arn:aws:iam::<security>:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_SecurityAudit_*`).
     * Non-empty deploys the read role even when `enabled` is false.
     */
    readerPrincipals: z
      .array(
        z
          .string()
          .regex(
            /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/*?-]+$/,
            'must be an IAM role ARN (pattern) such as arn:aws:iam::111122223333:role/SecurityAuditor',
          ),
      )
      .default([]),
  })
  .strict();

/** A rate expression of `minutes` (EventBridge Scheduler wants the singular for 1). */
function everyMinutes(minutes: number): string {
  return `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`;
}

/**
 * Minutes between runs of an EventBridge Scheduler rate expression (`rate(15 minutes)`, `rate(1 hour)`);
 * undefined for anything else (cron expressions have no single interval).
 */
function rateMinutes(expression: string): number | undefined {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = match[2] as string;
  return value * (unit.startsWith('minute') ? 1 : unit.startsWith('hour') ? 60 : 1440);
}

/** EventBridge Scheduler's recurring expressions: `rate(1 minute)`, `rate(5 minutes)` …, or `cron(six fields)`. */
const schedulerExpression = z.string().refine(
  (expression) => {
    const rate = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(expression);
    if (rate) return Number(rate[1]) >= 1 && (rate[1] === '1') === (rate[3] === '');
    return /^cron\(\S+( \S+){5}\)$/.test(expression);
  },
  {
    message:
      'must be rate(1 minute), rate(N minutes|hours|days) or cron(minutes hours day month weekday year)',
  },
);

const canaryObjectSchema = z
  .object({
    /** Deploy the canary (it runs only where the heartbeat check runs: `heartbeat.enabled`). */
    enabled: z.boolean().default(true),
    /**
     * How often the canary writes (EventBridge Scheduler expression); by default as often as the
     * heartbeats (`heartbeat.intervalMinutes`, 15 minutes), well inside the lateness deadline.
     */
    schedule: schedulerExpression.optional(),
    /** The dedicated role the canary tags; `<resourcePrefix>-canary` by default. */
    roleName: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name (letters, digits and _+=,.@-, at most 64)')
      .optional(),
  })
  .strict();

/**
 * The end-to-end canary: a scheduled harmless IAM write in the security account whose CloudTrail event
 * must reach the ledger within `heartbeat.lateAfterMinutes`. `true` / `false` is short for `{ enabled }`.
 */
const canarySchema = z
  .union([z.boolean(), canaryObjectSchema])
  .transform((value) => (typeof value === 'boolean' ? canaryObjectSchema.parse({ enabled: value }) : value));

/** Whether `Intl` knows `zone` as a time zone (IANA names such as `Europe/Berlin`, and `UTC`). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const digestSchema = z
  .object({
    /**
     * Post a digest of the ledger to every Slack route on a schedule. Deployed only when there is a
     * Slack route to post to.
     */
    enabled: z.boolean().default(true),
    /** An EventBridge Scheduler expression, read in `timezone`: 08:00 every day by default. */
    schedule: schedulerExpression.default('cron(0 8 * * ? *)'),
    /** The IANA time zone the schedule is read in (e.g. Europe/Berlin); daylight saving is followed. */
    timezone: z
      .string()
      .refine(isTimeZone, { message: 'must be an IANA time zone such as UTC or Europe/Berlin' })
      .default('UTC'),
    /** How many hours back each digest looks: match it to the schedule (24 for a daily digest). */
    windowHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 31)
      .default(24),
  })
  .strict();

/** The configuration file as written; defaults filled in by parsing. */
export const configSchema = z
  .object({
    /** Name prefix of every iamwatch resource; the monitor-tampered detection recognises it. */
    resourcePrefix: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{1,15}$/,
        'must be 2-16 lower-case letters, digits or dashes, starting with a letter',
      )
      .default('iamwatch'),
    /** `organization`: org trail, central bus, StackSet forwarders. `single-account`: all in one account. */
    mode: z.enum(['organization', 'single-account']).default('organization'),
    organization: organizationSchema.optional(),
    /** The security / delegated-admin account hosting the monitor (the only account in single-account mode). */
    securityAccountId: accountId,
    /** Forwarder regions and the Identity Center home region (see rules/regions.ts). */
    regions: z.prefault(regionsSchema, {}),
    trail: trailSchema.prefault({}),
    backfill: backfillSchema.prefault({}),
    ledger: z
      .object({
        /** Entries expire (DynamoDB TTL) this many days after they were recorded. */
        retentionDays: days(36500).default(400),
      })
      .strict()
      .prefault({}),
    /** EventBridge archive retention on the monitored bus, for replays. */
    archiveRetentionDays: days(3650).default(90),
    /** Retention of the Lambda log groups. */
    logRetentionDays: z
      .number()
      .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
        message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
      })
      .default(365),
    slack: z
      .object({ routes: z.array(slackRouteSchema).default([]) })
      .strict()
      .prefault({}),
    sns: z
      .object({
        /** Entries below this severity are not published to the topic at all. */
        minSeverity: severity.default('high'),
        subscriptions: z.array(subscriptionSchema).default([]),
      })
      .strict()
      .prefault({}),
    /**
     * Who hears about iamwatch's own health: alarms, silent forwarders, failed deliveries. A topic of
     * its own, because operational messages carry no message attributes and so never pass the alert
     * topic's filtered subscriptions.
     */
    operations: z
      .object({
        /** Every operational message reaches each of these; they may not carry a filter. */
        subscriptions: z.array(subscriptionSchema).default([]),
        /** The Slack route (by name) that also receives operational messages; default the first route. */
        slackRoute: kebabName.optional(),
      })
      .strict()
      .prefault({}),
    /** Heartbeats from every forwarder (account × region) and the check that says when one falls silent. */
    heartbeat: z
      .object({
        enabled: z.boolean().default(true),
        /** How often every forwarder emits a heartbeat. */
        intervalMinutes: z.number().int().min(1).max(60).default(15),
        /** A forwarder whose last heartbeat is older than this is reported silent. */
        lateAfterMinutes: z.number().int().min(5).max(1440).default(45),
        /** The end-to-end canary: a scheduled harmless IAM write in the security account. */
        canary: canarySchema.prefault({}),
      })
      .strict()
      .prefault({})
      .refine((h) => h.lateAfterMinutes >= 2 * h.intervalMinutes, {
        message:
          'lateAfterMinutes must be at least twice intervalMinutes, or one late delivery reads as silence',
        path: ['lateAfterMinutes'],
      })
      .refine(
        (h) =>
          !h.canary.enabled ||
          !h.canary.schedule ||
          (rateMinutes(h.canary.schedule) ?? 0) * 2 <= h.lateAfterMinutes,
        {
          message:
            'must run at least twice within lateAfterMinutes, or one late canary reads as silence (a rate at most half of it)',
          path: ['canary', 'schedule'],
        },
      )
      .transform((h) => ({
        ...h,
        canary: { ...h.canary, schedule: h.canary.schedule ?? everyMinutes(h.intervalMinutes) },
      })),
    /** Principal ARNs (with `*` wildcards) that are automation: labelled and lowered one severity step. */
    automationPrincipals: z.array(z.string().startsWith('arn:', 'must be an ARN pattern')).default([]),
    /** iamwatch's own deployments: what they change on iamwatch is expected, recorded low and never paged. */
    deployment: z
      .object({
        /**
         * ARN patterns (`*` wildcards) of the principals that deploy iamwatch, e.g. the CDK CloudFormation
         * execution role and the StackSet execution role.
         */
        principals: z.array(deploymentPrincipal).default([]),
      })
      .strict()
      .prefault({}),
    /** Accounts outside the organization that roles may trust without a detection firing. */
    trustedAccountIds: z.array(accountId).default([]),
    /** Account id → friendly name shown in alerts. */
    accountNames: z.record(accountId, z.string().min(1).max(64)).default({}),
    /** The scheduled audit of every IAM user (off unless enabled). */
    audit: auditSchema.prefault({}),
    /** The daily digest per Slack route (on by default). */
    digest: digestSchema.prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    config.audit.readerPrincipals.forEach((pattern, index) => {
      const [, , , , account, resource = ''] = pattern.split(':');
      const name = resource.slice('role/'.length);
      if (account !== config.securityAccountId) {
        issue(
          ['audit', 'readerPrincipals', index],
          `must be a role of the security account ${config.securityAccountId}: the read role trusts that account only`,
        );
      } else if (/^[*?/]*$/.test(name)) {
        issue(
          ['audit', 'readerPrincipals', index],
          'matches every role of the security account: name the roles (wildcards inside a name are fine)',
        );
      }
    });
    if (config.mode === 'organization' && !config.organization) {
      issue(['organization'], 'is required in organization mode (id, rootId, managementAccountId)');
    }
    if (config.mode === 'single-account' && config.organization) {
      issue(['organization'], 'must be absent in single-account mode (set "mode": "organization" to use it)');
    }
    const stackSets = config.organization?.stackSets;
    if (stackSets?.callAs === 'DELEGATED_ADMIN' && !stackSets.adminAccountId) {
      issue(
        ['organization', 'stackSets', 'adminAccountId'],
        'is required when callAs is DELEGATED_ADMIN (the registered StackSets delegated administrator)',
      );
    }
    if (
      stackSets?.callAs === 'DELEGATED_ADMIN' &&
      stackSets.adminAccountId === config.organization?.managementAccountId
    ) {
      issue(
        ['organization', 'stackSets', 'adminAccountId'],
        'must not be the management account, which cannot be a delegated administrator (use callAs SELF there)',
      );
    }
    if (
      config.mode === 'single-account' &&
      config.trail.accountId !== undefined &&
      config.trail.accountId !== config.securityAccountId
    ) {
      issue(
        ['trail', 'accountId'],
        'must be securityAccountId in single-account mode: EventBridge sees CloudTrail events only of an account whose own trail logs them',
      );
    }
    if (
      stackSets?.callAs === 'SELF' &&
      stackSets.adminAccountId &&
      stackSets.adminAccountId !== config.organization?.managementAccountId
    ) {
      issue(
        ['organization', 'stackSets', 'callAs'],
        'must be DELEGATED_ADMIN when the StackSet admin account is not the management account',
      );
    }
    const known = new Set(CATALOG.map((detection) => detection.id));
    const checkDetections = (ids: readonly string[] | undefined, path: (string | number)[]) => {
      for (const [index, id] of (ids ?? []).entries()) {
        if (known.has(id)) continue;
        issue([...path, index], `"${id}" is not a detection id (\`iamwatch rules\` lists them)`);
      }
    };
    for (const [i, route] of config.slack.routes.entries()) {
      checkDetections(route.detections, ['slack', 'routes', i, 'detections']);
    }
    for (const [i, subscription] of config.sns.subscriptions.entries()) {
      checkDetections(subscription.filter?.detections, ['sns', 'subscriptions', i, 'filter', 'detections']);
    }
    for (const [i, subscription] of config.operations.subscriptions.entries()) {
      if (subscription.filter) {
        issue(
          ['operations', 'subscriptions', i, 'filter'],
          'must be absent: operational messages (CloudWatch alarms, silence reports) carry no message attributes, so a filter would drop every one',
        );
      }
    }
    const operationsRoute = config.operations.slackRoute;
    if (operationsRoute && !config.slack.routes.some((r) => r.name === operationsRoute)) {
      issue(['operations', 'slackRoute'], `"${operationsRoute}" is not one of slack.routes`);
    }
    const trailInMonitorAccount =
      config.trail.create &&
      (config.trail.accountId ?? config.organization?.managementAccountId ?? config.securityAccountId) ===
        config.securityAccountId;
    if (config.backfill.enabled && !config.backfill.bucketName && !trailInMonitorAccount) {
      issue(
        ['backfill', 'bucketName'],
        "is required when backfill is enabled and the trail's bucket is in another account (see the trail stack's outputs)",
      );
    }
    const routeNames = config.slack.routes.map((r) => r.name);
    if (new Set(routeNames).size !== routeNames.length) {
      issue(['slack', 'routes'], 'route names must be unique');
    }
  });

/** The validated configuration, defaults applied. */
export type IamwatchConfig = z.output<typeof configSchema>;
export type SlackRouteConfig = IamwatchConfig['slack']['routes'][number];
export type SubscriptionConfig = IamwatchConfig['sns']['subscriptions'][number];
export type BackfillConfig = IamwatchConfig['backfill'];
export type OrganizationConfig = NonNullable<IamwatchConfig['organization']>;
