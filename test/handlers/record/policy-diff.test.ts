/**
 * Policy and trust diffs on the record path: the entry carries what changed when the ledger holds the
 * previous version (memory store and dynalite), "previous version not in the ledger" otherwise, and
 * `unavailable` (still recorded) when the lookup fails. Replay compares with the version before it in
 * the input even while that write is in flight.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryLedgerStore } from '../../../handlers/ledger/memory-store';
import { storedEntrySchema } from '../../../handlers/ledger/schema';
import type { LedgerStore } from '../../../handlers/ports';
import { PolicyVersionMemory } from '../../../handlers/record/policy-diff';
import { type RecordDeps, recordValidated } from '../../../handlers/record/record';
import { parseRecord } from '../../../rules/cloudtrail/parse';
import { makeContext } from '../../../rules/context';
import {
  EXAMPLE_ACCOUNT,
  EXAMPLE_EXTERNAL_ACCOUNT,
  iamCall,
  policyJson,
  ssoCall,
  trustPolicy,
} from '../../../rules/examples';
import type { CloudTrailRecord, LedgerEntry } from '../../../rules/types';
import { type LogLine, recordingLogger } from '../../support/logs';
import { useSuiteResource } from '../../support/suite';
import { cli, jsonLines } from '../cli/support';
import { startDynaliteLedger } from '../ledger/support/dynalite';
import { entry as storedEntry } from '../ledger/support/entries';

const context = makeContext({ organizationAccountIds: [EXAMPLE_ACCOUNT] });
const ec2Trust = trustPolicy({ Service: 'ec2.amazonaws.com' });
const externalTrust = policyJson([
  { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
  {
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${EXAMPLE_EXTERNAL_ACCOUNT}:root` },
    Action: 'sts:AssumeRole',
  },
]);

function depsOver(store: LedgerStore, logs: LogLine[] = [], memory?: PolicyVersionMemory): RecordDeps {
  return {
    store,
    context,
    clock: { now: () => new Date('2026-11-20T15:00:00.000Z') },
    logger: recordingLogger(logs),
    ...(memory ? { policyVersions: memory } : {}),
  };
}

const createRole = (time: string, document = ec2Trust) =>
  iamCall('CreateRole', {
    request: { roleName: 'deploy', assumeRolePolicyDocument: document },
    response: { role: { roleName: 'deploy', arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/deploy`, path: '/' } },
    eventTime: time,
  });
const updateTrust = (time: string, document: string, roleName = 'deploy') =>
  iamCall('UpdateAssumeRolePolicy', { request: { roleName, policyDocument: document }, eventTime: time });

async function recordAll(deps: RecordDeps, records: CloudTrailRecord[]) {
  const results = [];
  for (const record of records) results.push(await recordValidated(record, 'replay', deps));
  return results;
}

describe('policy diffs on the record path (memory store)', () => {
  it('a trust change is compared with the role’s trust at CreateRole', async () => {
    const store = new MemoryLedgerStore();
    const [created, updated] = await recordAll(depsOver(store), [
      createRole('2026-11-20T10:00:00Z'),
      updateTrust('2026-11-20T11:00:00Z', encodeURIComponent(externalTrust)),
    ]);
    expect(created?.entry.policyDiff).toBeUndefined();
    const diff = updated?.entry.policyDiff;
    expect(diff).toMatchObject({
      status: 'changed',
      kind: 'trust',
      previous: {
        eventId: created?.entry.eventId,
        eventName: 'CreateRole',
        eventTime: '2026-11-20T10:00:00Z',
      },
      principalsAdded: {
        items: [
          `AWS arn:aws:iam::${EXAMPLE_EXTERNAL_ACCOUNT}:root (account ${EXAMPLE_EXTERNAL_ACCOUNT} outside the organization)`,
        ],
        total: 1,
      },
    });
    // The ledger keeps it: `history` and `show` print it.
    expect((await store.get(updated!.entry.eventId))?.policyDiff).toEqual(diff);
  });

  it('says "previous version not in the ledger" when it holds none, and compares with the newest earlier one', async () => {
    const store = new MemoryLedgerStore();
    const deps = depsOver(store);
    const [first, second, third] = await recordAll(deps, [
      updateTrust('2026-11-20T10:00:00Z', ec2Trust),
      updateTrust('2026-11-20T11:00:00Z', externalTrust),
      // Another role of the same account is another policy.
      updateTrust('2026-11-20T12:00:00Z', externalTrust, 'other'),
    ]);
    expect(first?.entry.policyDiff).toEqual({ status: 'no-previous', kind: 'trust' });
    expect(second?.entry.policyDiff?.previous?.eventId).toBe(first?.entry.eventId);
    expect(third?.entry.policyDiff).toEqual({ status: 'no-previous', kind: 'trust' });
    // An event recorded late (older than what the ledger holds) compares with what came before it.
    const late = await recordValidated(updateTrust('2026-11-20T09:00:00Z', externalTrust), 'replay', deps);
    expect(late.entry.policyDiff).toEqual({ status: 'no-previous', kind: 'trust' });
  });

  it('inline policies: the same principal’s other policies are not previous versions', async () => {
    const store = new MemoryLedgerStore();
    const put = (policyName: string, actions: string[], time: string) =>
      iamCall('PutUserPolicy', {
        request: {
          userName: 'bob',
          policyName,
          policyDocument: policyJson([{ Effect: 'Allow', Action: actions, Resource: '*' }]),
        },
        eventTime: time,
      });
    const [first, , third] = await recordAll(depsOver(store), [
      put('read', ['s3:GetObject'], '2026-11-20T10:00:00Z'),
      put('write', ['s3:PutObject'], '2026-11-20T10:30:00Z'),
      put('read', ['s3:GetObject', 'iam:PassRole'], '2026-11-20T11:00:00Z'),
    ]);
    expect(third?.entry.policyDiff).toMatchObject({
      status: 'changed',
      kind: 'inline',
      previous: { eventId: first?.entry.eventId },
      actionsAdded: { items: ['iam:PassRole'], total: 1 },
    });
  });

  it('inline policies: one put again after its deletion is compared with nothing, not with the deleted one', async () => {
    const store = new MemoryLedgerStore();
    const document = policyJson([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
    const [, deleted, again] = await recordAll(depsOver(store), [
      iamCall('PutRolePolicy', {
        request: { roleName: 'app', policyName: 'p', policyDocument: document },
        eventTime: '2026-11-20T10:00:00Z',
      }),
      iamCall('DeleteRolePolicy', {
        request: { roleName: 'app', policyName: 'p' },
        eventTime: '2026-11-20T10:30:00Z',
      }),
      iamCall('PutRolePolicy', {
        request: { roleName: 'app', policyName: 'p', policyDocument: document },
        eventTime: '2026-11-20T11:00:00Z',
      }),
    ]);
    expect(deleted?.entry.policyDiff).toBeUndefined();
    expect(again?.entry.policyDiff).toMatchObject({
      status: 'changed',
      previous: { eventId: deleted?.entry.eventId, eventName: 'DeleteRolePolicy' },
      statementsAdded: { items: ['Allow s3:GetObject on *'], total: 1 },
      actionsAdded: { items: ['s3:GetObject'], total: 1 },
    });
  });

  it('managed policies: CreatePolicyVersion against CreatePolicy; an identical version is unchanged', async () => {
    const store = new MemoryLedgerStore();
    const arn = `arn:aws:iam::${EXAMPLE_ACCOUNT}:policy/deploy`;
    const document = policyJson([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]);
    const [created, version] = await recordAll(depsOver(store), [
      iamCall('CreatePolicy', {
        request: { policyName: 'deploy', policyDocument: document },
        response: { policy: { policyName: 'deploy', arn } },
        eventTime: '2026-11-20T10:00:00Z',
      }),
      iamCall('CreatePolicyVersion', {
        request: { policyArn: arn, policyDocument: document, setAsDefault: true },
        eventTime: '2026-11-20T11:00:00Z',
      }),
    ]);
    expect(version?.entry.policyDiff).toEqual({
      status: 'unchanged',
      kind: 'managed',
      previous: {
        eventId: created?.entry.eventId,
        eventTime: '2026-11-20T10:00:00Z',
        eventName: 'CreatePolicy',
      },
    });
  });

  it('permission sets: instance and permission set identify the policy', async () => {
    const store = new MemoryLedgerStore();
    const request = (inlinePolicy: string) => ({
      instanceArn: 'arn:aws:sso:::instance/ssoins-1111111111111111',
      permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222',
      inlinePolicy,
    });
    const [, second] = await recordAll(depsOver(store), [
      ssoCall('PutInlinePolicyToPermissionSet', {
        request: request(policyJson([{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }])),
        eventTime: '2026-11-20T10:00:00Z',
      }),
      ssoCall('PutInlinePolicyToPermissionSet', {
        request: request(policyJson([{ Effect: 'Allow', Action: '*', Resource: '*' }])),
        eventTime: '2026-11-20T11:00:00Z',
      }),
    ]);
    expect(second?.entry.policyDiff).toMatchObject({
      status: 'changed',
      kind: 'permission-set',
      actionsAdded: { items: ['*'], total: 1 },
      statementsRemoved: { items: ['Allow ec2:Describe* on *'], total: 1 },
    });
    // `*` still allows ec2:Describe*: nothing is less allowed.
    expect(second?.entry.policyDiff?.actionsRemoved).toBeUndefined();
  });

  it('a real trail record (Stratus Red Team backdoor): the new external account against the role’s CreateRole', async () => {
    const sample = parseRecord(
      JSON.parse(
        readFileSync(
          new URL(
            '../../fixtures/rules/cloudtrail/stratus-red-team/UpdateAssumeRolePolicy__1.json',
            import.meta.url,
          ),
          'utf8',
        ),
      ),
    );
    const roleName = sample.requestParameters?.roleName;
    const created = iamCall('CreateRole', {
      request: { roleName, assumeRolePolicyDocument: ec2Trust },
      accountId: sample.recipientAccountId ?? EXAMPLE_ACCOUNT,
      eventTime: '2024-08-01T13:00:00Z',
    });
    const store = new MemoryLedgerStore();
    const [, updated] = await recordAll(depsOver(store), [created, sample]);
    expect(updated?.entry.policyDiff).toMatchObject({
      status: 'changed',
      kind: 'trust',
      previous: { eventId: created.eventID, eventName: 'CreateRole' },
      principalsAdded: {
        items: ['AWS arn:aws:iam::193672423079:root (account 193672423079 outside the organization)'],
        total: 1,
      },
    });
    // ec2 is still trusted: the old statement is kept, nothing removed.
    expect(updated?.entry.policyDiff?.principalsRemoved).toBeUndefined();
    expect(updated?.entry.policyDiff?.statementsRemoved).toBeUndefined();
  });

  it('a malformed previous document gives `unreadable`', async () => {
    const store = new MemoryLedgerStore();
    const [, second] = await recordAll(depsOver(store), [
      updateTrust('2026-11-20T10:00:00Z', '{"Statement": ['),
      updateTrust('2026-11-20T11:00:00Z', ec2Trust),
    ]);
    expect(second?.entry.policyDiff).toMatchObject({ status: 'unreadable', kind: 'trust' });
  });

  it('a failed lookup records the entry with `unavailable` and a warning', async () => {
    const store = new MemoryLedgerStore();
    store.history = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    const logs: LogLine[] = [];
    const result = await recordValidated(
      updateTrust('2026-11-20T11:00:00Z', ec2Trust),
      'live',
      depsOver(store, logs),
    );
    expect(result.outcome).toBe('inserted');
    expect(result.entry.policyDiff).toEqual({ status: 'unavailable', kind: 'trust' });
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'previous policy version lookup failed; recorded without a diff',
    ]);
    expect((await store.get(result.entry.eventId))?.policyDiff?.status).toBe('unavailable');
  });

  it('with the run’s memory, the version before in the input counts even when the ledger does not show it yet', async () => {
    const store = new MemoryLedgerStore();
    // A ledger that has not committed the earlier write yet.
    store.history = async () => [];
    const memory = new PolicyVersionMemory();
    const [created, updated] = await recordAll(depsOver(store, [], memory), [
      createRole('2026-11-20T10:00:00Z'),
      updateTrust('2026-11-20T11:00:00Z', externalTrust),
    ]);
    expect(updated?.entry.policyDiff?.previous?.eventId).toBe(created?.entry.eventId);
    expect(updated?.entry.policyDiff?.status).toBe('changed');
  });

  it('on a ledger that started empty, the run’s memory answers alone and gives the diffs the ledger would', async () => {
    const inputs = [
      createRole('2026-11-20T10:00:00Z'),
      updateTrust('2026-11-20T11:00:00Z', externalTrust),
      // Out of input order: its previous version is the CreateRole, not the later update.
      updateTrust('2026-11-20T10:30:00Z', ec2Trust),
      updateTrust('2026-11-20T12:00:00Z', ec2Trust, 'other'),
    ];
    const asked = new MemoryLedgerStore();
    const answered = await recordAll(depsOver(asked, [], new PolicyVersionMemory()), inputs);
    const alone = new MemoryLedgerStore();
    const lookups: unknown[] = [];
    alone.history = async (filter) => {
      lookups.push(filter);
      return [];
    };
    const fromMemory = await recordAll(
      depsOver(alone, [], new PolicyVersionMemory({ ledgerStartedEmpty: true })),
      inputs,
    );
    expect(lookups).toEqual([]);
    expect(fromMemory.map((r) => r.entry.policyDiff)).toEqual(answered.map((r) => r.entry.policyDiff));
    expect(fromMemory[1]?.entry.policyDiff?.status).toBe('changed');
    expect(fromMemory[3]?.entry.policyDiff?.status).toBe('no-previous');
  });

  it('asks the ledger again once the memory has forgotten a version that could be the previous one', async () => {
    const store = new MemoryLedgerStore();
    const memory = new PolicyVersionMemory({ ledgerStartedEmpty: true, versions: 1 });
    const deps = depsOver(store, [], memory);
    const [created] = await recordAll(deps, [createRole('2026-11-20T10:00:00Z')]);
    // Another role's version pushes the CreateRole out of a memory of one.
    await recordAll(deps, [updateTrust('2026-11-20T10:10:00Z', ec2Trust, 'other')]);
    expect(memory.seen(created!.entry.eventId)).toBe(false);
    const [updated] = await recordAll(deps, [updateTrust('2026-11-20T11:00:00Z', externalTrust)]);
    expect(updated?.entry.policyDiff?.previous?.eventId).toBe(created?.entry.eventId);
  });

  it('entries without policyDiff and entries with one both pass the ledger schema; a bad one does not', () => {
    const entry = storedEntry({
      eventId: 'e-1',
      eventTime: '2026-11-20T10:00:00Z',
      eventName: 'UpdateAssumeRolePolicy',
      actor: { type: 'IAMUser' },
    });
    expect(storedEntrySchema.safeParse(entry).success).toBe(true);
    const diff = { status: 'changed', kind: 'trust', principalsAdded: { items: ['AWS *'], total: 3 } };
    expect(storedEntrySchema.safeParse({ ...entry, policyDiff: diff }).success).toBe(true);
    expect(
      storedEntrySchema.safeParse({ ...entry, policyDiff: { status: 'maybe', kind: 'trust' } }).success,
    ).toBe(false);
  });
});

describe('PolicyVersionMemory', () => {
  const version = (eventId: string, time: string, document = '{}') => ({
    eventId,
    eventTime: time,
    eventName: 'PutUserPolicy',
    order: `${time}#${eventId}`,
    document,
  });

  it('answers with the newest version ordered before the event, whatever order it was fed in', () => {
    const memory = new PolicyVersionMemory();
    memory.remember('p', version('b', '2026-11-20T11:00:00.000Z'));
    memory.remember('p', version('a', '2026-11-20T10:00:00.000Z'));
    memory.remember('q', version('c', '2026-11-20T10:30:00.000Z'));
    expect(memory.previous('p', '2026-11-20T12:00:00.000Z#z')?.eventId).toBe('b');
    expect(memory.previous('p', '2026-11-20T10:59:00.000Z#z')?.eventId).toBe('a');
    expect(memory.previous('p', '2026-11-20T09:00:00.000Z#z')).toBeUndefined();
    expect(memory.seen('c')).toBe(true);
  });

  it('forgets the oldest versions past its bounds, and then lets the ledger answer for them', () => {
    const memory = new PolicyVersionMemory({ versions: 2, chars: 10 });
    memory.remember('p', version('a', '2026-11-20T10:00:00.000Z', 'aaaa'));
    memory.remember('q', version('b', '2026-11-20T11:00:00.000Z', 'bbbb'));
    memory.remember('r', version('c', '2026-11-20T12:00:00.000Z', 'cccc'));
    expect([memory.seen('a'), memory.seen('b'), memory.seen('c')]).toEqual([false, true, true]);
    expect(memory.previous('p', '2026-11-21T00:00:00.000Z#z')).toBeUndefined();
    memory.remember('r', version('d', '2026-11-20T13:00:00.000Z', 'x'.repeat(9)));
    // Over 10 characters: b, then c go.
    expect([memory.seen('b'), memory.seen('c'), memory.seen('d')]).toEqual([false, false, true]);
  });

  it('keeps the newest eight versions of one policy, however many it is fed (a long replay of one role)', () => {
    const memory = new PolicyVersionMemory();
    const hour = (n: number) => new Date(Date.UTC(2026, 10, 20, n)).toISOString();
    for (let n = 0; n < 20; n++) memory.remember('p', version(`v${n}`, hour(n)));
    const seen = Array.from({ length: 20 }, (_, n) => memory.seen(`v${n}`));
    expect(seen).toEqual([...Array(12).fill(false), ...Array(8).fill(true)]);
    expect(memory.previous('p', `${hour(19)}#z`)?.eventId).toBe('v19');
    expect(memory.previous('p', `${hour(12)}#a`)).toBeUndefined();
  });
});

describe('policy diffs on the record path (dynalite)', () => {
  const ledger = useSuiteResource(startDynaliteLedger);

  it('finds the previous version with a Query on the facet index and round-trips the diff', async () => {
    const deps = depsOver(ledger.store);
    const [created] = await recordAll(deps, [createRole('2026-11-20T10:00:00Z')]);
    ledger.commands.length = 0;
    const [updated] = await recordAll(deps, [updateTrust('2026-11-20T11:00:00Z', externalTrust)]);
    expect(ledger.commands).toContain('QueryCommand');
    expect(ledger.commands).not.toContain('ScanCommand');
    const stored = await ledger.store.get(updated!.entry.eventId);
    expect(stored?.policyDiff).toMatchObject({
      status: 'changed',
      previous: { eventId: created?.entry.eventId },
      principalsAdded: { total: 1 },
    });
    const [alone] = await recordAll(deps, [updateTrust('2026-11-20T11:00:00Z', ec2Trust, 'fresh-role')]);
    expect((await ledger.store.get(alone!.entry.eventId))?.policyDiff).toEqual({
      status: 'no-previous',
      kind: 'trust',
    });
  });
});

describe('iamwatch replay (local store, pipelined writes)', () => {
  it('compares each policy change with the version before it in the input', async () => {
    const home = mkdtempSync(join(tmpdir(), 'iamwatch-diff-'));
    try {
      const records = [createRole('2026-11-20T10:00:00Z')];
      for (let i = 1; i <= 5; i++) {
        const account = `${100000000000 + i}`;
        records.push(
          updateTrust(
            `2026-11-20T1${i}:00:00Z`,
            policyJson([{ Effect: 'Allow', Principal: { AWS: account }, Action: 'sts:AssumeRole' }]),
          ),
        );
      }
      writeFileSync(join(home, 'trail.json'), JSON.stringify({ Records: records }));
      const { code, stdout } = await cli(
        [
          'replay',
          '--store',
          'local',
          '--home',
          join(home, 'ledger'),
          '--format',
          'jsonl',
          '--no-alerts',
          join(home, 'trail.json'),
        ],
        { env: { IAMWATCH_READER_THREADS: '0' } },
      );
      expect(code).toBe(0);
      const entries = jsonLines<LedgerEntry>(stdout);
      const updates = entries.filter((e) => e.eventName === 'UpdateAssumeRolePolicy');
      expect(updates).toHaveLength(5);
      updates.forEach((entry, index) => {
        expect(entry.policyDiff?.previous?.eventId).toBe(records[index]!.eventID);
        expect(entry.policyDiff?.principalsAdded?.items[0]).toContain(`AWS ${100000000000 + index + 1}`);
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
