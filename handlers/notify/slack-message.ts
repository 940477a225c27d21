/**
 * The Slack alert for a ledger entry, as Block Kit for an incoming webhook: severity and headline
 * first, then everything a responder needs to act without opening the console, then a link to the
 * event in CloudTrail.
 *
 * Every attacker-controllable value goes through `escape.ts` (inline code for values, fenced
 * formatting characters for titles), and every text object is cut to Slack's limits with a visible
 * marker, so a hostile or huge field can neither inject markup nor make Slack reject the alert.
 * mrkdwn objects are sent with `verbatim: true` so Slack does not auto-link URLs or `#channel` names
 * found inside values.
 */
import { actorLabel } from '../../rules/detections/define';
import type { LedgerEntry, Severity } from '../../rules/types';
import type { FoldedBurst } from '../ports';
import { burstHistoryCommand, burstSeverity, burstSummary, foldedLine } from './burst';
import {
  accountLabel,
  actorDisplayName,
  actorNameLabel,
  headerSentence,
  headline,
  mfaLabel,
  policyChange,
  sessionIssuer,
  severityLabel,
  yesNo,
} from './describe';
import { escapeMrkdwn, mrkdwnCode, mrkdwnText, plainText, singleLine } from './escape';
import { cloudTrailEventUrl } from './links';

/**
 * Slack's documented limits, plus `totalText`: Slack rejects messages whose blocks hold roughly 13 000
 * characters in all (`msg_blocks_too_long`) although every single block is within its own limit.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  headerText: 150,
  buttonText: 75,
  messageText: 40_000,
  totalText: 12_000,
} as const;

/** Per-value caps, chosen so a message whose every field is huge still stays under `totalText`. */
const MAX = {
  name: 300,
  arn: 500,
  userAgent: 800,
  title: 300,
  detections: 1500,
  fallback: 1000,
  policyItem: 260,
} as const;

interface PlainTextObject {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

interface MrkdwnObject {
  type: 'mrkdwn';
  text: string;
  verbatim: true;
}

export type SlackBlock =
  | { type: 'header'; text: PlainTextObject }
  | { type: 'section'; text: MrkdwnObject }
  | { type: 'section'; fields: MrkdwnObject[] }
  | { type: 'context'; elements: MrkdwnObject[] }
  | {
      type: 'actions';
      elements: { type: 'button'; text: PlainTextObject; url: string; action_id: string }[];
    };

/** The JSON body posted to the webhook. */
export interface SlackMessage {
  /** Notification and accessibility fallback; mrkdwn-escaped like the blocks. */
  text: string;
  blocks: SlackBlock[];
  unfurl_links: false;
  unfurl_media: false;
}

const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':rotating_light:',
  high: ':red_circle:',
  medium: ':large_orange_circle:',
  low: ':large_yellow_circle:',
  info: ':information_source:',
};

/** Builds the Slack alert. Never throws on long or hostile values: they are escaped and cut. */
export function buildSlackMessage(entry: LedgerEntry): SlackMessage {
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: plainText(`${SEVERITY_EMOJI[entry.severity]} ${headerOf(entry)}`, SLACK_LIMITS.headerText),
        emoji: true,
      },
    },
    section(detectionsText(entry)),
    { type: 'section', fields: summaryFields(entry).map(mrkdwn) },
  ];
  const change = policyChangeLines(entry);
  if (change.length > 0) blocks.push(section(lines('Policy change', change)));
  blocks.push(section(lines('Actor', actorLines(entry))));
  const target = targetLines(entry);
  if (target.length > 0) blocks.push(section(lines('Target', target)));
  blocks.push(section(lines('Origin', originLines(entry))));
  const url = cloudTrailEventUrl(entry.region, entry.eventId);
  if (url) {
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Open in CloudTrail' },
          url,
          action_id: 'iamwatch-open-cloudtrail',
        },
      ],
    });
  }
  blocks.push({ type: 'context', elements: [mrkdwn(footer(entry, url))] });
  return {
    text: fallbackText(entry),
    blocks: fitTotal(blocks),
    unfurl_links: false,
    unfurl_media: false,
  };
}

