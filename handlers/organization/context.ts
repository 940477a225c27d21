/**
 * The record path's view of the organization: the configured detection context with the current
 * snapshot folded in. The snapshot's head is one consistent item read, asked at most every
 * `recheckMs`, so an account that joined is inside the organization for the first event recorded
 * after the refresh that saw it. Whatever goes wrong here is logged and answered with the last
 * snapshot (or the configuration alone): reading the organization never fails the record path.
 */
import type { DetectionContext } from '../../rules/types';
import type { Clock, Logger } from '../ports';
import { withOrganization } from './snapshot';
import type { OrganizationSnapshotStore } from './store';

/** How long a head read is trusted before asking the table again. */
const DEFAULT_RECHECK_MS = 15_000;

export interface OrganizationContextOptions {
  /** The deployment's detection context: config lists are overrides on top of the snapshot. */
  configured: DetectionContext;
  store: OrganizationSnapshotStore;
  clock: Clock;
  logger: Logger;
  recheckMs?: number;
}

/** The current detection context; never rejects. */
export type ContextSource = () => Promise<DetectionContext>;

export function createOrganizationContext(options: OrganizationContextOptions): ContextSource {
  const recheckMs = options.recheckMs ?? DEFAULT_RECHECK_MS;
  let context = options.configured;
  let snapshotId: string | undefined;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let warned: string | undefined;

  const warnOnce = (message: string, fields: Record<string, unknown>) => {
    const key = `${message}|${String(fields.lastErrorAt ?? fields.error ?? '')}`;
    if (warned === key) return;
    warned = key;
    options.logger.warn(message, fields);
  };

  return async () => {
    const now = options.clock.now().getTime();
    if (now - checkedAt < recheckMs) return context;
    checkedAt = now;
    try {
      const head = await options.store.head();
      if (!head) {
        warnOnce('no organization snapshot yet: detections use the configured accounts only', {});
        return context;
      }
      if (head.snapshotId !== snapshotId) {
        const loaded = await options.store.load();
        if (loaded) {
          context = withOrganization(options.configured, loaded.snapshot);
          snapshotId = loaded.head.snapshotId;
          options.logger.info('organization snapshot loaded', {
            snapshotId,
            accounts: loaded.snapshot.accounts.length,
            checkedAt: loaded.head.checkedAt,
          });
        }
      }
      if (head.lastError && head.lastErrorAt && head.lastErrorAt > head.checkedAt) {
        warnOnce(
          'AWS Organizations unreadable at the last refresh: detections use the last snapshot and the configuration',
          {
            snapshotCheckedAt: head.checkedAt,
            lastErrorAt: head.lastErrorAt,
            lastError: head.lastError,
          },
        );
      }
    } catch (error) {
      warnOnce('organization snapshot unreadable: detections use the last snapshot and the configuration', {
        error,
        snapshotId,
      });
    }
    return context;
  };
}
