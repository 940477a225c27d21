/**
 * The monitor's own event patterns besides the derived ones: what the archive keeps, and which
 * forwarded alarm events reach the on-call topic.
 */
import { EVENT_PATTERN_MAX_CHARS, type EventPattern } from '../rules/eventbridge/derive';

/**
 * What the archive keeps: what the monitor's rules match, or a little more. The rules' patterns
 * together exceed the size of one pattern, so patterns with a plain source list are covered by their
 * sources and detail-types, and the others (root activity, any source) are kept whole, as `$or`
 * branches. Undefined (everything) only when even that cover does not fit.
 */
export function archivePatternFor(patterns: readonly EventPattern[]): EventPattern | undefined {
  const named = patterns.filter((p) => isStringList(p.source));
  const branches: EventPattern[] = patterns.filter((p) => !isStringList(p.source));
  if (named.length > 0) {
    const cover: EventPattern = { source: unionOf(named.map((p) => p.source as string[])) };
    if (named.every((p) => isStringList(p['detail-type']))) {
      cover['detail-type'] = unionOf(named.map((p) => p['detail-type'] as string[]));
    }
    branches.unshift(cover);
  }
  if (branches.length === 0) return undefined;
  const pattern = branches.length === 1 ? (branches[0] as EventPattern) : { $or: branches };
  return JSON.stringify(pattern).length <= EVENT_PATTERN_MAX_CHARS ? pattern : undefined;
}

function unionOf(lists: readonly string[][]): string[] {
  return [...new Set(lists.flat())].sort();
}

/** CloudWatch alarm events of iamwatch forwarders (`<prefix>-forwarder-…`) entering ALARM. */
export function forwarderAlarmPattern(resourcePrefix: string): EventPattern {
  return {
    source: ['aws.cloudwatch'],
    'detail-type': ['CloudWatch Alarm State Change'],
    detail: {
      alarmName: [{ prefix: `${resourcePrefix}-forwarder-` }],
      state: { value: ['ALARM'] },
    },
  };
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string');
}
