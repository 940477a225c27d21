/** The end-to-end canary as the tests see it: its identity and its CloudTrail record. */
import { readFileSync } from 'node:fs';
import { parseRecord } from '../../rules/cloudtrail/parse';
import type { CanaryIdentity, CloudTrailRecord } from '../../rules/types';

/** The identity matching `test/fixtures/canary/tag-role.json`. */
export const CANARY: CanaryIdentity = {
  accountId: '111122223333',
  roleName: 'iamwatch-canary',
  writerRoleName: 'iamwatch-canary-writer',
};

/** The canary's TagRole as CloudTrail records it (a fresh copy each call). */
export function canaryRecord(): CloudTrailRecord {
  const text = readFileSync(new URL('../fixtures/canary/tag-role.json', import.meta.url), 'utf8');
  return parseRecord(JSON.parse(text));
}