/** The header sentence, measured as Slack will count it once escaped, so it is never cut with a marker. */
function headerOf(entry: LedgerEntry): string {
  const room = SLACK_LIMITS.headerText - SEVERITY_EMOJI[entry.severity].length - 1;
  return headerSentence(entry, room, (text) => escapeMrkdwn(singleLine(text)).length);
}

function mrkdwn(text: string): MrkdwnObject {
  return { type: 'mrkdwn', text, verbatim: true };
}

function section(text: string): SlackBlock {
  return { type: 'section', text: mrkdwn(text) };
}

/** A titled list of "Label: value" lines; whole lines are dropped (never cut mid-markup) past the limit. */
function lines(title: string, rows: string[]): string {
  const out = [`*${title}*`];
  let length = out[0]!.length;
  for (const [index, row] of rows.entries()) {
    const note = `\n…[${rows.length - index} more lines truncated]`;
    if (length + 1 + row.length + note.length > SLACK_LIMITS.sectionText) {
      out.push(note.slice(1));
      break;
    }
    out.push(row);
    length += 1 + row.length;
  }
  return out.join('\n');
}

function detectionsText(entry: LedgerEntry): string {
  if (entry.detections.length === 0) return '*Detections*\nnone: recorded as IAM activity';
  const rows = entry.detections.map(
    (hit) =>
      `• ${SEVERITY_EMOJI[hit.severity]} *${severityLabel(hit.severity)}* ${mrkdwnCode(hit.id, 100)} ${mrkdwnText(hit.title, MAX.title)}`,
  );
  const out = ['*Detections*'];
  let length = out[0]!.length;
  for (const [index, row] of rows.entries()) {
    const note = `…and ${rows.length - index} more`;
    if (length + 1 + row.length + 1 + note.length > MAX.detections) {
      out.push(note);
      break;
    }
    out.push(row);
    length += 1 + row.length;
  }
  return out.join('\n');
}

function summaryFields(entry: LedgerEntry): string[] {
  const { actor, target } = entry;
  const field = (label: string, value: string) => `*${label}*\n${value}`;
  const result =
    entry.result === 'success'
      ? ':white_check_mark: success'
      : `:x: failure ${mrkdwnCode(entry.errorCode ?? 'unknown error', MAX.name)}`;
  const mfa = mfaLabel(actor.mfa);
  const ip = entry.sourceIp
    ? `${mrkdwnCode(entry.sourceIp, MAX.name)}${entry.sourceIpKind ? ` ${mrkdwnText(entry.sourceIpKind, 20)}` : ''}`
    : 'unknown';
  const fields = [
    field('Actor', `${mrkdwnCode(actorDisplayName(actor), MAX.name)} ${mrkdwnText(actor.type, 60)}`),
    field(
      'Target',
      target
        ? `${mrkdwnCode(target.name ?? target.arn ?? '(unnamed)', MAX.name)} ${mrkdwnText(target.type, 40)}`
        : 'none',
    ),
    field(
      'Account',
      entry.accountName
        ? `${mrkdwnCode(entry.accountName, MAX.name)} ${mrkdwnCode(entry.accountId, 40)}`
        : mrkdwnCode(entry.accountId, 40),
    ),
    field('Region', mrkdwnCode(entry.region, 40)),
    field('Source IP', ip),
    field('Via', entry.via ? mrkdwnText(entry.via, 40) : 'unknown'),
    field('Result', result),
    field('MFA', mfa === 'no' ? ':warning: no' : mfa),
    field('Time', mrkdwnCode(entry.eventTime, 60)),
    field('Automation', yesNo(entry.automation)),
  ];
  return fields.slice(0, SLACK_LIMITS.fieldsPerSection);
}

