/**
 * Forwarders as a plain stack, for the accounts a service-managed StackSet never reaches: the
 * management account (org mode), and the sign-in regions of the one account (single-account mode).
 * One stack per region. The StackSet's template (`forwarder-template.ts`) holds the same content.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { DerivedPattern } from '../rules/eventbridge/derive';
import type { RegionsConfig } from '../rules/regions';
import { AuditReadRole } from './constructs/audit-read-role';
import { ForwarderRules } from './constructs/forwarder-rules';

/** What an account forwards, deployed as a stack or through the StackSet. */
export interface ForwarderContentProps {
  resourcePrefix: string;
  patterns: readonly DerivedPattern[];
  targetBusArn: string;
  /** Heartbeat interval in minutes; no heartbeat when absent. */
  heartbeatIntervalMinutes?: number;
  /** Where each placement's rules run (Identity Center home region, forwarder regions). */
  regions: RegionsConfig;
  /** Also deploy the audit's read-only role (IAM is global: in one region of each account only). */
  auditReadRole?: { securityAccountId: string; readerPrincipals?: readonly string[] };
}

/**
 * Adds the forwarder rules and, when asked, the audit's read-only role to `stack`; with
 * `auditRoleRegion`, the role is created only in instances deployed to that region.
 */
export function addForwarderContent(
  stack: Stack,
  props: ForwarderContentProps,
  auditRoleRegion?: string,
): ForwarderRules {
  const forwarder = new ForwarderRules(stack, 'Forwarder', {
    resourcePrefix: props.resourcePrefix,
    patterns: props.patterns,
    targetBusArn: props.targetBusArn,
    heartbeatIntervalMinutes: props.heartbeatIntervalMinutes,
    regions: props.regions,
  });
  if (props.auditReadRole) {
    new AuditReadRole(stack, 'AuditRead', {
      resourcePrefix: props.resourcePrefix,
      securityAccountId: props.auditReadRole.securityAccountId,
      readerPrincipals: props.auditReadRole.readerPrincipals ?? [],
      onlyInRegion: auditRoleRegion,
    });
  }
  return forwarder;
}

export interface ForwarderStackProps extends StackProps, ForwarderContentProps {}

export class ForwarderStack extends Stack {
  readonly forwarder: ForwarderRules;

  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, props);
    this.forwarder = addForwarderContent(this, props);
  }
}
