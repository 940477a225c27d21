/**
 * The fleet as the stacks deploy it, for the fleet checks over fakes and over moto: the derived
 * patterns, two forwarder regions, and the options `iamwatch doctor --fleet --deep` passes.
 */
import type { FleetAccount } from '../../../../handlers/doctor/fleet';
import type { FleetCheckOptions } from '../../../../handlers/doctor/fleet-checks';
import { derivePatterns } from '../../../../rules/eventbridge/derive';
import type { RegionsConfig } from '../../../../rules/regions';
import { CATALOG } from '../../../../rules/registry';

export const PATTERNS = derivePatterns(CATALOG);
export const REGIONS = ['us-east-1', 'eu-west-1'];
export const PLACEMENT: RegionsConfig = {
  monitor: 'us-east-1',
  forwarders: REGIONS,
  identityCenter: 'us-east-1',
  identityCenterAssumed: false,
  warnings: [],
};

/** Deep fleet-check options with the deployed names (`iamwatch-…`) over `accounts`, the first the management account. */
export function deepFleetOptions(accounts: readonly FleetAccount[], now: Date): FleetCheckOptions {
  return {
    resourcePrefix: 'iamwatch',
    accounts,
    managementAccountId: accounts[0]?.accountId,
    stackSetName: 'iamwatch-forwarders',
    identityCenterRegion: 'us-east-1',
    patterns: PATTERNS,
    deep: true,
    sampleSize: 10,
    concurrency: 8,
    heartbeatLateAfterMs: 45 * 60_000,
    busName: 'iamwatch-central',
    topics: ['iamwatch-alerts', 'iamwatch-operations'],
    extraSecrets: [],
    now,
  };
}
