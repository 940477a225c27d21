/**
 * A seeded ledger for the digest tests: one window (2026-11-20 08:00 up to, not including,
 * 2026-11-21 08:00 UTC) across two day partitions, entries just outside it on both sides, two accounts, new principals of every
 * kind, a failed creation (no new principal), a suppressed and a folded alert on the `security`
 * route, and a hostile actor name.
 */
import type { ChannelDelivery, LedgerStore, StoredEntry } from '../../../handlers/ports';
import { ACCOUNT_A, ACCOUNT_B, entry, hit, rawOf } from '../ledger/support/entries';

export { ACCOUNT_A, ACCOUNT_B };

export const WINDOW = { since: '2026-11-20T08:00:00.000Z', until: '2026-11-21T08:00:00.000Z' };

export const HOSTILE_ACTOR = '<!channel> *urgent* <http://evil.example|click> `x`';

const terraform: StoredEntry['actor'] = {
  type: 'AssumedRole',
  arn: `arn:aws:sts::${ACCOUNT_A}:assumed-role/terraform-deploy/terraform`,
  name: 'terraform',
  accountId: ACCOUNT_A,
  sessionIssuerArn: `arn:aws:iam::${ACCOUNT_A}:role/terraform-deploy`,
};
const hostile: StoredEntry['actor'] = {
  type: 'IAMUser',
  arn: `arn:aws:iam::${ACCOUNT_B}:user/mallory`,
  name: HOSTILE_ACTOR,
  accountId: ACCOUNT_B,
};

const delivered = (status: ChannelDelivery['status'], extra: Partial<ChannelDelivery> = {}) => ({
  status,
  at: '2026-11-21T00:00:00.000Z',
  attempts: 0,
  ...extra,
});

/** A successful CreateUser by alice, as `iam-user-created` (medium) judges it. */
function userCreated(
  eventId: string,
  eventTime: string,
  user: { name: string; arn?: string },
  extra: Partial<StoredEntry> = {},
): StoredEntry {
  return entry({
    eventId,
    eventTime,
    target: { type: 'user', ...user },
    detections: [hit('iam-user-created', 'medium')],
    severity: 'medium',
    ...extra,
  });
}

/** The entries and, per eventId, the delivery states to record after the put. */
export const SEEDED: { entry: StoredEntry; delivery?: Record<string, ChannelDelivery> }[] = [
  // Outside the window on both sides.
  { entry: userCreated('before-window', '2026-11-20T07:59:59.999Z', { name: 'too-early' }) },
  { entry: userCreated('after-window', '2026-11-21T08:00:00.001Z', { name: 'too-late' }) },
  // At the end of the window: the next window's first entry, not this one's.
  { entry: userCreated('at-window-end', '2026-11-21T08:00:00.000Z', { name: 'next-window' }) },
  // Account A, first day partition, at the start of the window (included).
  {
    entry: userCreated(
      'a-create-user',
      '2026-11-20T08:00:00.000Z',
      { name: 'bob', arn: `arn:aws:iam::${ACCOUNT_A}:user/bob` },
      { accountName: 'prod-payments' },
    ),
  },
  {
    entry: entry({
      eventId: 'a-create-role',
      eventTime: '2026-11-20T23:59:59.000Z',
      eventName: 'CreateRole',
      actor: terraform,
      target: { type: 'role', name: 'deployer' },
      detections: [hit('iam-role-created', 'low')],
      severity: 'low',
      accountName: 'prod-payments',
    }),
    delivery: { 'slack:security': delivered('folded', { burst: 'slack:security|a|terraform' }) },
  },
  // Account A, second day partition.
  {
    entry: entry({
      eventId: 'a-key-for-bob',
      eventTime: '2026-11-21T00:00:01.000Z',
      eventName: 'CreateAccessKey',
      target: { type: 'user', name: 'bob' },
      detections: [hit('iam-access-key-created-for-another-user', 'high')],
      severity: 'high',
      accountName: 'prod-payments',
    }),
    delivery: { 'slack:security': delivered('suppressed', { suppressionId: 'sup-onboarding' }) },
  },
  {
    entry: entry({
      eventId: 'a-admin',
      eventTime: '2026-11-21T03:00:00.000Z',
      eventName: 'AttachUserPolicy',
      target: { type: 'user', name: 'bob' },
      policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      detections: [hit('iam-admin-policy-attached', 'critical'), hit('iam-policy-attached', 'low')],
      severity: 'critical',
    }),
  },
  {
    entry: entry({
      eventId: 'a-tag-role',
      eventTime: '2026-11-21T07:59:59.999Z',
      eventName: 'TagRole',
      actor: terraform,
      target: { type: 'role', name: 'deployer' },
      detections: [hit('iam-change', 'info')],
      severity: 'info',
    }),
    // Folded on another route only: not counted for `security`.
    delivery: { 'slack:identity-team': delivered('folded', { burst: 'slack:identity-team|a|terraform' }) },
  },
  // Account B.
  {
    entry: entry({
      eventId: 'b-ic-user',
      eventTime: '2026-11-20T12:00:00.000Z',
      eventSource: 'identitystore.amazonaws.com',
      eventName: 'CreateUser',
      accountId: ACCOUNT_B,
      actor: hostile,
      target: { type: 'identity-center-user', name: 'carol@example.com' },
      detections: [hit('identity-center-user-created', 'low')],
      severity: 'low',
    }),
  },
  {
    entry: entry({
      eventId: 'b-denied-user',
      eventTime: '2026-11-20T12:05:00.000Z',
      accountId: ACCOUNT_B,
      actor: hostile,
      result: 'failure',
      errorCode: 'AccessDenied',
      target: { type: 'user', name: 'backdoor' },
      detections: [hit('iam-write-denied', 'medium')],
      severity: 'medium',
    }),
  },
];

export async function seed(store: LedgerStore): Promise<void> {
  for (const { entry: seeded, delivery } of SEEDED) {
    await store.putIfAbsent(seeded, rawOf(seeded));
    for (const [channel, state] of Object.entries(delivery ?? {})) {
      await store.markDelivery(seeded.eventId, channel, state);
    }
  }
}
