/**
 * The digest as a Slack message: a header, the totals, then one section per account (most events
 * first). Account, actor and principal names are attacker-controlled and go through the alerts'
 * escaping (`escape.ts`: inline code for names, fenced formatting for free text). Slack's limits
 * (`SLACK_LIMITS`: 50 blocks, 3000 characters a section, about 12 000 in all) are kept by cutting at
 * whole lines and whole accounts, each cut said with a "+N more" line.
 */
import { mrkdwnCode, mrkdwnText, plainText } from '../notify/escape';
import { SLACK_LIMITS, type SlackBlock, type SlackMessage } from '../notify/slack-message';
import type { AccountDigest, Digest } from './build';
import { accountTitle, capped, digestSummary, digestTitle, principalLine, severityLine } from './render-text';

/** Names listed per list in an account's section before "+N more". */
const SLACK_LIST_MAX = 10;
const NAME_MAX = 120;
/** Room kept for the header, the totals, the footer and a "+N more accounts" line. */
const RESERVED_TEXT = 1500;
/** Header, totals, footer and "+N more accounts". */
const RESERVED_BLOCKS = 4;

export interface DigestSlackOptions {
  /** Who this digest is for, e.g. "route security: severity ≥ medium"; iamwatch's own words. */
  scope?: string;
}

export function buildDigestSlackMessage(digest: Digest, options: DigestSlackOptions = {}): SlackMessage {
  const title = digestTitle(digest);
  const summary = digestSummary(digest);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: plainText(title, SLACK_LIMITS.headerText) } },
    section(mrkdwnText(summary, 500)),
  ];
  let total = title.length + summary.length;
  const maxAccountBlocks = SLACK_LIMITS.blocks - RESERVED_BLOCKS;
  let shown = 0;
  for (const account of digest.accounts) {
    const text = accountSection(account);
    if (shown >= maxAccountBlocks || total + text.length > SLACK_LIMITS.totalText - RESERVED_TEXT) break;
    blocks.push(section(text));
    total += text.length;
    shown++;
  }
  const hidden = digest.accounts.length - shown;
  if (hidden > 0) {
    blocks.push(
      section(
        `+${hidden} more ${hidden === 1 ? 'account' : 'accounts'}: ${mrkdwnCode(cliCommand(digest), 300)}`,
      ),
    );
  }
  const footer = options.scope ? `${options.scope}. Everything in the window: ` : 'Details: ';
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', verbatim: true, text: mrkdwnText(footer, 300) + mrkdwnCode(cliCommand(digest), 300) },
    ],
  });
  return {
    text: mrkdwnText(`${title}: ${summary}`, 1000),
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  };
}

/** One account: its title and severity counts, then its lists, cut at whole lines to fit a section. */
function accountSection(account: AccountDigest): string {
  const name = (text: string) => mrkdwnCode(text, NAME_MAX);
  const lines = [`*${mrkdwnText(accountTitle(account), 200)}* ${mrkdwnText(severityLine(account), 300)}`];
  const list = (label: string, items: string[]) => {
    if (items.length > 0) lines.push(`${label}: ${capped(items, SLACK_LIST_MAX).join(', ')}`);
  };
  list(
    'Detections',
    account.detections.map((d) => `${name(d.id)} ${d.severity} ×${d.count}`),
  );
  list(
    'New principals',
    account.newPrincipals.map((principal) => principalLine(principal, name)),
  );
  list(
    'Top actors',
    account.topActors.map((actor) => `${name(actor.actor)} ×${actor.count}`),
  );
  lines.push(`Alerts: ${account.suppressed} suppressed, ${account.folded} folded into bursts`);
  return joinLines(lines, SLACK_LIMITS.sectionText - 100);
}

/** Already-escaped lines, whole lines only, with a "+N more lines" marker when some did not fit. */
function joinLines(lines: readonly string[], max: number): string {
  let text = '';
  for (const [index, line] of lines.entries()) {
    const next = text ? `${text}\n${line}` : line;
    if (next.length > max - 40) return `${text}\n+${lines.length - index} more lines not shown`;
    text = next;
  }
  return text;
}

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', verbatim: true, text } };
}

function cliCommand(digest: Digest): string {
  return `iamwatch digest --since ${digest.window.since} --until ${digest.window.until}`;
}
