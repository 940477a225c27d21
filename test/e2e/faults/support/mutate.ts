/**
 * A seeded mutation fuzzer over real CloudTrail records: the project's fixtures, and the samples in
 * `../shared` when that folder exists. Each mutated record is one JSON line and knows whether iamwatch
 * must accept it (possibly with a warning) or report it invalid, so a run can be checked record by
 * record: nothing crashes, nothing is dropped, every invalid one is reported at its line.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseInputText } from '../../../../rules/cloudtrail/parse';
import type { CloudTrailRecord } from '../../../../rules/types';
import { seededRandom } from '../../../support/random';

const FIXTURES = new URL('../../../fixtures/cloudtrail/', import.meta.url).pathname;
const SHARED_SAMPLES = new URL('../../../../../shared/cloudtrail-samples/', import.meta.url).pathname;

/**
 * Slack control sequences, terminal escapes, bidirectional overrides, NUL and a forged line: what a
 * caller can put in a user name, session name or user agent.
 */
const HOSTILE_STRINGS = [
  '<!channel> <!here> <@U012345> <#C012345>',
  '<https://evil.example|click here> *bold* _it_ ~s~ `code` ```block```',
  '\u001b[2J\u001b[31mred\u001b[0m',
  'evil\u202egnp.exe\u2066x\u2069\u200b',
  'nul\u0000byte\u0007bell\u007f\u009b',
  'line\nReplay summary: 0 invalid, all good\r\n✅',
  '&lt;!channel&gt; &amp; <script>',
  '\ud83d\ude00\ud800 lone surrogate',
];

/** The fields without which a record is invalid; everything else may be missing or mistyped. */
const REQUIRED = ['eventID', 'eventName', 'eventTime', 'eventSource'] as const;
const MISTYPABLE = [
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'userAgent',
  'sourceIPAddress',
  'errorCode',
  'awsRegion',
  'readOnly',
  'recipientAccountId',
  'tlsDetails',
] as const;

export interface FuzzLine {
  mutation: string;
  text: string;
  /** `invalid`: must be reported with its line; `valid`: must be read and matched (recorded if delivered). */
  expect: 'valid' | 'invalid';
}

/** Real records to mutate: every fixture record, plus up to `sharedLimit` samples from ../shared. */
export function baseRecords(sharedLimit = 80): CloudTrailRecord[] {
  const records: CloudTrailRecord[] = [];
  for (const file of jsonFiles(FIXTURES)) records.push(...recordsOf(file));
  if (existsSync(SHARED_SAMPLES)) {
    records.push(...jsonFiles(SHARED_SAMPLES).flatMap(recordsOf).slice(0, sharedLimit));
  }
  return records;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return jsonFiles(path);
      return name.endsWith('.json') ? [path] : [];
    });
}

function recordsOf(path: string): CloudTrailRecord[] {
  const records: CloudTrailRecord[] = [];
  for (const item of parseInputText(readFileSync(path, 'utf8'), path)) if (item.ok) records.push(item.record);
  return records;
}

/** `count` mutated records (one JSON line each), deterministic for a seed. */
export function fuzzLines(seed: number, count: number, bases: readonly CloudTrailRecord[]): FuzzLine[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const eventId = () =>
    Array.from({ length: 4 }, () =>
      Math.floor(random() * 0x1_0000_0000)
        .toString(16)
        .padStart(8, '0'),
    ).join('-');
  const mutations: [string, (record: Record<string, unknown>) => FuzzLine['expect'] | string][] = [
    ['unchanged', () => 'valid'],
    [
      'missing required field',
      (record) => {
        delete record[pick(REQUIRED)];
        return 'invalid';
      },
    ],
    [
      'missing optional field',
      (record) => {
        const optional = Object.keys(record).filter((key) => !(REQUIRED as readonly string[]).includes(key));
        if (optional.length > 0) delete record[pick(optional)];
        return 'valid';
      },
    ],
    [
      'mistyped optional field',
      (record) => {
        record[pick(MISTYPABLE)] = pick([42, ['x'], 'null', 'not json', true, { nested: 'object' }]);
        return 'valid';
      },
    ],
    [
      'mistyped required field',
      (record) => {
        record[pick(REQUIRED)] = pick([42, ['x'], { nested: 'object' }, true]);
        return 'invalid';
      },
    ],
    [
      'huge string',
      (record) => {
        const huge = pick(HOSTILE_STRINGS) + 'x'.repeat(300 * 1024 + Math.floor(random() * 1024));
        const identity = (record.userIdentity ?? {}) as Record<string, unknown>;
        const where = pick(['userName', 'userAgent', 'arn', 'request']);
        if (where === 'userAgent') record.userAgent = huge;
        else if (where === 'request') record.requestParameters = { userName: huge, roleName: huge };
        else record.userIdentity = { ...identity, [where]: huge };
        return 'valid';
      },
    ],
    [
      'deep nesting',
      () => {
        const levels = 3_000 + Math.floor(random() * 20_000);
        const open = pick(['[', '{"a":']);
        const close = open === '[' ? ']' : '}';
        return `DEEP:${open.repeat(levels)}1${close.repeat(levels)}`;
      },
    ],
    [
      'hostile strings everywhere',
      (record) => {
        hostileEverywhere(record, () => pick(HOSTILE_STRINGS));
        return 'valid';
      },
    ],
    ['garbage line', () => 'GARBAGE'],
  ];
  const lines: FuzzLine[] = [];
  for (let i = 0; i < count; i++) {
    const [mutation, apply] = pick(mutations);
    const record = structuredClone(pick(bases)) as Record<string, unknown>;
    record.eventID = eventId();
    const outcome = apply(record);
    if (outcome === 'GARBAGE') {
      lines.push({
        mutation,
        text: pick(['{"Records": [', 'not json at all', '{"eventID": "x",}', '\u001b[2J}{']),
        expect: 'invalid',
      });
    } else if (outcome.startsWith('DEEP:')) {
      record.requestParameters = { policy: 'x' };
      const json = JSON.stringify(record);
      lines.push({ mutation, text: json.replace('"x"', outcome.slice(5)), expect: 'invalid' });
    } else {
      lines.push({ mutation, text: JSON.stringify(record), expect: outcome as FuzzLine['expect'] });
    }
  }
  return lines;
}

/** Every string below the record (not the four required fields) gets a hostile string appended. */
function hostileEverywhere(record: Record<string, unknown>, hostile: () => string): void {
  const stack: Record<string, unknown>[] = [record];
  while (stack.length > 0) {
    const object = stack.pop() as Record<string, unknown>;
    for (const [key, value] of Object.entries(object)) {
      if (object === record && (REQUIRED as readonly string[]).includes(key)) continue;
      if (typeof value === 'string') object[key] = `${value}${hostile()}`;
      else if (value !== null && typeof value === 'object') stack.push(value as Record<string, unknown>);
    }
  }
}
