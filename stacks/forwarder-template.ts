/**
 * The StackSet's template: the same `ForwarderRules` construct as the plain forwarder stack,
 * synthesized on its own into an asset-free CloudFormation template. StackSets deploy a template body
 * into every account; there is no bootstrap bucket there, so an asset would fail every instance.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, BootstraplessSynthesizer, Stack } from 'aws-cdk-lib';
import type { DerivedPattern } from '../rules/eventbridge/derive';
import type { RegionsConfig } from '../rules/regions';
import { MONITOR_REGION } from './config/schema';
import { AuditReadRole } from './constructs/audit-read-role';
import { ForwarderRules } from './constructs/forwarder-rules';
import { addNagPacks } from './nag';

/** The forwarder template would not deploy through a StackSet. */
export class StackSetTemplateError extends Error {
  override readonly name = 'StackSetTemplateError';
}

export interface ForwarderTemplateProps {
  resourcePrefix: string;
  patterns: readonly DerivedPattern[];
  targetBusArn: string;
  /** Heartbeat interval in minutes; no heartbeat when absent. */
  heartbeatIntervalMinutes?: number;
  /** Where each placement's rules run (Identity Center home region, forwarder regions). */
  regions: RegionsConfig;
  /** Context of the enclosing app (feature flags), so both synthesize alike. */
  context?: Record<string, unknown>;
  /** Also deploy the audit's read-only role (in us-east-1 instances only: IAM is global). */
  auditReadRole?: { securityAccountId: string; readerPrincipals?: readonly string[] };
  /** Validate the template against the CloudFormation schema and rules (default true, as in the app). */
  cloudFormationValidation?: boolean;
}

/** A CloudFormation template, as JSON. */
export type CloudFormationTemplate = Record<string, unknown>;

/**
 * Synthesizes the region-agnostic forwarder template (rules chosen per region by conditions),
 * checked by the same cdk-nag packs as the rest of the app.
 */
export function synthesizeForwarderTemplate(props: ForwarderTemplateProps): CloudFormationTemplate {
  const outdir = mkdtempSync(path.join(tmpdir(), 'iamwatch-forwarder-template-'));
  try {
    // An explicit outdir and no autoSynth: under `cdk synth` this app must not write into cdk.out.
    const app = new App({
      outdir,
      autoSynth: false,
      analyticsReporting: false,
      builtinCloudFormationValidation: props.cloudFormationValidation ?? true,
      // Construct paths mean nothing in member accounts and would only spend the template size limit.
      context: props.context ?? {},
      postCliContext: { 'aws:cdk:enable-path-metadata': false },
    });
    addNagPacks(app);
    const stack = new Stack(app, 'ForwarderTemplate', {
      synthesizer: new BootstraplessSynthesizer(),
      description: 'iamwatch forwarders: send IAM, Organizations, sign-in and STS events to the monitor bus',
    });
    new ForwarderRules(stack, 'Forwarder', {
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
        onlyInRegion: MONITOR_REGION,
      });
    }
    const artifact = app.synth().getStackArtifact(stack.artifactId);
    if (artifact.assets.length > 0) {
      throw new StackSetTemplateError(
        'The forwarder template references assets; StackSet instances cannot fetch them.',
      );
    }
    return artifact.template as CloudFormationTemplate;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
