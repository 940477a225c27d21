/**
 * The SNS publication for a ledger entry. One message per alert with `MessageStructure: 'json'`, so
 * each protocol gets what suits it: a readable multi-line alert for email (and `default`), a compact
 * line for SMS, and the ledger entry as JSON for SQS, Lambda and HTTP(S) subscribers. Message
 * attributes carry severity, detection ids, account and event name so subscriptions can filter
 * (e.g. PagerDuty only on `critical`).
 *
 * Limits: the subject must be under 100 characters, with no line breaks or control characters (SNS
 * rejects them), and the whole publication (message and attributes) at most 256 KB. A huge field is
 * cut, in the human text and in the JSON alike, until everything fits; the JSON stays valid and says
 * `"truncated": true`.
 */
import type { MessageAttributeValue, PublishCommandInput } from '@aws-sdk/client-sns';
import type { LedgerEntry } from '../../rules/types';
import type { FoldedBurst } from '../ports';
import { burstHistoryCommand, burstSeverity, burstSummary, foldedLine } from './burst';
import { actorDisplayName, headline, leadDetection, severityLabel } from './describe';
import { asciiLine, singleLine } from './escape';
import { plainTextAlert, renderPlainText } from './plain-text';
import { truncate } from './truncate';

export const SNS_LIMITS = {
  /** "Subjects must be … less than 100 characters long." */
  subject: 99,
  /** Message plus attributes; a small margin is kept for the request's own overhead. */
  publishBytes: 256 * 1024 - 1024,
  sms: 140,
} as const;

/** Longest string kept per field, tried in order until the publication fits. */
const STRING_LIMITS = [Number.POSITIVE_INFINITY, 16_384, 4096, 1024, 256, 64] as const;
/** Human-readable values beyond this help nobody in an email. */
const HUMAN_VALUE_MAX = 2048;

/** The protocols that receive the ledger entry as JSON. */
const MACHINE_PROTOCOLS = ['sqs', 'lambda', 'http', 'https'] as const;

/** Builds the PublishCommand input for `entry` on `topicArn`. Never throws on long or odd values. */
export function buildSnsPublishInput(entry: LedgerEntry, topicArn: string): PublishCommandInput {
  const subject = snsSubject(entry);
  const attributes = messageAttributes(entry);
  const fixedBytes = Buffer.byteLength(subject) + attributeBytes(attributes);
  let message = '';
  for (const limit of STRING_LIMITS) {
    message = structuredMessage(entry, limit);
    if (fixedBytes + Buffer.byteLength(message) <= SNS_LIMITS.publishBytes) break;
  }
  return {
    TopicArn: topicArn,
    Subject: subject,
    MessageStructure: 'json',
    Message: message,
    MessageAttributes: attributes,
  };
}

/** "HIGH: Access key created for bob by alice" — printable ASCII, one line, under 100 characters. */
export function snsSubject(entry: LedgerEntry): string {
  return cutAscii(asciiLine(`${severityLabel(entry.severity)}: ${headline(entry)}`), SNS_LIMITS.subject);
}

/** ≤ 140 ASCII characters: severity, lead detection, account, who did what to whom. */
export function smsText(entry: LedgerEntry): string {
  const lead = leadDetection(entry)?.id ?? entry.eventName;
  const target = entry.target?.name ? ` -> ${entry.target.name}` : '';
  const who = truncate(actorDisplayName(entry.actor), 40);
  const text = `iamwatch ${severityLabel(entry.severity)} ${lead} acct ${entry.accountId}: ${who} ${entry.eventName}${target}`;
  return cutAscii(asciiLine(text), SNS_LIMITS.sms);
}

function structuredMessage(entry: LedgerEntry, stringLimit: number): string {
  const human = `${renderPlainText(plainTextAlert(entry, Math.min(stringLimit, HUMAN_VALUE_MAX)))}\n-- iamwatch\n`;
  const machine = JSON.stringify(clampStrings(entry, stringLimit));
  const structure: Record<string, string> = { default: human, email: human, sms: smsText(entry) };
  for (const protocol of MACHINE_PROTOCOLS) structure[protocol] = machine;
  return JSON.stringify(structure);
}

