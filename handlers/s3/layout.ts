/**
 * The layout CloudTrail writes to S3, and which parts of it a replay window needs:
 *
 *   [prefix/]AWSLogs/[o-orgid/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<unique>.json.gz
 *
 * An organization trail adds the organization id level; a single-account trail does not. Digest files
 * (`CloudTrail-Digest/`) and Insights files (`CloudTrail-Insight/`) sit beside `CloudTrail/` and are not
 * management events: they are never listed. Pure functions: the S3 I/O is in source.ts.
 */

/** A parsed `s3://bucket/prefix` argument. */
export interface S3Location {
  bucket: string;
  /** Key prefix ('' for the whole bucket); kept as written. */
  prefix: string;
}

/** A replay argument that is not a usable `s3://` URL. */
export class S3UrlError extends Error {
  override readonly name = 'S3UrlError';
}

/** Whether a replay argument names S3 rather than a local path. */
export function isS3Url(path: string): boolean {
  return path.startsWith('s3://');
}

/** `s3://bucket/prefix` → bucket and prefix. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) {
    throw new S3UrlError(
      `${JSON.stringify(url)} is not an S3 location: expected s3://BUCKET or s3://BUCKET/PREFIX with a valid bucket name`,
    );
  }
  return { bucket: match[1] as string, prefix: match[2] ?? '' };
}

/** What a replay of a trail bucket is restricted to; every field optional. */
export interface TrailFilter {
  /** Log files delivered at or after this time. */
  since?: Date;
  /** Log files delivered up to this time plus {@link DELIVERY_LAG_MINUTES}. */
  until?: Date;
  accounts?: readonly string[];
  regions?: readonly string[];
}

/**
 * CloudTrail delivers a log file within about 5 (typically up to 15) minutes of the calls it holds, and
 * names it by its delivery time: a window on event time must read files delivered a little after it.
 */
const DELIVERY_LAG_MINUTES = 60;

/** The meaning of one folder level below `AWSLogs/`, learnt from the levels above it. */
type Level = 'org-or-account' | 'account' | 'service' | 'region' | 'year' | 'month' | 'day' | 'files';

/** The level below each date level. */
const BELOW_DATE_LEVEL = { year: 'month', month: 'day', day: 'files' } as const;

const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT_ID = /^\d{12}$/;

/** Where a folder path stands in the layout, or `undefined` above `AWSLogs/`. */
interface Position {
  level: Level;
  account?: string;
  region?: string;
  /** Date digits seen so far: ['2025'], ['2025','03'], … */
  date: string[];
}

/**
 * Where the folder `prefix` (ending in `/`) stands in the trail layout: which level its children are,
 * and the account, region and date parts already fixed. `undefined` when the path does not (yet) pass
 * through `AWSLogs/`, so everything below it is still to be discovered.
 */
export function positionOf(prefix: string): Position | undefined {
  const parts = prefix.split('/').filter((part) => part !== '');
  const start = parts.lastIndexOf('AWSLogs');
  if (start < 0) return undefined;
  const position: Position = { level: 'org-or-account', date: [] };
  for (const part of parts.slice(start + 1)) {
    switch (position.level) {
      case 'org-or-account':
      case 'account':
        if (position.level === 'org-or-account' && ORG_ID.test(part)) position.level = 'account';
        else {
          position.account = part;
          position.level = 'service';
        }
        break;
      case 'service':
        position.level = 'region';
        break;
      case 'region':
        position.region = part;
        position.level = 'year';
        break;
      case 'year':
      case 'month':
      case 'day':
        position.date.push(part);
        position.level = BELOW_DATE_LEVEL[position.level];
        break;
      case 'files':
        break;
    }
  }
  return position;
}

/**
 * Whether the child folder `name` of a folder at `position` can hold log files the filter wants.
 * Digest and Insights folders never can; dates are compared at the precision the folder has.
 */
export function folderWanted(position: Position | undefined, name: string, filter: TrailFilter): boolean {
  if (!position) return true;
  switch (position.level) {
    case 'org-or-account':
      if (ORG_ID.test(name)) return true;
      return accountWanted(name, filter);
    case 'account':
      return accountWanted(name, filter);
    case 'service':
      return name === 'CloudTrail';
    case 'region':
      return !filter.regions || filter.regions.includes(name);
    case 'year':
    case 'month':
    case 'day':
      return dateFolderWanted([...position.date, name], filter);
    case 'files':
      return true;
  }
}

function accountWanted(name: string, filter: TrailFilter): boolean {
  if (!ACCOUNT_ID.test(name)) return false;
  return !filter.accounts || filter.accounts.includes(name);
}

/** A folder's date range ('2025' is the whole year) overlaps the delivery window. */
function dateFolderWanted(parts: string[], filter: TrailFilter): boolean {
  const [year, month, day] = parts.map(Number);
  if (year === undefined || !Number.isInteger(year)) return false;
  if (parts.some((part) => !/^\d+$/.test(part))) return false;
  const first = Date.UTC(year, (month ?? 1) - 1, day ?? 1);
  const last =
    day !== undefined
      ? Date.UTC(year, (month as number) - 1, day + 1)
      : month !== undefined
        ? Date.UTC(year, month, 1)
        : Date.UTC(year + 1, 0, 1);
  return windowOverlaps(first, last, filter);
}

function windowOverlaps(first: number, end: number, filter: TrailFilter): boolean {
  if (filter.since && end <= filter.since.getTime()) return false;
  if (filter.until && first > filter.until.getTime() + DELIVERY_LAG_MINUTES * 60_000) return false;
  return true;
}

/** What a log file's key says about it. */
export interface TrailLogKey {
  account: string;
  region: string;
  deliveredAt: Date;
}

const LOG_FILE =
  /(?:^|\/)(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[A-Za-z0-9]+\.json(?:\.gz)?$/;

/** A CloudTrail log file's account, region and delivery time; `undefined` for anything else. */
export function parseTrailLogKey(key: string): TrailLogKey | undefined {
  const match = LOG_FILE.exec(key);
  if (!match) return undefined;
  const [, account, region, year, month, day, hour, minute] = match as unknown as string[];
  return {
    account: account as string,
    region: region as string,
    deliveredAt: new Date(
      Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute)),
    ),
  };
}

/**
 * Whether an object is a log file the replay wants. Inside the trail layout only CloudTrail log files
 * in the window count (digest and other files are skipped); outside it (a prefix of hand-copied files)
 * any JSON or gzip object is read, as a local directory would be.
 */
export function objectWanted(key: string, filter: TrailFilter): boolean {
  if (/\/CloudTrail-(Digest|Insight)\//.test(key)) return false;
  const log = parseTrailLogKey(key);
  if (!log) return !positionOf(key) && /\.(json|jsonl|ndjson)(\.gz)?$|\.gz$/i.test(key);
  if (filter.accounts && !filter.accounts.includes(log.account)) return false;
  if (filter.regions && !filter.regions.includes(log.region)) return false;
  const at = log.deliveredAt.getTime();
  return windowOverlaps(at, at + 1, filter);
}
