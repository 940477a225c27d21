/**
 * Console links a responder can follow from an alert. They open in whatever account the browser is
 * signed in to, so alerts always show the account next to the link.
 */

const REGION = /^[a-z]{2}(?:-gov)?-[a-z]+-\d{1,2}$/;

/**
 * The CloudTrail Event history page of one event, in the event's region:
 * `https://<region>.console.aws.amazon.com/cloudtrailv2/home?region=<region>#/events/<eventId>`.
 * China and GovCloud use their own console domains (without the regional host name). Returns
 * `undefined` when the region is not a region name (a replayed file can say anything), so no link is
 * built from junk.
 */
export function cloudTrailEventUrl(region: string, eventId: string): string | undefined {
  if (!REGION.test(region) || eventId.trim() === '') return undefined;
  return `${consoleOrigin(region)}/cloudtrailv2/home?region=${region}#/events/${encodeURIComponent(eventId)}`;
}

function consoleOrigin(region: string): string {
  if (region.startsWith('cn-')) return 'https://console.amazonaws.cn';
  if (region.startsWith('us-gov-')) return 'https://console.amazonaws-us-gov.com';
  return `https://${region}.console.aws.amazon.com`;
}
