/**
 * Turns the validated configuration into the stacks of one deployment, each with an explicit
 * environment from the configuration (no lookups, so synth needs neither credentials nor network):
 *
 * - organization mode: trail (management account) → monitor (security account) → forwarder StackSet
 *   (management account or StackSets delegated admin) + management-account forwarders per region;
 * - single-account mode: trail → monitor on the default bus → forwarders for the other forwarder regions.
 *
 * Before any stack is added, the coverage of every detection is computed from the same placement the
 * stacks use: a region where a watched event can be emitted and no rule delivers it fails the synth.
 *
 * Stacks depend on one another in that order, so `cdk deploy --all` respects it too.
 */
import { type App, Aws, type Stack } from 'aws-cdk-lib';
import { withCanaryPattern } from '../rules/canary';
import { type DerivedPattern, derivePatterns } from '../rules/eventbridge/derive';
import { coverage, coverageGaps, placePatterns, regionsOf } from '../rules/placement';
import { CATALOG } from '../rules/registry';
import { type IamwatchConfig, MONITOR_REGION, type OrganizationConfig } from './config/schema';
import { canaryIdentityOf } from './constructs/canary';
import { backfillRoleArns, logsPrefix } from './constructs/s3-backfill';
import { ForwarderStack } from './forwarder-stack';
import { ForwarderStackSetStack } from './forwarder-stackset-stack';
import { synthesizeForwarderTemplate } from './forwarder-template';
import { MonitorStack } from './monitor-stack';
import { OrgTrailStack } from './org-trail-stack';
import { OrganizationReaderStack } from './organization-reader-stack';

/** Some detection's events can be emitted in a region where no deployed rule would deliver them. */
export class CoverageError extends Error {
  override readonly name = 'CoverageError';
}

export interface IamwatchStacks {
  trail?: OrgTrailStack;
  monitor: MonitorStack;
  /** Organization mode only. */
  forwarderStackSet?: ForwarderStackSetStack;
  /** Organization mode only: the organization read role in the management account. */
  organizationReader?: OrganizationReaderStack;
  /** Management-account forwarders (organization mode) or sign-in-region forwarders (single-account). */
  forwarders: ForwarderStack[];
}

export interface BuildOptions {
  /**
   * The derived patterns; `derivePatterns(CATALOG)` unless a test supplies its own. The canary's pattern
   * is added when none of them delivers its write (`withCanaryPattern`).
   */
  patterns?: readonly DerivedPattern[];
  /** CloudFormation validation of the StackSet template, synthesized apart from the app (default true). */
  cloudFormationValidation?: boolean;
}

/** Adds every stack the configuration calls for to `app`. */
export function buildIamwatch(app: App, config: IamwatchConfig, options: BuildOptions = {}): IamwatchStacks {
  // The canary's write must be forwarded and matched centrally like any IAM change.
  const patterns = withCanaryPattern(options.patterns ?? derivePatterns(CATALOG), canaryIdentityOf(config));
  assertCovered(config, patterns);
  const prefix = config.resourcePrefix;
  const organization = config.mode === 'organization' ? config.organization : undefined;
  const home = (account: string) => ({ account, region: MONITOR_REGION });

  const trail = config.trail.create
    ? new OrgTrailStack(app, `${prefix}-trail`, {
        env: home(config.trail.accountId ?? organization?.managementAccountId ?? config.securityAccountId),
        description: 'iamwatch: the CloudTrail trail EventBridge IAM events depend on',
        resourcePrefix: prefix,
        trailName: config.trail.name ?? `${prefix}-${organization ? 'org-trail' : 'trail'}`,
        organizationId: organization?.id,
        trailOwnerAccountId: organization?.managementAccountId,
        glacierTransitionDays: config.trail.glacierTransitionDays,
        expirationDays: config.trail.expirationDays,
        noncurrentVersionExpirationDays: config.trail.noncurrentVersionExpirationDays,
        ...(config.backfill.enabled
          ? {
              backfillRoles: {
                ...backfillRoleArns(Aws.PARTITION, config.securityAccountId, prefix),
                logsPrefix: logsPrefix(config.backfill.keyPrefix),
              },
            }
          : {}),
      })
    : undefined;

  const forwarderRegions = regionsWithForwarding(config, patterns);
  const heartbeatIntervalMinutes = config.heartbeat.enabled ? config.heartbeat.intervalMinutes : undefined;
  const monitor = new MonitorStack(app, `${prefix}-monitor`, {
    env: home(config.securityAccountId),
    description: 'iamwatch: monitored bus, rules, record and notify functions, ledger, alerts',
    config,
    patterns,
    forwarderRegions,
    ...(trail && trail.account === config.securityAccountId
      ? { trailBucket: { bucketName: trail.bucket.bucketName, keyArn: trail.key.keyArn } }
      : {}),
  });
  if (trail) monitor.addStackDependency(trail, 'EventBridge sees CloudTrail events only while a trail logs');
  const organizationReader = organization
    ? new OrganizationReaderStack(app, `${prefix}-organization-reader`, {
        env: home(organization.managementAccountId),
        description: 'iamwatch: read-only role through which the monitor learns the organization',
        resourcePrefix: prefix,
        securityAccountId: config.securityAccountId,
      })
    : undefined;
  if (organizationReader) {
    monitor.addStackDependency(organizationReader, 'the first organization refresh assumes the read role');
  }

  const auditRole = auditReadRoleOf(config);
  const stacks: IamwatchStacks = { trail, monitor, organizationReader, forwarders: [] };
  const forwarder = (id: string, account: string, region: string, targetBusArn: string) => {
    const stack = new ForwarderStack(app, id, {
      env: { account, region },
      description: `iamwatch: forward IAM events from ${region} to the monitor bus`,
      resourcePrefix: prefix,
      patterns,
      targetBusArn,
      heartbeatIntervalMinutes,
      regions: config.regions,
      // The management account is audited too; the security account's own role is in its forwarder
      // stack only in organization mode (single-account audits read with the function's own role).
      ...(auditRole &&
      organization &&
      account === organization.managementAccountId &&
      region === MONITOR_REGION
        ? { auditReadRole: auditRole }
        : {}),
    });
    dependsOnMonitor(stack, monitor);
    stacks.forwarders.push(stack);
  };

  if (organization) {
    const centralBusArn = busArn(config.securityAccountId, `${prefix}-central`);
    stacks.forwarderStackSet = forwarderStackSet(app, config, organization, {
      patterns,
      regions: forwarderRegions,
      targetBusArn: centralBusArn,
      heartbeatIntervalMinutes,
      cloudFormationValidation: options.cloudFormationValidation,
    });
    dependsOnMonitor(stacks.forwarderStackSet, monitor);
    for (const region of forwarderRegions) {
      forwarder(
        `${prefix}-forwarder-management-${region}`,
        organization.managementAccountId,
        region,
        centralBusArn,
      );
    }
  } else {
    const defaultBusArn = busArn(config.securityAccountId, 'default');
    for (const region of forwarderRegions.filter((r) => r !== MONITOR_REGION)) {
      forwarder(`${prefix}-forwarder-${region}`, config.securityAccountId, region, defaultBusArn);
    }
  }
  return stacks;
}

