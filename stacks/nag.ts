/**
 * cdk-nag on every synth: the AWS Solutions and Serverless packs. Any finding that is not
 * acknowledged (each acknowledgement carries its reason next to the resource) fails the synth.
 */
import { type Stage, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';

export function addNagPacks(scope: Stage): void {
  Validations.of(scope).addPlugins(new AwsSolutionsChecks(scope), new ServerlessChecks(scope));
}
