/**
 * `iamwatch <command>`: dispatches to a command and turns errors into exit codes. Never calls
 * process.exit; the bin file wires it to the process.
 *
 * Commands load lazily: this module imports nothing but `io`, so `iamwatch --help` (and a mistyped
 * command) start without the AWS SDK, the ledger or the catalog, and a command loads only its own
 * modules. Adding a command is one line in COMMANDS.
 */
import { printable } from '../shared/printable';
import { type CliIo, EXIT, UsageError } from './io';

/** A command's entry point: `run(argv, io)` returning an exit code. */
type CommandRun = (argv: string[], io: CliIo) => Promise<number>;

interface CommandEntry {
  summary: string;
  load: () => Promise<CommandRun>;
}

const COMMANDS: Record<string, CommandEntry> = {
  replay: {
    summary: 'replay CloudTrail files through the pipeline (no path: bundled demo)',
    load: async () => (await import('./replay')).replayCommand,
  },
  history: {
    summary: 'query the ledger: who did what, to whom, from where',
    load: async () => (await import('./history')).historyCommand,
  },
  rules: {
    summary: 'list the detection catalog or the derived EventBridge patterns',
    load: async () => (await import('./rules')).rulesCommand,
  },
  backfill: {
    summary: 'read the last 90 days from CloudTrail event history into the ledger (resumable)',
    load: async () => (await import('./backfill')).backfillCommand,
  },
  doctor: {
    summary: 'check that the pipeline still sees every account (ledger, trail)',
    load: async () => (await import('./doctor')).doctorCommand,
  },
  inventory: {
    summary: 'IAM users across the organization, with who created them',
    load: async () => (await import('./inventory')).inventoryCommand,
  },
  suppress: {
    summary: 'silence known alerts for a while: add, list, remove (recorded)',
    load: async () => (await import('./suppress')).suppressCommand,
  },
  show: {
    summary: 'one ledger entry with its delivery state and raw CloudTrail record',
    load: async () => (await import('./show')).showCommand,
  },
  resend: {
    summary: 'send the alerts that failed while a Slack route had no webhook URL yet',
    load: async () => (await import('./resend')).resendCommand,
  },
  audit: {
    summary: 'IAM hygiene findings per account, with whom to contact; new/fixed since last run',
    load: async () => (await import('./audit')).auditCommand,
  },
  digest: {
    summary: 'per account: changes by detection and severity, new principals, top actors (last 24h)',
    load: async () => (await import('./digest')).digestCommand,
  },
};

const USAGE = `Usage: iamwatch <command> [options]

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
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr.write(`iamwatch: unknown command "${printable(name)}"\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    const runCommand = await command.load();
    return await runCommand(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(
        `iamwatch ${name}: ${printable(error.message)}\nRun "iamwatch ${name} --help" for usage.\n`,
      );
      return EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    // Messages can quote input (a file name, a field): printed escaped, never raw.
    io.stderr.write(`iamwatch ${printable(name)}: ${printable(message + cause)}\n`);
    return EXIT.failure;
  }
}
