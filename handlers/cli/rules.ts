/** `iamwatch rules`: the detection catalog, or the EventBridge patterns derived from it. */
import { examplesOf } from '../../rules/catalog-examples';
import { DEFAULT_CONTEXT } from '../../rules/context';
import { derivePatterns } from '../../rules/eventbridge/derive';
import { RequestPolicies } from '../../rules/policy/document';
import { CATALOG } from '../../rules/registry';
import type { Detection, NormalisedEvent, Trigger } from '../../rules/types';
import { formatOption, parse, printHelp } from './args';
import { coverageCommand } from './coverage';
import { flags } from './flags';
import { type CliIo, EXIT } from './io';
import { renderTable } from './table';

const HELP = `Usage: iamwatch rules [--format table|json] [--patterns | --coverage [--config FILE]]

  --format table|json  catalog as a table (default) or a JSON array
  --patterns           print the derived EventBridge patterns, exactly as deployed, as a JSON array
  --coverage           detection × where AWS emits its events × the deployed rules (region, name, state)
                       that deliver them; exits 1 when some region is not covered (as cdk synth fails)
  --config FILE        deployment configuration for --coverage (default: ./iamwatch.config.json, else
                       the defaults: every default region, Identity Center assumed in us-east-1)
`;

export async function rulesCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parse(argv, {
    ...flags('format', 'config'),
    patterns: { type: 'boolean' },
    coverage: { type: 'boolean' },
  });
  if (values.help) return printHelp(HELP, io);
  const format = formatOption(values.format, ['table', 'json']);
  if (values.coverage) return coverageCommand({ config: values.config, format }, io);
  if (values.patterns) {
    io.stdout.write(`${JSON.stringify(derivePatterns(CATALOG), null, 2)}\n`);
    return EXIT.ok;
  }
  if (format === 'json') {
    io.stdout.write(`${JSON.stringify(CATALOG.map(describeDetection), null, 2)}\n`);
    return EXIT.ok;
  }
  const rows = CATALOG.map((d) => [
    d.id,
    d.severities.join('/'),
    triggerSummary(d.trigger),
    firstSentence(d.description),
  ]);
  io.stdout.write(renderTable(['ID', 'SEVERITY', 'TRIGGER', 'DESCRIPTION'], rows, { maxWidth: 70 }));
  io.stdout.write(`\n${CATALOG.length} detections\n`);
  return EXIT.ok;
}

/** The catalog entry as published by `--format json`: metadata, never the functions. */
export function describeDetection(d: Detection) {
  return {
    id: d.id,
    status: d.status,
    severity: d.severity,
    severities: d.severities,
    title: titleTemplate(d),
    description: d.description,
    runbook: d.runbook,
    references: d.references,
    mitre: d.mitre,
    falsePositives: d.falsePositives,
    // A single trigger is published as written, not as a one-item list.
    trigger: d.trigger.length === 1 ? d.trigger[0] : d.trigger,
    fallback: d.fallback ?? false,
  };
}

/** The title function rendered with placeholder names, so the listing shows its shape. */
function titleTemplate(d: Detection): string {
  const example = examplesOf(d).find((e) => e.expect);
  try {
    const placeholder = {
      actor: { type: 'IAMUser', name: '<actor>' },
      target: { type: 'user', name: '<target>' },
      eventName: '<event>',
      accountId: '<account>',
      region: '<region>',
      request: {},
      response: {},
      additionalEventData: {},
      result: 'success',
      automation: false,
      readOnly: false,
      eventId: '',
      eventTime: '',
      eventSource: '',
      record: example?.event ?? { eventID: '', eventName: '', eventTime: '', eventSource: '' },
      policies: new RequestPolicies({}),
    } as unknown as NormalisedEvent;
    return d.title(placeholder, DEFAULT_CONTEXT);
  } catch {
    return d.id;
  }
}

function triggerSummary(triggers: readonly Trigger[]): string {
  return triggers
    .map((t) => {
      const source = t.sources?.join(',') ?? 'any source';
      const names = [...(t.eventNames ?? []), ...(t.eventNamePrefixes ?? []).map((p) => `${p}*`)];
      const who = t.userIdentityTypes ? ` by ${t.userIdentityTypes.join(',')}` : '';
      return `${source}: ${names.length > 3 ? `${names.slice(0, 3).join(',')} +${names.length - 3}` : names.join(',') || '*'}${who}`;
    })
    .join('; ');
}

function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end > 0 ? text.slice(0, end + 1) : text;
}
