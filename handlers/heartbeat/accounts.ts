/**
 * Which accounts should report heartbeats: the accounts the forwarder StackSet deploys to (every
 * active account under its target OUs or the root, child OUs included, as service-managed StackSets
 * do) plus the management account, which has forwarder stacks of its own. Read from AWS Organizations
 * at check time, so an account that joins or leaves changes the expectation without anyone editing a
 * list.
 *
 * The listing sits behind {@link AccountDirectory}, a one-method port, so another source of the
 * organization (a shared organization snapshot) can replace it.
 */
import {
  type Account,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';

/** An account that should have forwarders. */
export interface ExpectedAccount {
  id: string;
  name?: string;
}

/** The port the heartbeat check reads expected accounts through. */
export interface AccountDirectory {
  expectedAccounts(): Promise<ExpectedAccount[]>;
}

/** The accounts could not be listed; the check must not conclude anything from an empty list. */
export class AccountDirectoryError extends Error {
  override readonly name = 'AccountDirectoryError';
}

export interface OrganizationsDirectoryOptions {
  client: OrganizationsClient;
  /** The StackSet's deployment targets: OU ids, or the root id. */
  targetIds: readonly string[];
  /** Has its own forwarder stacks; StackSets never deploy to it. */
  managementAccountId: string;
}

/** Expected accounts from AWS Organizations (needs organizations:List* from a delegated administrator). */
export function organizationsDirectory(options: OrganizationsDirectoryOptions): AccountDirectory {
  return {
    async expectedAccounts() {
      const accounts = new Map<string, ExpectedAccount>();
      const pending = [...options.targetIds];
      const visited = new Set<string>();
      try {
        while (pending.length > 0) {
          const parentId = pending.shift()!;
          if (visited.has(parentId)) continue;
          visited.add(parentId);
          for (const account of await listAccounts(options.client, parentId)) {
            if (account.Id && account.Status === 'ACTIVE' && account.Id !== options.managementAccountId) {
              accounts.set(account.Id, { id: account.Id, ...(account.Name ? { name: account.Name } : {}) });
            }
          }
          pending.push(...(await listChildOus(options.client, parentId)));
        }
      } catch (error) {
        throw new AccountDirectoryError(
          `could not list the accounts of ${options.targetIds.join(', ')} in AWS Organizations`,
          { cause: error },
        );
      }
      accounts.set(options.managementAccountId, {
        id: options.managementAccountId,
        ...accounts.get(options.managementAccountId),
      });
      return [...accounts.values()].sort((a, b) => a.id.localeCompare(b.id));
    },
  };
}

/** A fixed list (single-account mode: the one account). */
export function staticDirectory(accounts: readonly ExpectedAccount[]): AccountDirectory {
  return { expectedAccounts: async () => [...accounts] };
}

async function listAccounts(client: OrganizationsClient, parentId: string): Promise<Account[]> {
  return allPages(async (token) => {
    const page = await client.send(
      new ListAccountsForParentCommand({ ParentId: parentId, NextToken: token }),
    );
    return { items: page.Accounts, next: page.NextToken };
  });
}

async function listChildOus(client: OrganizationsClient, parentId: string): Promise<string[]> {
  const ous = await allPages(async (token) => {
    const page = await client.send(
      new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, NextToken: token }),
    );
    return { items: page.OrganizationalUnits, next: page.NextToken };
  });
  return ous.flatMap((ou) => (ou.Id ? [ou.Id] : []));
}

/** Every item of a NextToken-paged listing. */
async function allPages<T>(
  read: (token: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined }>,
): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = await read(token);
    items.push(...(page.items ?? []));
    token = page.next;
  } while (token);
  return items;
}
