/**
 * IAM, Organizations and root sign-in events reach EventBridge only in us-east-1: rules deployed
 * anywhere else never fire and nobody notices. The guard turns that silent failure into a synth error.
 */
import { type Stack, Token } from 'aws-cdk-lib';
import { MONITOR_REGION } from './config/schema';

/** A stack was placed in a region where its rules could not see the events they exist for. */
export class RegionGuardError extends Error {
  override readonly name = 'RegionGuardError';
}

/** Throws unless `stack` is pinned to us-east-1 (an environment-agnostic stack is rejected too). */
export function assertMonitorRegion(stack: Stack): void {
  const region = stack.region;
  if (Token.isUnresolved(region)) {
    throw new RegionGuardError(
      `${stack.stackName} must be pinned to ${MONITOR_REGION} (env.region is not set): IAM, Organizations and ` +
        'root sign-in events reach EventBridge only there.',
    );
  }
  if (region !== MONITOR_REGION) {
    throw new RegionGuardError(
      `${stack.stackName} must be deployed in ${MONITOR_REGION}, not ${region}: IAM, Organizations and root ` +
        'sign-in events reach EventBridge only in us-east-1, so its rules would never fire.',
    );
  }
}
