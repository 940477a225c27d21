/**
 * AWS regions as iamwatch needs to know them, and the `regions` block of the deployment configuration
 * resolved (defaults, the deprecated alias, the Identity Center assumption). Parsing the block is
 * `handlers/shared/regions-config.ts`, shared by `cdk synth` and `iamwatch rules --coverage`.
 */

/**
 * IAM, Organizations and root sign-in events are delivered to EventBridge only in us-east-1, so the
 * monitor (and the org trail's home region) can live nowhere else.
 */
export const MONITOR_REGION = 'us-east-1';

/**
 * Regions of the `aws` partition that every account has enabled: those launched before 20 March 2019.
 * AWS documents that they can be neither enabled nor disabled, so events can always be emitted there.
 */
export const DEFAULT_ENABLED_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'sa-east-1',
];

/** Opt-in regions of the `aws` partition: disabled until an account enables them. */
const OPT_IN_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-west-1',
  'eu-central-2',
  'eu-south-1',
  'eu-south-2',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
];

/** Whether `name` is a region of the aws partition iamwatch knows. */
export function isKnownRegion(name: string): boolean {
  return DEFAULT_ENABLED_REGIONS.includes(name) || OPT_IN_REGIONS.includes(name);
}

/** The `regions` block as written (validated). */
export interface RegionsInput {
  monitor: typeof MONITOR_REGION;
  forwarders?: readonly string[];
  identityCenter?: string;
  signIn?: readonly string[];
}

/** The `regions` block resolved: every list complete, the assumptions stated. */
export interface RegionsConfig {
  monitor: typeof MONITOR_REGION;
  /** us-east-1 first, then the others in configured order. */
  forwarders: string[];
  identityCenter: string;
  /** True when `identityCenter` was not configured and us-east-1 is assumed. */
  identityCenterAssumed: boolean;
  /** What synth should say about the configuration (deprecated keys, assumptions). */
  warnings: string[];
}

/** Fills in the defaults and the alias, and says what was assumed. */
export function resolveRegions(input: RegionsInput): RegionsConfig {
  const warnings: string[] = [];
  let listed: readonly string[];
  if (input.forwarders) {
    listed = input.forwarders;
  } else if (input.signIn) {
    warnings.push(
      'regions.signIn is deprecated: use regions.forwarders. Forwarders now go to every region enabled by default ' +
        `plus the regions it lists (${input.signIn.join(', ') || 'none'}).`,
    );
    listed = [...DEFAULT_ENABLED_REGIONS, ...input.signIn];
  } else {
    listed = DEFAULT_ENABLED_REGIONS;
  }
  const identityCenterAssumed = input.identityCenter === undefined;
  if (identityCenterAssumed) {
    warnings.push(
      `regions.identityCenter is not set: assuming the Identity Center home region is ${MONITOR_REGION}. ` +
        'Identity Center events are emitted only in its home region; set it to watch them.',
    );
  }
  return {
    monitor: input.monitor,
    forwarders: [...new Set([MONITOR_REGION, ...listed])],
    identityCenter: input.identityCenter ?? MONITOR_REGION,
    identityCenterAssumed,
    warnings,
  };
}
