// PLACEHOLDER — replaced by the detection catalog work (see issue 2).
import type { CloudTrailRecord, Target } from './types';

export function extractTarget(_record: CloudTrailRecord): { target?: Target; policyArn?: string } {
  return {};
}
