/**
 * `iamwatch audit`: the hygiene findings of every account read (unused users and keys, old keys,
 * console users without MFA, the root user, direct and admin policies, the password policy, long role
 * sessions, unused roles, open trust), each with whom to contact from the ledger, and what is new,
 * fixed and still open since the previous audit kept in the ledger.
 */
import { DEFAULT_AUDIT_OPTIONS } from '../../rules/audit/findings';
import { byUrgency, contactLabel, findingsCsv, summaryLine } from '../audit/report';
import { runAudit } from '../audit/run';
import { formatOption, noPositionals, parse, positiveInteger, printHelp } from './args';
import {
  emit,
  readSource,
  reportProblems,
  SOURCE_HELP,
  SOURCE_OPTIONS,
  type SourceDeps,
  sourceCommand,
} from './audit-sources';
import { loadDetectionContext } from './context';
import { accountCell, csvCell } from './entries';
import { flags } from './flags';
import { type CliIo, EXIT } from './io';
import { STORE_HELP, storeKindOf, storeOptions, withStore } from './store';
import { renderTable } from './table';

const HELP = `Usage: iamwatch audit (--accounts ID,… | --org | --aggregator NAME) [--role-name NAME] [options]

Hygiene findings per account, each with severity, resource, evidence and whom to contact (the creator
and last actor the ledger knows): users unused for --stale days, access keys older than --key-age days
or never used, console users without MFA, root access keys or root without MFA, policies attached
straight to users, admin users, a password policy missing or below CIS (length >= 14, reuse >= 24),
roles allowing sessions over --max-session, roles unused for --stale days, and trust open to anyone or
to accounts outside the organization. Each run is kept in the ledger, so the next says what is new,
fixed and still open. Exit code 1 when an account could not be read.

${SOURCE_HELP}
  --stale DAYS             unused after this many days (default ${DEFAULT_AUDIT_OPTIONS.staleDays})
  --key-age DAYS           access keys older than this (default ${DEFAULT_AUDIT_OPTIONS.keyAgeDays})
  --max-session HOURS      longest acceptable role session (default ${DEFAULT_AUDIT_OPTIONS.maxSessionSeconds / 3600})
  --dry-run                do not keep this run in the ledger
  --format table|json|csv  readable table (default), JSON report, or CSV of findings
  --config FILE            detection context JSON (organization accounts, trusted accounts, names)
${STORE_HELP}`;

export const createAuditCommand = sourceCommand(audit);

export const auditCommand = createAuditCommand();

async function audit(argv: string[], io: CliIo, deps: SourceDeps): Promise<number> {
  const { values, positionals } = parse(argv, {
    stale: { type: 'string' },
    'key-age': { type: 'string' },
    'max-session': { type: 'string' },
    ...flags('dry-run', 'format', 'config'),
    ...SOURCE_OPTIONS,
    ...storeOptions,
  });
  if (values.help) return printHelp(HELP, io);
  noPositionals(positionals);
  const format = formatOption(values.format, ['table', 'json', 'csv']);
  const staleDays = positiveInteger(values.stale, '--stale') ?? DEFAULT_AUDIT_OPTIONS.staleDays;
  const keyAgeDays = positiveInteger(values['key-age'], '--key-age') ?? DEFAULT_AUDIT_OPTIONS.keyAgeDays;
  const maxSessionHours = positiveInteger(values['max-session'], '--max-session');
  const kind = storeKindOf(values);
  const context = await loadDetectionContext(values.config, io);
  const read = await readSource(values, io, deps, { roles: true, accountNames: context.accountNames });
  const report = await withStore(kind, values, io, (store) =>
    runAudit(read, store, {
      now: deps.now(),
      staleDays,
      keyAgeDays,
      maxSessionSeconds: maxSessionHours ? maxSessionHours * 3600 : DEFAULT_AUDIT_OPTIONS.maxSessionSeconds,
      context,
      save: values['dry-run'] !== true,
    }),
  );
  reportProblems(read, io);
  let text: string;
  if (format === 'json') text = `${JSON.stringify(report, null, 2)}\n`;
  else if (format === 'csv') text = findingsCsv(report, csvCell);
  else {
    const rows = [...report.findings]
      .sort(byUrgency)
      .map((finding) => [
        finding.severity.toUpperCase(),
        accountCell(finding),
        finding.title,
        finding.evidence,
        contactLabel(finding),
        finding.status,
      ]);
    text = renderTable(['SEVERITY', 'ACCOUNT', 'FINDING', 'EVIDENCE', 'CONTACT', 'STATUS'], rows, {
      maxWidth: 64,
    });
    if (report.fixed.length > 0) {
      text += `\nFixed since ${report.previousRunAt?.slice(0, 10)}:\n${report.fixed
        .map((finding) => `  ${finding.severity.toUpperCase()}  ${finding.accountId}  ${finding.title}`)
        .join('\n')}\n`;
    }
  }
  await emit(text, values.output, io);
  io.stderr.write(`${summaryLine(report)}\n`);
  return read.failures.length > 0 ? EXIT.failure : EXIT.ok;
}
