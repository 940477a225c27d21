/**
 * The organization refresh: read Organizations, make the result the current snapshot, log who joined
 * and who left. Runs on a schedule and on every membership event (`ORGANIZATION_CHANGE_EVENTS`). A
 * failed read is noted on the snapshot's head (doctor and the record path report it) and rethrown, so
 * the function's error metric and its retries see it; the last snapshot stays current meanwhile.
 */
import type { Clock, Logger } from '../ports';
import { type OrganizationSnapshot, snapshotChanges } from './snapshot';
import type { OrganizationSnapshotStore, SnapshotHead } from './store';

/**
 * Organizations calls after which the snapshot is out of date. `CreateAccountResult` is the service
 * event that says an asynchronous `CreateAccount` finished: only then does the account exist.
 */
export const ORGANIZATION_CHANGE_EVENTS = [
  'CreateAccount',
  'CreateAccountResult',
  'CreateGovCloudAccount',
  'InviteAccountToOrganization',
  'AcceptHandshake',
  'RemoveAccountFromOrganization',
  'LeaveOrganization',
  'MoveAccount',
  'CreateOrganizationalUnit',
  'UpdateOrganizationalUnit',
  'DeleteOrganizationalUnit',
  'CloseAccount',
] as const;

export interface RefreshDeps {
  /** Reads the organization now (`listOrganizationAccounts` over a client). */
  read(now: Date): Promise<OrganizationSnapshot>;
  store: OrganizationSnapshotStore;
  clock: Clock;
  logger: Logger;
}

export interface RefreshResult {
  head: SnapshotHead;
  joined: string[];
  left: string[];
}

export function createOrganizationRefresh(deps: RefreshDeps): (trigger?: string) => Promise<RefreshResult> {
  return async (trigger) => {
    const now = deps.clock.now();
    let snapshot: OrganizationSnapshot;
    try {
      snapshot = await deps.read(now);
    } catch (error) {
      deps.logger.error('AWS Organizations unreadable: the last snapshot stays current', { error, trigger });
      try {
        await deps.store.recordFailure((error as Error).message ?? String(error), now);
      } catch (noteError) {
        deps.logger.error('could not note the failure on the organization snapshot', { error: noteError });
      }
      throw error;
    }
    const previous = await deps.store.load().catch((error: unknown) => {
      deps.logger.warn('previous organization snapshot unreadable: it will be replaced', { error });
      return undefined;
    });
    const head = await deps.store.save(snapshot);
    const { joined, left } = snapshotChanges(previous?.snapshot, snapshot);
    const result: RefreshResult = { head, joined: joined.map((a) => a.id), left: left.map((a) => a.id) };
    deps.logger.info('organization snapshot refreshed', {
      trigger,
      accounts: snapshot.accounts.length,
      snapshotId: head.snapshotId,
      joined: result.joined.slice(0, 50),
      left: result.left.slice(0, 50),
    });
    return result;
  };
}

/** What set off a refresh: the CloudTrail event name of a membership event, else `schedule`. */
export function triggerOf(event: unknown): string {
  if (event && typeof event === 'object') {
    const detail = (event as { detail?: { eventName?: unknown } }).detail;
    if (detail && typeof detail.eventName === 'string') return detail.eventName.slice(0, 64);
  }
  return 'schedule';
}
