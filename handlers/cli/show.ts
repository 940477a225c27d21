/** `iamwatch show EVENTID`: one ledger entry with its delivery state and the raw CloudTrail record. */
import { parse, printHelp } from './args';
import { toContract, withSuppressedBy } from './entries';
import { type CliIo, EXIT, UsageError } from './io';
import { storeKindOf, storeOptions, withStore } from './store';

const HELP = `Usage: iamwatch show EVENTID [--store local|memory|dynamodb] [--table NAME] [--home DIR]

Prints one ledger entry as JSON: the entry (with "suppressedBy" when a suppression silenced it), its
delivery state per channel, and the raw CloudTrail record as recorded. The command an alert's footer names.
`;

export async function showCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, storeOptions);
  if (values.help) return printHelp(HELP, io);
  const [eventId, ...extra] = positionals;
  if (!eventId) throw new UsageError('which event? (show EVENTID)');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const kind = storeKindOf(values);
  return withStore(kind, values, io, async (store) => {
    const entry = await store.get(eventId);
    if (!entry) {
      io.stderr.write(`iamwatch show: no entry ${eventId} in the ledger\n`);
      return EXIT.failure;
    }
    const raw = await store.getRaw(eventId);
    const shown = {
      entry: withSuppressedBy(toContract(entry), entry),
      origin: entry.origin,
      recordedAt: entry.recordedAt,
      delivery: entry.delivery ?? {},
      raw: raw ?? null,
    };
    io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
    return EXIT.ok;
  });
}
