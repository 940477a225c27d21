/**
 * `--org` for the CLI commands: learn the organization's accounts, names and OU paths from AWS
 * Organizations (default credential chain, so profiles and `AWS_ENDPOINT_URL_ORGANIZATIONS` work),
 * cached under `$IAMWATCH_HOME`; the `--config` lists stay overrides on top.
 */
import type { DetectionContext } from '../../rules/types';
import type { CachedOrganization } from '../organization/cache';
import { flags } from './flags';
import type { CliIo } from './io';

export const organizationOptions = {
  ...flags('org'),
  'org-refresh': { type: 'boolean' },
} as const;

export const ORGANIZATION_HELP = `  --org                    learn accounts, names and OU paths from AWS Organizations (management or
                           delegated-admin credentials), cached in $IAMWATCH_HOME/organization.json for 1h
  --org-refresh            with --org: read Organizations now even when the cached copy is fresh
`;

/**
 * The detection context with the organization folded in when `--org` is given (else unchanged), and
 * what was used. One line on stderr says where the accounts came from and how old they are.
 */
export async function applyOrganization(
  context: DetectionContext,
  values: { org?: boolean; 'org-refresh'?: boolean; home?: string },
  io: CliIo,
  now: Date = new Date(),
): Promise<{ context: DetectionContext; organization?: CachedOrganization }> {
  if (!values.org) return { context };
  // Loaded only with --org: the Organizations client and the cache's schema are most of a command's start.
  const [{ formatAge }, { cachedOrganization }, { createOrganizationsClient, listOrganizationAccounts }] =
    await Promise.all([
      import('../doctor/check'),
      import('../organization/cache'),
      import('../organization/read'),
    ]);
  const { withOrganization } = await import('../organization/snapshot');
  const client = createOrganizationsClient();
  let organization: CachedOrganization;
  try {
    organization = await cachedOrganization({
      home: values.home ?? io.env.IAMWATCH_HOME ?? `${io.cwd}/.iamwatch`,
      now,
      refresh: !!values['org-refresh'],
      read: (at) => listOrganizationAccounts(client, at),
    });
  } finally {
    client.destroy();
  }
  const count = organization.snapshot.accounts.length;
  const age = formatAge(organization.ageMs);
  const line = {
    organizations: `organization: ${count} accounts read from AWS Organizations`,
    cache: `organization: ${count} accounts from the cached copy (${age} old; --org-refresh to read again)`,
    'stale-cache': `organization: AWS Organizations unreadable (${organization.error?.message ?? 'unknown error'}); using the cached copy, ${age} old, ${count} accounts`,
  }[organization.source];
  io.stderr.write(`${line}\n`);
  return { context: withOrganization(context, organization.snapshot), organization };
}
