/**
 * The StackSet's template: the same content as the plain forwarder stack (`addForwarderContent`),
 * synthesized on its own into an asset-free CloudFormation template. StackSets deploy a template body
 * into every account; there is no bootstrap bucket there, so an asset would fail every instance.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, BootstraplessSynthesizer, Stack } from 'aws-cdk-lib';
import { MONITOR_REGION } from './config/schema';
import { addForwarderContent, type ForwarderContentProps } from './forwarder-stack';
import { addNagPacks } from './nag';

/** The forwarder template would not deploy through a StackSet. */
export class StackSetTemplateError extends Error {
  override readonly name = 'StackSetTemplateError';
}

export interface ForwarderTemplateProps extends ForwarderContentProps {
  /** Context of the enclosing app (feature flags), so both synthesize alike. */
  context?: Record<string, unknown>;
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
    addForwarderContent(stack, props, MONITOR_REGION);
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
