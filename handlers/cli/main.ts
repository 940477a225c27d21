/**
 * `iamwatch <command>`: dispatches to a command and turns errors into exit codes. Never calls
 * process.exit; the bin file wires it to the process.
 */
import { auditCommand } from './audit';
import { backfillCommand } from './backfill';
import { doctorCommand } from './doctor';
import { historyCommand } from './history';
import { inventoryCommand } from './inventory';
import { type CliIo, EXIT, UsageError } from './io';
import { replayCommand } from './replay';
import { rulesCommand } from './rules';

const COMMANDS: Record<string, { summary: string; run: (argv: string[], io: CliIo) => Promise<number> }> = {
  replay: {
    summary: 'replay CloudTrail files through the pipeline (no path: bundled demo)',
    run: replayCommand,
  },
  history: { summary: 'query the ledger: who did what, to whom, from where', run: historyCommand },
  rules: { summary: 'list the detection catalog or the derived EventBridge patterns', run: rulesCommand },
  backfill: {
    summary: 'read the last 90 days from CloudTrail event history into the ledger (resumable)',
    run: backfillCommand,
  },
  doctor: { summary: 'check that the pipeline still sees every account (ledger, trail)', run: doctorCommand },
  inventory: { summary: 'IAM users across the organization, with who created them', run: inventoryCommand },
  audit: {
    summary: 'IAM hygiene findings per account, with whom to contact; new/fixed since last run',
    run: auditCommand,
  },
};

export const USAGE = `Usage: iamwatch <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join('\n')}

Run "iamwatch <command> --help" for a command's options.
Exit codes: 0 ok, 1 failure, 2 usage error, 3 finished but some input records were invalid.
`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE);
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`iamwatch: unknown command "${name}"\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`iamwatch ${name}: ${error.message}\nRun "iamwatch ${name} --help" for usage.\n`);
      return EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    io.stderr.write(`iamwatch ${name}: ${message}${cause}\n`);
    return EXIT.failure;
  }
}
