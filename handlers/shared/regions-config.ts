/**
 * The `regions` block of the deployment configuration, parsed: one schema for `cdk synth`
 * (stacks/config/schema.ts) and `iamwatch rules --coverage`, resolved by rules/regions.ts.
 */
import * as z from 'zod/mini';
import { isKnownRegion, MONITOR_REGION, resolveRegions } from '../../rules/regions';

/**
 * A region of the `aws` partition. Forwarders target the monitor bus in us-east-1, which GovCloud and
 * China accounts cannot reach, so those partitions are refused with the rest of the unknown names.
 */
const regionName = z.string().check(
  z.refine(isKnownRegion, {
    error: (issue) =>
      `"${String(issue.input)}" is not a region of the aws partition iamwatch knows (such as eu-west-1; GovCloud and China cannot forward to us-east-1)`,
  }),
);

const regionList = z
  .array(regionName)
  .check(z.refine((list) => new Set(list).size === list.length, { error: 'lists a region twice' }));

/** The `regions` block as written. */
const regionsInputSchema = z
  .strictObject({
    monitor: z._default(
      z.literal(MONITOR_REGION, {
        error: `must be ${MONITOR_REGION}: IAM, Organizations and root sign-in events reach EventBridge only there`,
      }),
      MONITOR_REGION,
    ),
    /**
     * Every region that gets forwarders (us-east-1 is always one). Default: every region enabled by
     * default in every account; add the opt-in regions your accounts enabled.
     */
    forwarders: z.optional(regionList),
    /** The Identity Center home region; us-east-1 is assumed (with a warning) when it is unset. */
    identityCenter: z.optional(regionName),
    /** Deprecated alias: regions (besides the default ones) where sign-in and STS events land. */
    signIn: z.optional(regionList),
  })
  .check(
    z.refine((r) => !(r.forwarders && r.signIn), {
      error: 'set regions.forwarders only: regions.signIn is its deprecated alias, not an addition',
      path: ['signIn'],
    }),
  );

/** The `regions` block, parsed and resolved. */
export const regionsSchema = z.pipe(
  regionsInputSchema,
  z.transform((input: z.output<typeof regionsInputSchema>) => resolveRegions(input)),
);