/** A copy of the entry with every string at most `limit` long; marks the copy when anything was cut. */
function clampStrings(entry: LedgerEntry, limit: number): unknown {
  if (!Number.isFinite(limit)) return entry;
  let cut = false;
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (value.length <= limit) return value;
      cut = true;
      return truncate(value, limit);
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner)]));
    }
    return value;
  };
  const copy = walk(entry) as Record<string, unknown>;
  return cut ? { ...copy, truncated: true } : copy;
}

/**
 * Filterable attributes. `detection` is a String.Array (a JSON array of ids): a subscription filter
 * `{"detection": ["root-console-login"]}` matches when any element matches. It is left out when no
 * detection fired, as SNS rejects empty attribute values.
 */
function messageAttributes(entry: LedgerEntry): Record<string, MessageAttributeValue> {
  const string = (value: string): MessageAttributeValue => ({
    DataType: 'String',
    StringValue: truncate(singleLine(value), 256) || 'unknown',
  });
  const attributes: Record<string, MessageAttributeValue> = {
    severity: string(entry.severity),
    accountId: string(entry.accountId),
    eventName: string(entry.eventName),
    eventSource: string(entry.eventSource),
    automation: string(String(entry.automation)),
  };
  const ids = [...new Set(entry.detections.map((hit) => hit.id))];
  if (ids.length > 0) attributes.detection = { DataType: 'String.Array', StringValue: JSON.stringify(ids) };
  return attributes;
}

function attributeBytes(attributes: Record<string, MessageAttributeValue>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(attributes)) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '');
    bytes += Buffer.byteLength(value.StringValue ?? '');
  }
  return bytes;
}

/** Cuts ASCII text to `max` with an ASCII "..." marker (the subject and SMS must stay ASCII). */
function cutAscii(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3).trimEnd()}...`;
}

/**
 * The follow-up of a folded burst on SNS: the same structure as an alert (text for email and SMS, JSON
 * for machines) and the same attributes, with `eventName` = `iamwatch:burst` so a subscription can
 * filter follow-ups out or in. Folded alerts are listed until the publication would pass its limit.
 */
export function buildSnsBurstPublishInput(burst: FoldedBurst, topicArn: string): PublishCommandInput {
  const severity = burstSeverity(burst);
  const summary = burstSummary(burst);
  const attributes: Record<string, MessageAttributeValue> = {
    severity: { DataType: 'String', StringValue: severity },
    accountId: { DataType: 'String', StringValue: burst.accountId },
    eventName: { DataType: 'String', StringValue: 'iamwatch:burst' },
  };
  const budget = SNS_LIMITS.publishBytes - attributeBytes(attributes) - 4096;
  const lines: string[] = [];
  let bytes = 0;
  for (const alert of burst.alerts) {
    const line = asciiLine(foldedLine(alert));
    if (bytes + 2 * (line.length + 1) > budget / 2) break;
    lines.push(line);
    bytes += line.length + 1;
  }
  const more = burst.total - lines.length;
  const human = [
    `${severity.toUpperCase()}: ${summary}`,
    '',
    ...lines,
    ...(more > 0 ? [`...and ${more} more not listed here.`] : []),
    '',
    `All of them: ${burstHistoryCommand(burst)}`,
    '-- iamwatch',
    '',
  ].join('\n');
  const machine = JSON.stringify({ type: 'burst', ...burst, alerts: burst.alerts.slice(0, lines.length) });
  const structure: Record<string, string> = {
    default: human,
    email: human,
    sms: cutAscii(asciiLine(`iamwatch ${severity.toUpperCase()} ${summary}`), SNS_LIMITS.sms),
  };
  for (const protocol of MACHINE_PROTOCOLS) structure[protocol] = machine;
  return {
    TopicArn: topicArn,
    Subject: cutAscii(asciiLine(`${severity.toUpperCase()}: ${summary}`), SNS_LIMITS.subject),
    MessageStructure: 'json',
    Message: JSON.stringify(structure),
    MessageAttributes: attributes,
  };
}
