/**
 * The digest built from a seeded dynalite ledger through the real history query path: counts, new
 * principals, top actors, suppressed and folded counts, the account filter, the window's bounds across
 * two day partitions, and Query only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDigest, type Digest } from '../../../handlers/digest/build';
import { digestEntries } from '../../../handlers/digest/query';
import { buildDigestSlackMessage } from '../../../handlers/digest/render-slack';
import { renderDigestText } from '../../../handlers/digest/render-text';
import { type DynaliteLedger, startDynaliteLedger } from '../ledger/support/dynalite';
import { entry } from '../ledger/support/entries';
import { expectNoInjectedMarkup, expectWithinSlackLimits } from '../notify/slack-limits';
import { ACCOUNT_A, ACCOUNT_B, HOSTILE_ACTOR, SEEDED, seed, WINDOW } from './support';

async function readAll<T>(source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of source) items.push(item);
  return items;
}

/** The seeded entries as the ledger returns them, delivery state included. */
const seededEntries = SEEDED.map((seeded) =>
  seeded.delivery ? { ...seeded.entry, delivery: seeded.delivery } : seeded.entry,
);

describe('the digest of a seeded ledger', () => {
  let ledger: DynaliteLedger;
  let digest: Digest;

  beforeAll(async () => {
    // A small page size makes the day partitions page, as a busy day would.
    ledger = await startDynaliteLedger({ pageSize: 2 });
    await seed(ledger.store);
    ledger.commands.length = 0;
    digest = buildDigest(await readAll(digestEntries(ledger.store, WINDOW)), WINDOW);
  });
  afterAll(async () => {
    await ledger?.close();
  });

  it('reads with Query on the index and BatchGetItem only, never Scan', () => {
    expect(new Set(ledger.commands)).toEqual(new Set(['QueryCommand', 'BatchGetItemCommand']));
  });

  it('keeps the window from its start to just before its end, across two day partitions', () => {
    const a = digest.accounts.find((account) => account.accountId === ACCOUNT_A);
    expect(digest.events).toBe(7);
    expect(a?.events).toBe(5);
    const names = a?.newPrincipals.map((principal) => principal.name);
    expect(names).toEqual(['bob', 'deployer', 'bob']);
    expect(JSON.stringify(digest)).not.toMatch(/too-early|too-late|next-window/);
  });

  it('counts by severity and by detection, most severe first', () => {
    const a = digest.accounts.find((account) => account.accountId === ACCOUNT_A)!;
    expect(a.accountName).toBe('prod-payments');
    expect(a.bySeverity).toEqual({ critical: 1, high: 1, medium: 1, low: 1, info: 1 });
    expect(a.detections).toEqual([
      { id: 'iam-admin-policy-attached', severity: 'critical', count: 1 },
      { id: 'iam-access-key-created-for-another-user', severity: 'high', count: 1 },
      { id: 'iam-user-created', severity: 'medium', count: 1 },
      { id: 'iam-policy-attached', severity: 'low', count: 1 },
      { id: 'iam-role-created', severity: 'low', count: 1 },
      { id: 'iam-change', severity: 'info', count: 1 },
    ]);
  });

  it('lists the principals created, of every kind, and not a denied creation', () => {
    const kinds = digest.accounts.flatMap((account) =>
      account.newPrincipals.map(
        (principal) => `${principal.kind} ${principal.name} by ${principal.createdBy}`,
      ),
    );
    expect(kinds).toEqual([
      'user bob by alice',
      'role deployer by terraform (terraform-deploy)',
      'access-key bob by alice',
      `identity-center-user carol@example.com by ${HOSTILE_ACTOR}`,
    ]);
  });

  it('names the top actors, a session with the role that issued it', () => {
    const a = digest.accounts.find((account) => account.accountId === ACCOUNT_A)!;
    expect(a.topActors).toEqual([
      { actor: 'alice', count: 3 },
      { actor: 'terraform (terraform-deploy)', count: 2 },
    ]);
    const b = digest.accounts.find((account) => account.accountId === ACCOUNT_B)!;
    expect(b.topActors).toEqual([{ actor: HOSTILE_ACTOR, count: 2 }]);
  });

  it('counts suppressed and folded alerts on any channel, or on one route only', () => {
    expect({ suppressed: digest.suppressed, folded: digest.folded }).toEqual({ suppressed: 1, folded: 2 });
    const security = buildDigest(
      [
        ...seededEntries,
        entry({
          eventId: 'a-folded-twice',
          eventTime: '2026-11-20T09:00:00.000Z',
          delivery: {
            'slack:security': { status: 'folded', at: WINDOW.since, attempts: 0 },
            'slack:other': { status: 'folded', at: WINDOW.since, attempts: 0 },
          },
        }),
      ],
      WINDOW,
      { channel: 'slack:security' },
    );
    expect({ suppressed: security.suppressed, folded: security.folded }).toEqual({
      suppressed: 1,
      folded: 2,
    });
  });

  it('reads one account through its own partition', async () => {
    ledger.commands.length = 0;
    const onlyB = buildDigest(await readAll(digestEntries(ledger.store, WINDOW, ACCOUNT_B)), WINDOW);
    expect(onlyB.accounts.map((account) => account.accountId)).toEqual([ACCOUNT_B]);
    expect(onlyB.events).toBe(2);
    expect(ledger.commands).not.toContain('ScanCommand');
  });

  it('renders text with hostile names escaped for the terminal', () => {
    const text = renderDigestText(digest);
    expect(text).toContain('iamwatch digest 2026-11-20 08:00 – 2026-11-21 08:00 UTC');
    expect(text).toContain('7 IAM events in 2 accounts; 1 alert suppressed, 2 folded into bursts');
    expect(text).toContain(
      '111122223333 (prod-payments): 5 events: 1 critical, 1 high, 1 medium, 1 low, 1 info',
    );
    expect(text).toContain('access key for bob by alice at 00:00');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is that none are printed
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });

  it('renders Slack blocks within the limits, with no markup formed by data', () => {
    const message = buildDigestSlackMessage(digest);
    expectWithinSlackLimits(message);
    expectNoInjectedMarkup(message);
    const body = JSON.stringify(message);
    expect(body).not.toContain('<!channel>');
    expect(body).toContain('&lt;!channel&gt;');
  });

  it('cuts a large digest at whole accounts and lists, each with a "+N more" line', () => {
    const many = Array.from({ length: 80 }, (_, account) =>
      Array.from({ length: 15 }, (_, n) =>
        entry({
          eventId: `many-${account}-${n}`,
          eventTime: '2026-11-20T12:00:00.000Z',
          accountId: String(100000000000 + account),
          target: { type: 'user', name: `${'u'.repeat(150)}-${n}` },
          actor: { ...entry({ eventId: 'x', eventTime: WINDOW.since }).actor, name: `actor-${n}` },
        }),
      ),
    ).flat();
    const message = buildDigestSlackMessage(buildDigest(many, WINDOW));
    expectWithinSlackLimits(message);
    const body = JSON.stringify(message);
    expect(body).toMatch(/\+\d+ more accounts/);
    expect(body).toMatch(/\+5 more|more lines not shown/);
  });
});