/**
 * The configured forwarder regions (us-east-1 first), but only those where some placed pattern runs:
 * a forwarder with no rule would be cost without purpose.
 */
export function regionsWithForwarding(config: IamwatchConfig, patterns: readonly DerivedPattern[]): string[] {
  const used = new Set(placePatterns(patterns).flatMap((p) => regionsOf(p.placement, config.regions)));
  return config.regions.forwarders.filter((region) => region === MONITOR_REGION || used.has(region));
}

/** Throws {@link CoverageError} naming every detection and region left uncovered. */
function assertCovered(config: IamwatchConfig, patterns: readonly DerivedPattern[]): void {
  // Test patterns name only some detections (or none): judge the detections the patterns deliver for.
  const named = new Set(patterns.flatMap((p) => p.detections ?? []));
  const gaps = coverageGaps(
    coverage(
      CATALOG.filter((d) => named.has(d.id)),
      patterns,
      config,
    ),
  );
  if (gaps.length === 0) return;
  throw new CoverageError(
    `Detections would miss events (\`iamwatch rules --coverage\` shows the table):\n${gaps
      .map((gap) => `  - ${gap}`)
      .join(
        '\n',
      )}\nAdd the regions to regions.forwarders (and set regions.identityCenter to the Identity Center home region).`,
  );
}

/** The member-account read role serves the scheduled audit and the people of `audit.readerPrincipals`. */
function auditReadRoleOf(
  config: IamwatchConfig,
): { securityAccountId: string; readerPrincipals: readonly string[] } | undefined {
  const { enabled, readerPrincipals } = config.audit;
  return enabled || readerPrincipals.length > 0
    ? { securityAccountId: config.securityAccountId, readerPrincipals }
    : undefined;
}

function optionalAuditReadRole(config: IamwatchConfig): {
  auditReadRole?: { securityAccountId: string; readerPrincipals: readonly string[] };
} {
  const auditReadRole = auditReadRoleOf(config);
  return auditReadRole ? { auditReadRole } : {};
}

function forwarderStackSet(
  app: App,
  config: IamwatchConfig,
  organization: OrganizationConfig,
  forwarding: {
    patterns: readonly DerivedPattern[];
    regions: readonly string[];
    targetBusArn: string;
    heartbeatIntervalMinutes?: number;
    cloudFormationValidation?: boolean;
  },
): ForwarderStackSetStack {
  const prefix = config.resourcePrefix;
  const { callAs, adminAccountId } = organization.stackSets;
  const targetOus = organization.targetOrganizationalUnitIds;
  return new ForwarderStackSetStack(app, `${prefix}-forwarders`, {
    env: { account: adminAccountId ?? organization.managementAccountId, region: MONITOR_REGION },
    description: 'iamwatch: service-managed StackSet deploying forwarders to every member account',
    resourcePrefix: prefix,
    template: synthesizeForwarderTemplate({
      resourcePrefix: prefix,
      patterns: forwarding.patterns,
      targetBusArn: forwarding.targetBusArn,
      heartbeatIntervalMinutes: forwarding.heartbeatIntervalMinutes,
      regions: config.regions,
      context: app.node.getAllContext() as Record<string, unknown>,
      ...optionalAuditReadRole(config),
      cloudFormationValidation: forwarding.cloudFormationValidation,
    }),
    organizationalUnitIds: targetOus.length > 0 ? targetOus : [organization.rootId],
    regions: forwarding.regions,
    callAs,
  });
}

/** The central bus policy must exist before any account's rules target it. */
function dependsOnMonitor(stack: Stack, monitor: MonitorStack): void {
  stack.addStackDependency(monitor, 'forwarders target the monitored bus, whose policy must exist first');
}

function busArn(account: string, name: string): string {
  return `arn:aws:events:${MONITOR_REGION}:${account}:event-bus/${name}`;
}
