/**
 * The CDK app entry (`cdk.json`: `npx tsx stacks/app.ts`): reads the configuration once, adds the
 * stacks it calls for, and runs cdk-nag on all of them. A configuration or placement mistake ends the
 * synth with one readable line instead of a stack trace.
 */
import { App } from 'aws-cdk-lib';
import { PlacementError } from '../rules/placement';
import { ConfigError, EXAMPLE_CONFIG_FILE, loadConfig } from './config/load';
import { EnvironmentTooLargeError } from './constructs/environment-size';
import { LocalBundlingError } from './constructs/iamwatch-function';
import { StackSetTemplateError } from './forwarder-template';
import { buildIamwatch, CoverageError } from './iamwatch-app';
import { addNagPacks } from './nag';
import { RegionGuardError } from './region-guard';

const EXPLAINED_ERRORS = [
  ConfigError,
  RegionGuardError,
  EnvironmentTooLargeError,
  LocalBundlingError,
  StackSetTemplateError,
  CoverageError,
  PlacementError,
];

try {
  const app = new App();
  const { config, source } = loadConfig((key) => app.node.tryGetContext(key));
  if (source.endsWith(EXAMPLE_CONFIG_FILE)) {
    process.stderr.write(`iamwatch: no iamwatch.config.json here, synthesizing with the example ${source}\n`);
  }
  for (const warning of config.regions.warnings) process.stderr.write(`iamwatch: warning: ${warning}\n`);
  buildIamwatch(app, config);
  addNagPacks(app);
  app.synth();
} catch (error) {
  if (!EXPLAINED_ERRORS.some((type) => error instanceof type)) throw error;
  process.stderr.write(`iamwatch: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
