/**
 * Forwarders as a plain stack, for the accounts a service-managed StackSet never reaches: the
 * management account (org mode), and the sign-in regions of the one account (single-account mode).
 * One stack per region.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { DerivedPattern } from '../rules/eventbridge/derive';
import type { RegionsConfig } from '../rules/regions';
import { AuditReadRole } from './constructs/audit-read-role';
import { ForwarderRules } from './constructs/forwarder-rules';

export interface ForwarderStackProps extends StackProps {
  resourcePrefix: string;
  patterns: readonly DerivedPattern[];
  targetBusArn: string;
  /** Heartbeat interval in minutes; no heartbeat when absent. */
  heartbeatIntervalMinutes?: number;
  /** Where each placement's rules run (Identity Center home region, forwarder regions). */
  regions: RegionsConfig;
  /** Also deploy the audit's read-only role here (one stack per account: the us-east-1 one). */
  auditReadRole?: { securityAccountId: string; readerPrincipals?: readonly string[] };
}

export class ForwarderStack extends Stack {
  readonly forwarder: ForwarderRules;

  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, props);
    this.forwarder = new ForwarderRules(this, 'Forwarder', {
      resourcePrefix: props.resourcePrefix,
      patterns: props.patterns,
      targetBusArn: props.targetBusArn,
      heartbeatIntervalMinutes: props.heartbeatIntervalMinutes,
      regions: props.regions,
    });
    if (props.auditReadRole) {
      new AuditReadRole(this, 'AuditRead', {
        resourcePrefix: props.resourcePrefix,
        securityAccountId: props.auditReadRole.securityAccountId,
        readerPrincipals: props.auditReadRole.readerPrincipals ?? [],
      });
    }
  }
}
