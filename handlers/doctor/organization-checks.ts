/**
 * The doctor's organization section: how old the monitor's snapshot is and whether its last refresh
 * could read Organizations (the record path falls back to the last snapshot, silently for alerts, so
 * this is where it shows), and, with `--org`, which accounts the organization has that the monitor's
 * snapshot does not yet (they would look external to the trust detections until the next refresh).
 */
import type { CachedOrganization } from '../organization/cache';
import type { OrganizationSnapshot } from '../organization/snapshot';
import type { SnapshotHead } from '../organization/store';
import { type Check, check, formatAge } from './check';

/** A snapshot older than this warns: the refresh runs every 30 minutes and on membership events. */
const SNAPSHOT_WARN_AGE_MS = 60 * 60 * 1000;
/** Older than this fails: detections have judged a day of events against an old organization. */
const SNAPSHOT_FAIL_AGE_MS = 24 * 60 * 60 * 1000;
const GROUP = 'organization';

export interface OrganizationCheckInput {
  now: Date;
  /** The monitor's snapshot in the ledger table, when the deployed ledger was checked. */
  monitor?: {
    head?: SnapshotHead;
    snapshot?: OrganizationSnapshot;
    lastFailure?: { lastError: string; lastErrorAt: string };
  };
  /** What `--org` read (or took from its cache). */
  cli?: CachedOrganization;
}

export function checkOrganization(input: OrganizationCheckInput): Check[] {
  const checks: Check[] = [];
  if (input.monitor) checks.push(monitorSnapshot(input.monitor, input.now));
  if (input.cli) {
    const { cli } = input;
    const count = cli.snapshot.accounts.length;
    checks.push(
      cli.source === 'stale-cache'
        ? check(
            GROUP,
            'organization:cli',
            'AWS Organizations (--org)',
            'warn',
            `unreadable from here (${cli.error?.message ?? 'unknown error'}): using the cached copy, ${formatAge(cli.ageMs)} old, ${count} accounts`,
          )
        : check(
            GROUP,
            'organization:cli',
            'AWS Organizations (--org)',
            'pass',
            `${count} accounts, read ${formatAge(cli.ageMs)} ago`,
          ),
    );
    if (input.monitor?.snapshot) {
      const known = new Set(input.monitor.snapshot.accounts.map((a) => a.id));
      const joined = cli.snapshot.accounts.filter((a) => !known.has(a.id));
      checks.push(
        joined.length === 0
          ? check(
              GROUP,
              'organization:joined',
              'Accounts the monitor knows',
              'pass',
              'every account of the organization is in its snapshot',
            )
          : check(
              GROUP,
              'organization:joined',
              'Accounts the monitor knows',
              'warn',
              `${joined.length} joined since its last refresh: ${joined
                .slice(0, 10)
                .map((a) => `${a.name} (${a.id})`)
                .join(
                  ', ',
                )}${joined.length > 10 ? ', …' : ''}; trust to them looks external until the refresh (invoke the iamwatch-organization function)`,
            ),
      );
    }
  }
  return checks;
}

function monitorSnapshot(monitor: NonNullable<OrganizationCheckInput['monitor']>, now: Date): Check {
  const title = "Monitor's organization snapshot";
  const { head } = monitor;
  if (!head) {
    const why = monitor.lastFailure
      ? `Organizations unreadable since ${monitor.lastFailure.lastErrorAt}: ${monitor.lastFailure.lastError}`
      : 'the organization refresh function has not run yet';
    return check(
      GROUP,
      'organization:snapshot',
      title,
      'fail',
      `none in the ledger table (${why}); detections know only the configured accounts: check the iamwatch-organization function and the read role in the management account`,
    );
  }
  const age = now.getTime() - Date.parse(head.checkedAt);
  const failing = head.lastError && head.lastErrorAt && head.lastErrorAt > head.checkedAt;
  const summary = `${head.accountCount} accounts, read ${formatAge(age)} ago`;
  if (failing) {
    return check(
      GROUP,
      'organization:snapshot',
      title,
      age > SNAPSHOT_FAIL_AGE_MS ? 'fail' : 'warn',
      `${summary}; Organizations unreadable since ${head.lastErrorAt} (${head.lastError}): detections use this snapshot and the configuration. Check the read role in the management account`,
    );
  }
  if (age > SNAPSHOT_FAIL_AGE_MS) {
    return check(
      GROUP,
      'organization:snapshot',
      title,
      'fail',
      `${summary}: the refresh schedule is not running (iamwatch-organization-schedule)`,
    );
  }
  if (age > SNAPSHOT_WARN_AGE_MS) {
    return check(
      GROUP,
      'organization:snapshot',
      title,
      'warn',
      `${summary}: refreshes are late (every 30 minutes expected)`,
    );
  }
  return check(GROUP, 'organization:snapshot', title, 'pass', summary);
}
