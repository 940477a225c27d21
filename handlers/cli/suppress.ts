/**
 * `iamwatch suppress add|list|remove`: suppressions as data in the ledger table. Creating, removing
 * and expiring one is recorded there too (who, when, why); `suppress list --log` prints that trail.
 */
import { userInfo } from 'node:os';
import type { Suppression } from '../ports';
import { DEFAULT_SUPPRESSION_MAX_DAYS, newSuppression, SuppressionInvalidError } from '../suppress/create';
import { sweepExpired } from '../suppress/suppression';
import { formatOption, parse, positiveInteger, printHelp } from './args';
import { flags } from './flags';
import { type CliIo, EXIT, UsageError } from './io';
import { STORE_HELP, storeKindOf, storeOptions, withStore } from './store';
import { renderTable } from './table';

const HELP = `Usage: iamwatch suppress add --detection ID --reason TEXT --until ISO|7d [filters] [--owner NAME]
       iamwatch suppress list [--format table|json] [--log]
       iamwatch suppress remove ID --reason TEXT

Suppressions silence matching alerts on every channel; the entries are still recorded and carry
"suppressedBy" in "iamwatch history --format json". Applied when alerts are sent, never when recording.

  --detection ID        the detection to silence (see "iamwatch rules")
  --actor ARN|NAME      only this actor (ARN, role ARN of its sessions, or name)
  --target NAME|ARN     only this target
  --account ID          only this account
  --reason TEXT         why (required; recorded)
  --until ISO|DURATION  when it ends: 2026-12-31, 2026-12-31T18:00Z, 12h, 7d (at most --max-days ahead)
  --owner NAME          who answers for it (default: you)
  --allow-critical      required to silence a detection that can fire at critical
  --max-days N          longest lifetime allowed (default $IAMWATCH_SUPPRESSION_MAX_DAYS or ${DEFAULT_SUPPRESSION_MAX_DAYS})
  --log                 list: print the audit trail (created, removed, expired) instead
${STORE_HELP}`;

export async function suppressCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...flags('detection', 'actor', 'target', 'account', 'until', 'format'),
    reason: { type: 'string' },
    owner: { type: 'string' },
    'allow-critical': { type: 'boolean' },
    'max-days': { type: 'string' },
    log: { type: 'boolean' },
    ...storeOptions,
  });
  if (values.help) return printHelp(HELP, io);
  const [action, ...rest] = positionals;
  if (action !== 'add' && action !== 'list' && action !== 'remove') {
    throw new UsageError(
      action ? `unknown action "${action}" (add, list or remove)` : 'add, list or remove?',
    );
  }
  const kind = storeKindOf(values);
  const who = io.env.IAMWATCH_USER ?? io.env.USER ?? safeUserName();
  const now = new Date();
  if (action === 'add') {
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    if (!values.detection) throw new UsageError('--detection is required');
    if (!values.reason) throw new UsageError('--reason is required');
    if (!values.until) throw new UsageError('--until is required');
    const maxDays =
      positiveInteger(values['max-days'] ?? io.env.IAMWATCH_SUPPRESSION_MAX_DAYS, '--max-days') ??
      DEFAULT_SUPPRESSION_MAX_DAYS;
    let suppression: Suppression;
    try {
      suppression = newSuppression(
        {
          detection: values.detection,
          reason: values.reason,
          until: values.until,
          createdBy: who,
          ...(values.actor ? { actor: values.actor } : {}),
          ...(values.target ? { target: values.target } : {}),
          ...(values.account ? { account: values.account } : {}),
          ...(values.owner ? { owner: values.owner } : {}),
          ...(values['allow-critical'] ? { allowCritical: true } : {}),
        },
        now,
        maxDays,
      );
    } catch (error) {
      if (error instanceof SuppressionInvalidError) throw new UsageError(error.message);
      throw error;
    }
    await withStore(kind, values, io, async (store) => {
      await store.putSuppression(suppression);
      await store.appendSuppressionEvent({
        at: suppression.createdAt,
        action: 'created',
        by: who,
        suppression,
        reason: suppression.reason,
      });
    });
    io.stdout.write(`${suppression.id}\n`);
    io.stderr.write(`suppressed ${describe(suppression)} until ${suppression.until}\n`);
    return EXIT.ok;
  }
  if (action === 'remove') {
    const [id, ...extra] = rest;
    if (!id) throw new UsageError('which suppression? (suppress remove ID)');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (!values.reason) throw new UsageError('--reason is required (it is recorded)');
    return withStore(kind, values, io, async (store) => {
      const removed = await store.deleteSuppression(id);
      if (!removed) {
        io.stderr.write(`iamwatch suppress: no suppression ${id}\n`);
        return EXIT.failure;
      }
      await store.appendSuppressionEvent({
        at: now.toISOString(),
        action: 'removed',
        by: who,
        suppression: removed,
        reason: values.reason,
      });
      io.stderr.write(`removed ${id} (${describe(removed)})\n`);
      return EXIT.ok;
    });
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  const format = formatOption(values.format, ['table', 'json']);
  return withStore(kind, values, io, async (store) => {
    if (values.log) {
      const events = await store.suppressionEvents();
      if (format === 'json') io.stdout.write(`${JSON.stringify(events, null, 2)}\n`);
      else {
        const rows = events.map((e) => [
          e.at,
          e.action,
          e.suppression.id,
          e.by,
          e.reason ?? '',
          describe(e.suppression),
        ]);
        io.stdout.write(renderTable(['AT', 'ACTION', 'ID', 'BY', 'WHY', 'WHAT'], rows, { maxWidth: 48 }));
      }
      return EXIT.ok;
    }
    const active = await sweepExpired(store, await store.listSuppressions(), now);
    if (format === 'json') io.stdout.write(`${JSON.stringify(active, null, 2)}\n`);
    else {
      const rows = active.map((s) => [
        s.id,
        s.detection,
        s.actor ?? '*',
        s.target ?? '*',
        s.account ?? '*',
        s.until,
        s.owner,
        s.reason,
      ]);
      io.stdout.write(
        renderTable(['ID', 'DETECTION', 'ACTOR', 'TARGET', 'ACCOUNT', 'UNTIL', 'OWNER', 'REASON'], rows, {
          maxWidth: 48,
        }),
      );
    }
    return EXIT.ok;
  });
}

function describe(s: Suppression): string {
  const parts = [s.detection];
  if (s.actor) parts.push(`actor ${s.actor}`);
  if (s.target) parts.push(`target ${s.target}`);
  if (s.account) parts.push(`account ${s.account}`);
  return parts.join(', ');
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