function actorLines(entry: LedgerEntry): string[] {
  const { actor } = entry;
  const rows = [`Type: ${mrkdwnCode(actor.type, 60)}`];
  if (actor.name) rows.push(`${actorNameLabel(actor)}: ${mrkdwnCode(actor.name, MAX.name)}`);
  const issuer = sessionIssuer(actor);
  if (issuer) {
    const set = issuer.permissionSet ? ` (permission set ${mrkdwnCode(issuer.permissionSet, MAX.name)})` : '';
    rows.push(`Role: ${mrkdwnCode(issuer.roleName, MAX.name)}${set}`);
  }
  if (actor.arn) rows.push(`ARN: ${mrkdwnCode(actor.arn, MAX.arn)}`);
  if (actor.sessionIssuerArn) rows.push(`Role ARN: ${mrkdwnCode(actor.sessionIssuerArn, MAX.arn)}`);
  rows.push(`MFA: ${mfaLabel(actor.mfa)}`);
  if (actor.sourceIdentity) rows.push(`Source identity: ${mrkdwnCode(actor.sourceIdentity, MAX.name)}`);
  if (actor.accessKeyId) rows.push(`Access key: ${mrkdwnCode(actor.accessKeyId, 60)}`);
  if (actor.invokedBy) rows.push(`Invoked by: ${mrkdwnCode(actor.invokedBy, MAX.name)}`);
  return rows;
}

function targetLines(entry: LedgerEntry): string[] {
  const rows: string[] = [];
  const { target } = entry;
  if (target) {
    rows.push(`Type: ${mrkdwnText(target.type, 40)}`);
    if (target.name) rows.push(`Name: ${mrkdwnCode(target.name, MAX.name)}`);
    if (target.arn) rows.push(`ARN: ${mrkdwnCode(target.arn, MAX.arn)}`);
    if (target.accountId) rows.push(`Account: ${mrkdwnCode(target.accountId, 40)}`);
  }
  if (entry.policyArn) rows.push(`Policy ARN: ${mrkdwnCode(entry.policyArn, MAX.arn)}`);
  return rows;
}

/**
 * The policy diff: a summary line, then each group's items as inline code (policy text is the
 * caller's), with "…and N more" where the entry counted more than it lists. `lines` keeps the
 * section under Slack's limit by dropping whole lines.
 */
function policyChangeLines(entry: LedgerEntry): string[] {
  const change = policyChange(entry);
  if (!change) return [];
  const rows = [mrkdwnText(change.summary, MAX.title)];
  for (const group of change.groups) {
    rows.push(`_${group.label}_`);
    for (const item of group.items) rows.push(`• ${mrkdwnCode(item, MAX.policyItem)}`);
    if (group.more > 0)
      rows.push(
        `• …and ${group.more} more (full documents: ${mrkdwnCode(`iamwatch show ${entry.eventId}`, 160)})`,
      );
  }
  return rows;
}

function originLines(entry: LedgerEntry): string[] {
  const rows: string[] = [];
  if (entry.sourceIp) {
    const kind = entry.sourceIpKind ? ` (${mrkdwnText(entry.sourceIpKind, 20)})` : '';
    rows.push(`Source IP: ${mrkdwnCode(entry.sourceIp, MAX.name)}${kind}`);
  }
  if (entry.vpcEndpointId) rows.push(`VPC endpoint: ${mrkdwnCode(entry.vpcEndpointId, MAX.name)}`);
  if (entry.via) rows.push(`Via: ${mrkdwnText(entry.via, 40)}`);
  if (entry.userAgent) rows.push(`User agent: ${mrkdwnCode(entry.userAgent, MAX.userAgent)}`);
  if (entry.result === 'failure')
    rows.push(`Error code: ${mrkdwnCode(entry.errorCode ?? 'unknown', MAX.name)}`);
  if (rows.length === 0) rows.push('no source recorded');
  return rows;
}

