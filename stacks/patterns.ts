/**
 * Where each derived EventBridge pattern must run. IAM, Organizations and root sign-in events arrive
 * only in us-east-1; sign-in and STS events also arrive in other regions. Patterns are never written
 * here, only placed (and, for patterns mixing both kinds of source, narrowed to the regional sources).
 */
import type { DerivedPattern } from '../rules/eventbridge/derive';
import { MONITOR_REGION } from './config/schema';

/** EventBridge sources whose events are delivered in regions other than us-east-1. */
export const REGIONAL_SOURCES: readonly string[] = ['aws.signin', 'aws.sts'];

/**
 * `everywhere`: the pattern only names regional sources. `home`: us-east-1 only. `elsewhere`: the
 * regional narrowing of a mixed pattern, for regions other than us-east-1 (us-east-1 runs the full one).
 */
export type Placement = 'everywhere' | 'home' | 'elsewhere';

export interface PlacedPattern extends DerivedPattern {
  placement: Placement;
}

/** Places every derived pattern; a mixed pattern yields a `home` and an `elsewhere` entry. */
export function placePatterns(patterns: readonly DerivedPattern[]): PlacedPattern[] {
  return patterns.flatMap((derived): PlacedPattern[] => {
    const sources = stringSources(derived.pattern.source);
    const regional = sources?.filter((s) => REGIONAL_SOURCES.includes(s)) ?? [];
    if (!sources || regional.length === 0) return [{ ...derived, placement: 'home' }];
    if (regional.length === sources.length) return [{ ...derived, placement: 'everywhere' }];
    return [
      { ...derived, placement: 'home' },
      {
        ...derived,
        name: `${derived.name}-regional`,
        description: `${derived.description} (${regional.join(', ')} only)`,
        pattern: { ...derived.pattern, source: regional },
        placement: 'elsewhere',
      },
    ];
  });
}

/** The patterns a forwarder or monitor in `region` runs. */
export function patternsForRegion(patterns: readonly DerivedPattern[], region: string): DerivedPattern[] {
  const wanted: readonly Placement[] =
    region === MONITOR_REGION ? ['everywhere', 'home'] : ['everywhere', 'elsewhere'];
  return placePatterns(patterns)
    .filter((p) => wanted.includes(p.placement))
    .map(({ placement: _placement, ...pattern }) => pattern);
}

/** The `source` list when it is a plain list of names; undefined for "any source" or content filters. */
function stringSources(source: unknown): string[] | undefined {
  if (!Array.isArray(source) || source.length === 0) return undefined;
  return source.every((s): s is string => typeof s === 'string') ? source : undefined;
}
