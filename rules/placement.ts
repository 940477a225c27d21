/**
 * Where iamwatch's rules must run, from facts about where AWS emits events. One table states, per
 * EventBridge source, the region(s) AWS delivers its CloudTrail events in; every derived pattern is
 * placed from it (split by source when its sources are emitted in different places), and the same
 * placement names the deployed rules and computes `iamwatch rules --coverage`. Pure: `stacks/` builds
 * the rules from it, the CLI prints it.
 */
import { type DerivedPattern, plainSources } from './eventbridge/derive';
import { ENABLED, type RuleState } from './eventbridge/rule-state';
import { DEFAULT_ENABLED_REGIONS, MONITOR_REGION, type RegionsConfig } from './regions';
import type { Detection } from './types';

/**
 * Where AWS emits a source's events: only us-east-1 (global services), only the Identity Center home
 * region, or the region the call was made in (regional services: any region).
 */
export type Emission = 'us-east-1' | 'identity-center-home' | 'every-region';

export interface SourceEmission {
  /** Where AWS emits the events. */
  emitted: Emission;
  /**
   * Where iamwatch watches them, when narrower than `emitted`; `why` says why nothing is lost. Only
   * for sources whose watched resources exist in one region.
   */
  watched?: Emission;
  why: string;
}

/** The facts, per EventBridge source (AWS documentation; see docs/design.md "Regions"). */
export const SOURCE_EMISSION: Readonly<Record<string, SourceEmission>> = {
  'aws.iam': { emitted: 'us-east-1', why: 'IAM is a global service; CloudTrail records it in us-east-1' },
  'aws.organizations': {
    emitted: 'us-east-1',
    why: 'Organizations is a global service; CloudTrail records it in us-east-1',
  },
  'aws.signin': {
    emitted: 'every-region',
    why: 'root sign-in is recorded in us-east-1, IAM-user and regional-endpoint sign-in in the region signed in to',
  },
  'aws.sts': {
    emitted: 'every-region',
    why: 'STS is regional; AssumeRoot must be called on a regional endpoint',
  },
  'aws.sso': {
    emitted: 'identity-center-home',
    why: 'Identity Center records its calls only in its home region',
  },
  'aws.identitystore': {
    emitted: 'identity-center-home',
    why: 'the identity store lives in the Identity Center home region',
  },
  'aws.sso-directory': {
    emitted: 'identity-center-home',
    why: 'the Identity Center directory lives in its home region',
  },
  'aws.cloudtrail': {
    emitted: 'every-region',
    why: 'CloudTrail records trail changes (StopLogging, DeleteTrail …) in the region called, the trail home region',
  },
  'aws.events': {
    emitted: 'every-region',
    why: "EventBridge is regional: tampering with a forwarder's rules is recorded in that forwarder's region",
  },
  'aws.lambda': {
    emitted: 'every-region',
    watched: 'us-east-1',
    why: "iamwatch's functions exist only in the monitor region",
  },
  'aws.dynamodb': {
    emitted: 'every-region',
    watched: 'us-east-1',
    why: "iamwatch's ledger table exists only in the monitor region",
  },
  'aws.sns': {
    emitted: 'every-region',
    watched: 'us-east-1',
    why: "iamwatch's topics exist only in the monitor region",
  },
};

/** How placement and coverage describe a pattern without a plain `source` list (root activity). */
const ANY_SOURCE_LABEL = 'any source';
const ANY_SOURCE_EMISSION: SourceEmission = {
  emitted: 'every-region',
  why: 'calls from any service (root activity on regional services happens in every region)',
};

/** A pattern names a source the emission table does not know: it could not be placed safely. */
export class PlacementError extends Error {
  override readonly name = 'PlacementError';
}

/** Where a source's events are watched (the table's narrowing when it has one). */
export function emissionOf(source: string | undefined): SourceEmission {
  if (source === undefined) return ANY_SOURCE_EMISSION;
  const known = SOURCE_EMISSION[source];
  if (!known) {
    throw new PlacementError(
      `EventBridge source ${source} has no entry in SOURCE_EMISSION (rules/placement.ts): say where AWS emits its events before a detection uses it`,
    );
  }
  return known;
}