function footer(entry: LedgerEntry, url: string | undefined): string {
  const parts = [
    `Event ID ${mrkdwnCode(entry.eventId, 120)}`,
    `${mrkdwnCode(entry.eventSource, 80)} ${mrkdwnCode(entry.eventName, 120)}`,
    `account ${mrkdwnText(accountLabel(entry), MAX.name)}`,
  ];
  if (entry.automation) parts.push(':robot_face: automation');
  parts.push(`full record: ${mrkdwnCode(`iamwatch show ${entry.eventId}`, 160)}`);
  // The URL is built by links.ts from a validated region and an encoded id: it cannot hold `|` or `>`.
  if (url) parts.push(`<${url}|CloudTrail event history>`);
  return parts.join(' · ');
}

function fallbackText(entry: LedgerEntry): string {
  const who = actorLabel(entry.actor);
  const where = entry.accountName ? `${entry.accountName} ${entry.accountId}` : entry.accountId;
  const text = `[${severityLabel(entry.severity)}] ${headline(entry)} (${entry.eventName} by ${who} in ${where}, ${entry.region})`;
  return mrkdwnText(text, MAX.fallback);
}

function blockText(block: SlackBlock): number {
  switch (block.type) {
    case 'header':
      return block.text.text.length;
    case 'section':
      return 'text' in block ? block.text.text.length : block.fields.reduce((n, f) => n + f.text.length, 0);
    case 'context':
      return block.elements.reduce((n, e) => n + e.text.length, 0);
    case 'actions':
      return block.elements.reduce((n, e) => n + e.text.text.length + e.url.length, 0);
  }
}

/**
 * Safety net under the per-value caps: while the blocks together exceed Slack's total, the longest
 * detail section is replaced by a note (the ledger holds every value in full).
 */
function fitTotal(blocks: SlackBlock[]): SlackBlock[] {
  const fitted = blocks.slice(0, SLACK_LIMITS.blocks);
  const total = () => fitted.reduce((n, block) => n + blockText(block), 0);
  while (total() > SLACK_LIMITS.totalText) {
    let longest = -1;
    for (const [index, block] of fitted.entries()) {
      if (block.type !== 'section' || !('text' in block) || block.text.text.startsWith('_Details')) continue;
      if (longest < 0 || blockText(block) > blockText(fitted[longest]!)) longest = index;
    }
    if (longest < 0) break;
    fitted[longest] = section('_Details omitted to fit Slack limits; see the ledger entry._');
  }
  return fitted;
}

/**
 * The follow-up of a folded burst: one line per folded alert (severity, event, target, event id),
 * in sections that stay under Slack's limits, and the history command that lists them all.
 */
export function buildSlackBurstMessage(burst: FoldedBurst): SlackMessage {
  const severity = burstSeverity(burst);
  const summary = burstSummary(burst);
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: plainText(`${SEVERITY_EMOJI[severity]} ${summary}`, SLACK_LIMITS.headerText),
        emoji: true,
      },
    },
  ];
  // Whole lines only, in sections under the section limit, and all of them under Slack's total.
  const listBudget = SLACK_LIMITS.totalText - 2000;
  let current: string[] = [];
  let sectionLength = 0;
  let total = 0;
  let listed = 0;
  for (const alert of burst.alerts) {
    const line = `• ${mrkdwnText(foldedLine(alert), 300)}`;
    if (total + line.length + 1 > listBudget) break;
    if (sectionLength + line.length + 1 > SLACK_LIMITS.sectionText - 100) {
      blocks.push(section(current.join('\n')));
      current = [];
      sectionLength = 0;
    }
    current.push(line);
    sectionLength += line.length + 1;
    total += line.length + 1;
    listed++;
  }
  if (current.length > 0) blocks.push(section(current.join('\n')));
  if (listed < burst.total) blocks.push(section(`…and ${burst.total - listed} more not listed here.`));
  blocks.push({
    type: 'context',
    elements: [
      mrkdwn(
        `Folded burst: the first alerts of the window were posted on their own. All of them: ${mrkdwnCode(burstHistoryCommand(burst), 600)}`,
      ),
    ],
  });
  return {
    text: mrkdwnText(`[${severityLabel(severity)}] ${summary}`, MAX.fallback),
    blocks: fitTotal(blocks),
    unfurl_links: false,
    unfurl_media: false,
  };
}
