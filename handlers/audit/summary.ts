/**
 * The scheduled audit's summary for people: a Slack message (counts per severity and account, the
 * top findings, what is new and fixed since the last run) and an SNS text. Every resource name and
 * evidence string is attacker-influenced (user names, role names) and goes through the same escaping
 * as the alerts.
 */
import { asciiLine, mrkdwnText, plainText } from '../notify/escape';
import type { SlackBlock, SlackMessage } from '../notify/slack-message';
import { byUrgency, contactLabel, summaryLine } from './report';
import type { AuditReport } from './run';

/** Findings listed by name in the Slack message; the report in S3 has them all. */
const TOP_FINDINGS = 10;
const SECTION_MAX = 2900;

export function auditSlackMessage(report: AuditReport, reportLocation: string): SlackMessage {
  const summary = summaryLine(report);
  const byAccount = Object.entries(report.counts.byAccount)
    .sort(([, a], [, b]) => b - a)
    .map(([account, count]) => {
      const name = report.accounts.find((a) => a.accountId === account)?.accountName;
      return `${account}${name ? ` (${name})` : ''}: ${count}`;
    });
  const top = [...report.findings]
    .sort(byUrgency)
    .slice(0, TOP_FINDINGS)
    .map((finding) => {
      const contact = contactLabel(finding);
      // The severity is iamwatch's own word; everything after it is escaped.
      return `• *${finding.severity}* ${mrkdwnText(
        `${finding.status === 'new' ? '[new] ' : ''}${finding.accountId}: ${finding.title}${contact ? ` (${contact})` : ''}`,
        400,
      )}`;
    });
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: plainText(`iamwatch audit ${report.runAt.slice(0, 10)}`, 150) },
    },
    { type: 'section', text: { type: 'mrkdwn', verbatim: true, text: mrkdwnText(summary, SECTION_MAX) } },
  ];
  if (byAccount.length > 0) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        verbatim: true,
        text: mrkdwnText(`Per account: ${byAccount.join(', ')}`, SECTION_MAX),
      },
    });
  }
  if (top.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', verbatim: true, text: joinLines(top) } });
  }
  if (report.fixed.length > 0) {
    const fixed = report.fixed
      .slice(0, TOP_FINDINGS)
      .map((finding) => `• ${finding.accountId}: ${finding.title}`);
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        verbatim: true,
        text: joinLines(['Fixed since the last audit:', ...fixed].map((line) => mrkdwnText(line, 400))),
      },
    });
  }
  if (report.failures.length > 0) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        verbatim: true,
        text: joinLines(
          report.failures.map((f) => mrkdwnText(`• not read: ${f.accountId} (${f.code ?? f.error})`, 400)),
        ),
      },
    });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', verbatim: true, text: mrkdwnText(`Full report: ${reportLocation}`, 1000) }],
  });
  return {
    text: mrkdwnText(`iamwatch audit: ${summary}`, 1000),
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  };
}

/** Already-escaped lines, cut at whole lines to fit a section. */
function joinLines(lines: readonly string[]): string {
  let text = '';
  for (const line of lines) {
    if (text.length + line.length + 1 > SECTION_MAX) break;
    text += text ? `\n${line}` : line;
  }
  return text;
}

/** The SNS message: subject under 100 characters, the summary and the top findings as plain text. */
export function auditSnsMessage(
  report: AuditReport,
  reportLocation: string,
): { subject: string; message: string } {
  const critical = report.counts.bySeverity.critical;
  const subject = asciiLine(
    `iamwatch audit: ${report.findings.length} findings${critical ? `, ${critical} critical` : ''}, ${report.counts.new} new`,
  ).slice(0, 99);
  const top = [...report.findings]
    .sort(byUrgency)
    .slice(0, TOP_FINDINGS)
    .map((finding) => `- ${finding.severity.toUpperCase()} ${finding.accountId}: ${finding.title}`);
  return {
    subject,
    message: [summaryLine(report), '', ...top, '', `Full report: ${reportLocation}`].join('\n'),
  };
}