function watchedIn(source: string | undefined): Emission {
  const { emitted, watched } = emissionOf(source);
  return watched ?? emitted;
}

/** A derived pattern (or the part of it for sources emitted alike) and where its rules run. */
export interface PlacedPattern extends DerivedPattern {
  placement: Emission;
  /** The derived pattern it was cut from; the central rule for it carries the whole pattern. */
  origin: string;
}

const PART_SUFFIX: Readonly<Record<Emission, string>> = {
  'us-east-1': 'us-east-1',
  'identity-center-home': 'identity-center',
  'every-region': 'regional',
};
const EMISSION_ORDER: readonly Emission[] = ['us-east-1', 'identity-center-home', 'every-region'];

/**
 * Places every derived pattern. A pattern whose sources are all emitted alike keeps its name and
 * pattern; one mixing sources is cut into one part per placement (`<name>-us-east-1`,
 * `<name>-identity-center`, `<name>-regional`), each narrowed to its sources.
 */
export function placePatterns(patterns: readonly DerivedPattern[]): PlacedPattern[] {
  return patterns.flatMap((derived): PlacedPattern[] => {
    const sources = plainSources(derived.pattern.source);
    if (!sources) return [{ ...derived, placement: watchedIn(undefined), origin: derived.name }];
    const byPlacement = new Map<Emission, string[]>();
    for (const source of sources) {
      const placement = watchedIn(source);
      byPlacement.set(placement, [...(byPlacement.get(placement) ?? []), source]);
    }
    if (byPlacement.size === 1) {
      return [{ ...derived, placement: [...byPlacement.keys()][0] as Emission, origin: derived.name }];
    }
    return EMISSION_ORDER.filter((p) => byPlacement.has(p)).map((placement) => {
      const own = byPlacement.get(placement) as string[];
      return {
        ...derived,
        name: `${derived.name}-${PART_SUFFIX[placement]}`,
        description: `${derived.description} (${own.join(', ')} only)`,
        pattern: { ...derived.pattern, source: own },
        placement,
        origin: derived.name,
      };
    });
  });
}

/** The regions a placement covers under this configuration. */
export function regionsOf(placement: Emission, regions: RegionsConfig): string[] {
  if (placement === 'us-east-1') return [MONITOR_REGION];
  if (placement === 'identity-center-home') return [regions.identityCenter];
  return [...regions.forwarders];
}

/** The regions AWS can emit a placement's events in: where a rule must be for nothing to be missed. */
function emittedRegions(placement: Emission, regions: RegionsConfig): string[] {
  if (placement !== 'every-region') return regionsOf(placement, regions);
  return [...new Set([...regions.forwarders, ...DEFAULT_ENABLED_REGIONS])];
}

/** The placed patterns whose rules run in `region`. */
export function patternsForRegion(
  patterns: readonly DerivedPattern[],
  region: string,
  regions: RegionsConfig,
): PlacedPattern[] {
  return placePatterns(patterns).filter((p) => regionsOf(p.placement, regions).includes(region));
}

/** Name of a forwarder rule (on each account's default bus). */
export function forwarderRuleName(resourcePrefix: string, patternName: string): string {
  return `${resourcePrefix}-fwd-${patternName}`;
}

/** Name of a central rule (on the monitor's bus). */
export function centralRuleName(resourcePrefix: string, patternName: string): string {
  return `${resourcePrefix}-${patternName}`;
}

/** One deployed rule that delivers a detection's events. */
interface DeployedRule {
  region: string;
  name: string;
  state: RuleState;
  /** `forwarder`: a member account's default bus; `monitor`: the monitored bus in us-east-1. */
  kind: 'forwarder' | 'monitor';
}

/** What the coverage computation needs from the deployment configuration. */
export interface CoverageConfig {
  resourcePrefix: string;
  mode: 'organization' | 'single-account';
  regions: RegionsConfig;
}

