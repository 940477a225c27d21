/**
 * The monitor's own event patterns besides the derived ones: what the archive keeps, and which
 * forwarded alarm events reach the on-call topic.
 */
import type { DerivedPattern, EventPattern } from '../rules/eventbridge/derive';
import type { IamwatchConfig } from './config/schema';

/**
 * The central bus carries only forwarded events, so its archive keeps everything (no pattern). The
 * default bus carries the whole account's traffic, so its archive keeps what the derived patterns
 * could match: their sources, or failing that their detail-types, or failing that everything.
 */
export function archivePatternFor(
  patterns: readonly DerivedPattern[],
  mode: IamwatchConfig['mode'],
): EventPattern | undefined {
  if (mode === 'organization') return undefined;
  for (const field of ['source', 'detail-type'] as const) {
    const values = patterns.map((p) => p.pattern[field]);
    if (values.length > 0 && values.every(isStringList)) {
      return { [field]: [...new Set(values.flat())].sort() };
    }
  }
  return undefined;
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
