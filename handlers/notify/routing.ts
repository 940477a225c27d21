/**
 * Which alerts go where. Slack routes send to several webhooks by minimum severity, account and
 * detection (e.g. critical for the whole org to #sec-critical, everything ≥ low in prod-payments to
 * the payments team); SNS carries only what should wake someone up (≥ high by default).
 *
 * Routes are configuration (`IAMWATCH_SLACK_ROUTES`, a JSON array), parsed once at start-up with
 * errors that say which route and which field is wrong.
 */
import * as z from 'zod/mini';
import { severityAtLeast } from '../../rules/severity';
import { type LedgerEntry, SEVERITIES, type Severity } from '../../rules/types';
import { describeIssue } from '../shared/issues';

export interface SlackRoute {
  /** Unique; the delivery channel is `slack:<name>`. */
  name: string;
  /** The webhook URL itself (local use; prefer `secretArn` in AWS). */
  webhookUrl?: string;
  /** Secrets Manager secret holding the webhook URL. */
  secretArn?: string;
  minSeverity: Severity;
  /** Only these accounts (12-digit ids); all when absent. */
  accounts?: string[];
  /** Only entries with one of these detection ids; all when absent. */
  detections?: string[];
}

/** The route used when none are configured: everything ≥ low to one webhook. */
const DEFAULT_SLACK_ROUTE_NAME = 'default';
export const DEFAULT_SLACK_MIN_SEVERITY: Severity = 'low';
export const DEFAULT_SNS_MIN_SEVERITY: Severity = 'high';

/** The single `default` route over one webhook URL or secret. */
export function defaultSlackRoute(source: { webhookUrl?: string; secretArn?: string }): SlackRoute {
  return { name: DEFAULT_SLACK_ROUTE_NAME, minSeverity: DEFAULT_SLACK_MIN_SEVERITY, ...source };
}

/** The delivery channel name of a route, as recorded on ledger entries. */
export function slackChannel(route: Pick<SlackRoute, 'name'>): string {
  return `slack:${route.name}`;
}

/** Whether a route wants an entry: severity at or above the minimum, account and detection filters. */
export function routeWants(route: SlackRoute, entry: LedgerEntry): boolean {
  if (!severityAtLeast(entry.severity, route.minSeverity)) return false;
  if (route.accounts && !route.accounts.includes(entry.accountId)) return false;
  if (route.detections) {
    const wanted = route.detections;
    if (!entry.detections.some((hit) => wanted.includes(hit.id))) return false;
  }
  return true;
}

/** The configuration is unusable; the message names the route and the field. */
export class SlackRoutesError extends Error {
  override readonly name = 'SlackRoutesError';
}

const severity = z.enum(SEVERITIES, `must be one of ${SEVERITIES.join(', ')}`);

const routeSchema = z
  .strictObject({
    name: z
      .string()
      .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"')),
    webhookUrl: z.optional(z.string().check(z.regex(/^https?:\/\/\S+$/, 'must be an http(s) URL'))),
    secretArn: z.optional(
      z
        .string()
        .check(
          z.regex(
            /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:\S+$/,
            'must be a Secrets Manager secret ARN',
          ),
        ),
    ),
    minSeverity: z._default(severity, DEFAULT_SLACK_MIN_SEVERITY),
    accounts: z.optional(
      z
        .array(z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit account id')))
        .check(z.minLength(1, 'must list at least one account (omit it for all)')),
    ),
    detections: z.optional(
      z
        .array(z.string().check(z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a detection id')))
        .check(z.minLength(1, 'must list at least one detection (omit it for all)')),
    ),
  })
  .check(
    z.refine((route) => (route.webhookUrl === undefined) !== (route.secretArn === undefined), {
      message: 'needs exactly one of "webhookUrl" or "secretArn"',
    }),
  );

const routesSchema = z.array(routeSchema).check(
  z.minLength(1, 'must hold at least one route'),
  z.superRefine((routes, ctx) => {
    const seen = new Set<string>();
    for (const [index, route] of routes.entries()) {
      if (seen.has(route.name)) {
        ctx.addIssue({
          code: 'custom',
          input: route.name,
          path: [index, 'name'],
          message: `duplicate route name "${route.name}"`,
        });
      }
      seen.add(route.name);
    }
  }),
);

/**
 * Parses `IAMWATCH_SLACK_ROUTES`: a JSON array of routes, e.g.
 * `[{"name":"critical","secretArn":"arn:aws:secretsmanager:…","minSeverity":"critical"}]`.
 * `minSeverity` defaults to `low`. Webhook URLs are never echoed in errors.
 * @throws SlackRoutesError listing every problem as `routes[i].field: message`.
 */
export function parseSlackRoutes(json: string): SlackRoute[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (cause) {
    throw new SlackRoutesError('Slack routes are not valid JSON (expected an array of routes)', { cause });
  }
  const parsed = routesSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issuePath(issue.path)}: ${describeIssue(issue)}`);
    throw new SlackRoutesError(`Invalid Slack routes: ${problems.join('; ')}`);
  }
  return parsed.data.map((route) => {
    const out: SlackRoute = { name: route.name, minSeverity: route.minSeverity };
    if (route.webhookUrl !== undefined) out.webhookUrl = route.webhookUrl;
    if (route.secretArn !== undefined) out.secretArn = route.secretArn;
    if (route.accounts) out.accounts = route.accounts;
    if (route.detections) out.detections = route.detections;
    return out;
  });
}

function issuePath(path: readonly PropertyKey[]): string {
  let out = 'routes';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  return out;
}