/** One row of `iamwatch rules --coverage`: a detection's events from one source. */
export interface CoverageRow {
  detection: string;
  source: string;
  emitted: Emission;
  watched: Emission;
  /** Regions AWS can emit these events in (for `every-region`: the default regions and the configured ones). */
  emittedIn: string[];
  rules: DeployedRule[];
  /** Regions where the events can be emitted and no rule delivers them. Empty when covered. */
  uncovered: string[];
  /** Why the events are watched in fewer regions than emitted, when they are. */
  note?: string;
}

/**
 * Detection × source × where emitted × which deployed rules deliver it. In organization mode every
 * forwarder region (us-east-1 included) has forwarder rules feeding the central rules; in single-account
 * mode us-east-1 has the monitor rules on the default bus and the other regions forward to it.
 */
export function coverage(
  catalog: readonly Detection[],
  patterns: readonly DerivedPattern[],
  config: CoverageConfig,
): CoverageRow[] {
  const placed = placePatterns(patterns);
  const rows: CoverageRow[] = [];
  for (const detection of catalog) {
    if (detection.status === 'deprecated') continue;
    for (const source of sourcesOf(detection)) {
      const { emitted, watched, why } = emissionOf(source);
      const placement = watched ?? emitted;
      const carrying = patterns.filter(
        (p) => p.detections?.includes(detection.id) && carriesSource(p.pattern.source, source),
      );
      const rules: DeployedRule[] = [];
      for (const origin of carrying) {
        const state = origin.state ?? ENABLED;
        const central: DeployedRule = {
          region: MONITOR_REGION,
          name: centralRuleName(config.resourcePrefix, origin.name),
          state,
          kind: 'monitor',
        };
        const parts = placed.filter(
          (p) => p.origin === origin.name && carriesSource(p.pattern.source, source),
        );
        for (const part of parts) {
          for (const region of regionsOf(part.placement, config.regions)) {
            // Forwarders exist only in the configured regions (the StackSet's, the management stacks').
            if (!config.regions.forwarders.includes(region)) continue;
            if (config.mode === 'single-account' && region === MONITOR_REGION) continue;
            rules.push({
              region,
              name: forwarderRuleName(config.resourcePrefix, part.name),
              state: part.state ?? ENABLED,
              kind: 'forwarder',
            });
          }
        }
        rules.push(central);
      }
      const emittedIn = emittedRegions(placement, config.regions);
      const uncovered = emittedIn.filter((region) => !isCovered(region, rules, config.mode));
      rows.push({
        detection: detection.id,
        source: source ?? ANY_SOURCE_LABEL,
        emitted,
        watched: placement,
        emittedIn,
        rules,
        uncovered,
        ...(watched ? { note: why } : {}),
      });
    }
  }
  return rows;
}

/**
 * A region is covered when a rule there hands the event on and a central rule takes it: a forwarder
 * plus a monitor rule, or (single-account, us-east-1) the monitor rule on the default bus itself.
 */
function isCovered(region: string, rules: readonly DeployedRule[], mode: CoverageConfig['mode']): boolean {
  const central = rules.some((r) => r.kind === 'monitor');
  if (!central) return false;
  if (mode === 'single-account' && region === MONITOR_REGION) return true;
  return rules.some((r) => r.kind === 'forwarder' && r.region === region);
}

/** The coverage rows with gaps, as one sentence per row (empty when everything is covered). */
export function coverageGaps(rows: readonly CoverageRow[]): string[] {
  return rows
    .filter((row) => row.uncovered.length > 0)
    .map(
      (row) =>
        `${row.detection} (${row.source}): events can be emitted in ${row.uncovered.join(', ')}, where no rule delivers them`,
    );
}

/** The sources a detection's triggers name; `undefined` stands for a trigger naming none. */
function sourcesOf(detection: Detection): (string | undefined)[] {
  const sources = detection.trigger.flatMap((t): (string | undefined)[] =>
    t.sources && t.sources.length > 0 ? [...t.sources] : [undefined],
  );
  return [...new Set(sources)];
}

function carriesSource(patternSource: unknown, source: string | undefined): boolean {
  const sources = plainSources(patternSource);
  if (source === undefined) return sources === undefined;
  return sources === undefined || sources.includes(source);
}
