// PLACEHOLDER — replaced by the EventBridge pattern work (see issue 2).
import type { Detection } from '../types';

export type EventPattern = Record<string, unknown>;

export interface DerivedPattern {
  /** Stable, CloudFormation-safe name, e.g. `iam-1`, `signin-1`, `root-activity`. */
  name: string;
  description: string;
  pattern: EventPattern;
}

export function derivePatterns(_catalog: readonly Detection[]): DerivedPattern[] {
  return [
    {
      name: 'iam-1',
      description: 'placeholder',
      pattern: { source: ['aws.iam'], 'detail-type': ['AWS API Call via CloudTrail'] },
    },
  ];
}
