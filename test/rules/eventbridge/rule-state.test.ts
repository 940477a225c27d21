import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toEnvelope } from '../../../rules/cloudtrail/envelope';
import { deliveredBy, derivePatterns } from '../../../rules/eventbridge/derive';
import { compilePattern } from '../../../rules/eventbridge/matcher';
import {
  ENABLED,
  ENABLED_WITH_READ_ONLY,
  isReadOnlyManagementEvent,
  READ_ONLY_WATCHED_CALLS,
} from '../../../rules/eventbridge/rule-state';
import { iamCall, stsCall } from '../../../rules/examples';
import { CATALOG } from '../../../rules/registry';
import type { CloudTrailRecord, Trigger } from '../../../rules/types';

const derived = derivePatterns(CATALOG);

describe('rule states', () => {
  it('recognises read-only management events delivered through CloudTrail, and nothing else', () => {
    expect(isReadOnlyManagementEvent(toEnvelope(stsCall('AssumeRoot', { readOnly: true })))).toBe(true);
    expect(isReadOnlyManagementEvent(toEnvelope(stsCall('AssumeRoot', { readOnly: false })))).toBe(false);
    const data = toEnvelope({ ...iamCall('CreateUser', { readOnly: true }), eventCategory: 'Data' });
    expect(isReadOnlyManagementEvent(data)).toBe(false);
    expect(isReadOnlyManagementEvent({ 'detail-type': 'Scheduled Event', detail: { readOnly: true } })).toBe(
      false,
    );
    expect(isReadOnlyManagementEvent('not an event')).toBe(false);
  });

  it('deploys the AssumeRoot pattern with read-only events, every other pattern ENABLED', () => {
    const states = Object.fromEntries(derived.map((p) => [p.name, p.state]));
    expect(states['sts-1']).toBe(ENABLED_WITH_READ_ONLY);
    expect(
      Object.entries(states)
        .filter(([name]) => name !== 'sts-1')
        .map(([, state]) => state),
    ).toEqual(derived.filter((p) => p.name !== 'sts-1').map(() => ENABLED));
  });

  it('makes the replay deliver a read-only event only through a rule in the admitting state', () => {
    const delivered = deliveredBy(derived);
    expect(delivered(toEnvelope(stsCall('AssumeRoot', { readOnly: true, region: 'us-west-2' })))).toBe(true);
    // The same pattern in state ENABLED: AWS would not deliver it, and neither does the replay.
    const asEnabled = deliveredBy(derived.map((p) => ({ ...p, state: ENABLED })));
    expect(asEnabled(toEnvelope(stsCall('AssumeRoot', { readOnly: true })))).toBe(false);
    expect(asEnabled(toEnvelope(stsCall('AssumeRoot', { readOnly: false })))).toBe(true);
    // A write CloudTrail marked read-only (it does not happen; the state is what decides).
    expect(delivered(toEnvelope(iamCall('CreateUser', { readOnly: true })))).toBe(false);
  });

  it('lists only calls some detection triggers on', () => {
    for (const [source, calls] of Object.entries(READ_ONLY_WATCHED_CALLS)) {
      for (const call of calls) {
        const watched = CATALOG.some((d) =>
          ([] as Trigger[])
            .concat(d.trigger as Trigger)
            .some((t) => t.sources?.includes(source) && t.eventNames?.includes(call)),
        );
        expect(watched, `${source} ${call}`).toBe(true);
      }
    }
  });
});

const shared = join(fileURLToPath(new URL('../../..', import.meta.url)), '../shared/cloudtrail-samples');

function records(dir: string): CloudTrailRecord[] {
  return readdirSync(dir).flatMap((name): CloudTrailRecord[] => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return records(path);
    if (!name.endsWith('.json')) return [];
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const record = (name.endsWith('.eventbridge.json') ? parsed.detail : parsed) as CloudTrailRecord;
    return typeof record?.eventName === 'string' ? [record] : [];
  });
}

describe.skipIf(!existsSync(shared))(
  'rule states against the real records (../shared/cloudtrail-samples)',
  () => {
    it('puts every watched call the corpus records as read-only on a rule that receives it', () => {
      const readOnly = records(shared).filter(
        (r) => r.readOnly === true && typeof r.eventSource === 'string',
      );
      expect(readOnly.length).toBeGreaterThan(0);
      for (const record of readOnly) {
        const envelope = toEnvelope(record);
        for (const pattern of derived) {
          if (!compilePattern(pattern.pattern).matches(envelope)) continue;
          expect(pattern.state, `${record.eventName} (${pattern.name})`).toBe(ENABLED_WITH_READ_ONLY);
        }
      }
    });
  },
);
