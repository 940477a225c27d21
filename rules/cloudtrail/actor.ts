// PLACEHOLDER — replaced by the CloudTrail input work (see issue 2).
import type { Actor, CloudTrailRecord } from '../types';

export function normaliseActor(record: CloudTrailRecord): Actor {
  return { type: record.userIdentity?.type ?? 'Unknown' };
}
