/**
 * Is the trail iamwatch depends on doing its job? EventBridge receives CloudTrail events only while a
 * trail logs, IAM events only when it includes global service events, other regions' sign-ins only
 * when it is multi-region, member accounts only when it is an organization trail, and nothing
 * iamwatch watches unless its selectors take management write events of those services.
 */
import {
  type CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  type GetEventSelectorsResponse,
  GetTrailStatusCommand,
  type GetTrailStatusResponse,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import type { Detection } from '../../rules/types';
import { eventSourceOf } from '../backfill/plan';
import { type Check, check, formatAge } from './check';

export interface TrailCheckOptions {
  /** Trail name or ARN. */
  trail: string;
  now: Date;
  /** The newest log file may be at most this old. */
  maxDeliveryAgeMs: number;
  /** Fail (rather than warn) when the trail is not an organization trail. */
  expectOrganization: boolean;
  /** Event sources whose management write events must be selected. */
  watchedSources: readonly string[];
}

const GROUP = 'trail';

export async function checkTrail(client: CloudTrailClient, options: TrailCheckOptions): Promise<Check[]> {
  let trail: Trail | undefined;
  try {
    const described = await client.send(
      new DescribeTrailsCommand({ trailNameList: [options.trail], includeShadowTrails: true }),
    );
    trail = described.trailList?.[0];
  } catch (error) {
    return [
      check(GROUP, 'trail:found', 'trail', 'fail', `cannot describe ${options.trail}: ${describe(error)}`),
    ];
  }
  if (!trail) {
    return [
      check(GROUP, 'trail:found', 'trail', 'fail', `no trail ${options.trail} in this region and account`),
    ];
  }
  const name = trail.TrailARN ?? options.trail;
  const checks = judgeTrail(trail, options.expectOrganization);
  try {
    const status = await client.send(new GetTrailStatusCommand({ Name: name }));
    checks.unshift(...judgeTrailStatus(status, options.now, options.maxDeliveryAgeMs));
  } catch (error) {
    checks.unshift(
      check(GROUP, 'trail:logging', 'logging', 'fail', `cannot read the trail status: ${describe(error)}`),
    );
  }
  try {
    const selectors = await client.send(new GetEventSelectorsCommand({ TrailName: name }));
    checks.push(judgeSelectors(selectors, options.watchedSources));
  } catch (error) {
    checks.push(
      check(
        GROUP,
        'trail:selectors',
        'management events',
        'fail',
        `cannot read the event selectors: ${describe(error)}`,
      ),
    );
  }
  return checks;
}

/** Logging on, the last delivery without error and recent. */
export function judgeTrailStatus(
  status: GetTrailStatusResponse,
  now: Date,
  maxDeliveryAgeMs: number,
): Check[] {
  const checks: Check[] = [];
  if (status.IsLogging) {
    const since = status.StartLoggingTime ? ` since ${status.StartLoggingTime.toISOString()}` : '';
    checks.push(check(GROUP, 'trail:logging', 'logging', 'pass', `on${since}`));
  } else {
    const since = status.StopLoggingTime ? ` since ${status.StopLoggingTime.toISOString()}` : '';
    checks.push(
      check(
        GROUP,
        'trail:logging',
        'logging',
        'fail',
        `stopped${since}: EventBridge receives no CloudTrail events`,
      ),
    );
  }
  if (status.LatestDeliveryError) {
    checks.push(
      check(
        GROUP,
        'trail:delivery',
        'log delivery',
        'fail',
        `the last delivery failed: ${status.LatestDeliveryError}`,
      ),
    );
  } else if (!status.LatestDeliveryTime) {
    checks.push(check(GROUP, 'trail:delivery', 'log delivery', 'warn', 'no log file delivered yet'));
  } else {
    const age = now.getTime() - status.LatestDeliveryTime.getTime();
    const when = `last log file ${formatAge(age)} ago (${status.LatestDeliveryTime.toISOString()})`;
    checks.push(
      age > maxDeliveryAgeMs
        ? check(
            GROUP,
            'trail:delivery',
            'log delivery',
            'fail',
            `${when}, older than ${formatAge(maxDeliveryAgeMs)}`,
          )
        : check(GROUP, 'trail:delivery', 'log delivery', 'pass', `${when}, no error`),
    );
  }
  return checks;
}

/** Multi-region, global service events included, organization-wide. */
export function judgeTrail(trail: Trail, expectOrganization: boolean): Check[] {
  const checks = [
    trail.IsMultiRegionTrail
      ? check(
          GROUP,
          'trail:multi-region',
          'all regions',
          'pass',
          `multi-region trail, home ${trail.HomeRegion ?? '?'}`,
        )
      : check(
          GROUP,
          'trail:multi-region',
          'all regions',
          'fail',
          `single-region trail (${trail.HomeRegion ?? '?'}): sign-ins and Identity Center calls in other regions are not logged`,
        ),
    trail.IncludeGlobalServiceEvents === false
      ? check(
          GROUP,
          'trail:global-events',
          'global service events',
          'fail',
          'excluded: IAM, Organizations and root sign-in events are not logged',
        )
      : check(
          GROUP,
          'trail:global-events',
          'global service events',
          'pass',
          'included (IAM, Organizations, root sign-in)',
        ),
  ];
  if (trail.IsOrganizationTrail) {
    checks.push(
      check(
        GROUP,
        'trail:organization',
        'organization trail',
        'pass',
        'logs every account of the organization',
      ),
    );
  } else {
    checks.push(
      check(
        GROUP,
        'trail:organization',
        'organization trail',
        expectOrganization ? 'fail' : 'warn',
        'not an organization trail: only its own account is logged',
      ),
    );
  }
  return checks;
}

type Coverage = 'all' | 'some' | 'none';

/** Whether the selectors take the management write events of every watched source. */
export function judgeSelectors(
  selectors: GetEventSelectorsResponse,
  watchedSources: readonly string[],
): Check {
  const coverage = watchedSources.map((source) => ({ source, coverage: writesSelected(selectors, source) }));
  const missing = coverage.filter((c) => c.coverage === 'none').map((c) => c.source);
  const partial = coverage.filter((c) => c.coverage === 'some').map((c) => c.source);
  if (missing.length > 0) {
    return check(
      GROUP,
      'trail:selectors',
      'management events',
      'fail',
      `management write events of ${missing.join(', ')} are not selected`,
    );
  }
  if (partial.length > 0) {
    return check(
      GROUP,
      'trail:selectors',
      'management events',
      'warn',
      `selectors narrow the management write events of ${partial.join(', ')} (by event name, identity …): some calls may not be logged`,
    );
  }
  return check(
    GROUP,
    'trail:selectors',
    'management events',
    'pass',
    `write events of all ${watchedSources.length} watched services are selected`,
  );
}

function writesSelected(selectors: GetEventSelectorsResponse, eventSource: string): Coverage {
  const results: Coverage[] = [];
  for (const selector of selectors.EventSelectors ?? []) {
    const taken =
      selector.IncludeManagementEvents !== false &&
      selector.ReadWriteType !== 'ReadOnly' &&
      !(selector.ExcludeManagementEventSources ?? []).includes(eventSource);
    results.push(taken ? 'all' : 'none');
  }
  for (const selector of selectors.AdvancedEventSelectors ?? []) {
    results.push(advancedCoverage(selector.FieldSelectors ?? [], eventSource));
  }
  if (results.includes('all')) return 'all';
  return results.includes('some') ? 'some' : 'none';
}

interface FieldSelector {
  Field: string | undefined;
  Equals?: string[] | undefined;
  StartsWith?: string[] | undefined;
  EndsWith?: string[] | undefined;
  NotEquals?: string[] | undefined;
  NotStartsWith?: string[] | undefined;
  NotEndsWith?: string[] | undefined;
}

/**
 * Advanced selectors AND their field conditions. Fields iamwatch can evaluate for "a management
 * write call of this service" decide; any other field (eventName, userIdentity.arn …) narrows the
 * selection to something iamwatch cannot judge, so the selector counts as partial.
 */
function advancedCoverage(fields: readonly FieldSelector[], eventSource: string): Coverage {
  const known: Record<string, string> = { eventCategory: 'Management', readOnly: 'false', eventSource };
  if (!fields.some((field) => field.Field === 'eventCategory')) return 'none';
  let narrowed = false;
  for (const field of fields) {
    const value = field.Field ? known[field.Field] : undefined;
    if (value === undefined) {
      narrowed = true;
      continue;
    }
    if (!fieldMatches(field, value)) return 'none';
  }
  return narrowed ? 'some' : 'all';
}

function fieldMatches(field: FieldSelector, value: string): boolean {
  const any = (list: string[] | undefined, test: (candidate: string) => boolean) =>
    list === undefined || list.length === 0 || list.some(test);
  const none = (list: string[] | undefined, test: (candidate: string) => boolean) =>
    list === undefined || !list.some(test);
  return (
    any(field.Equals, (c) => c === value) &&
    any(field.StartsWith, (c) => value.startsWith(c)) &&
    any(field.EndsWith, (c) => value.endsWith(c)) &&
    none(field.NotEquals, (c) => c === value) &&
    none(field.NotStartsWith, (c) => value.startsWith(c)) &&
    none(field.NotEndsWith, (c) => value.endsWith(c))
  );
}

/** Event sources the catalog watches by name (detections on any source are not per-service). */
export function watchedEventSources(catalog: readonly Detection[]): string[] {
  const sources = new Set<string>();
  for (const detection of catalog) {
    if (detection.status === 'deprecated') continue;
    for (const trigger of detection.trigger)
      for (const source of trigger.sources ?? []) sources.add(eventSourceOf(source));
  }
  return [...sources].sort();
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.name && error.name !== 'Error' ? `${error.name}: ${error.message}` : error.message;
}
