/**
 * A Slack incoming-webhook URL is a bearer secret: anyone holding it can post to the channel. It must
 * never reach an error message, a log line or the ledger's delivery state.
 */

const WEBHOOK_LIKE = /https?:\/\/[^\s"'<>]*hooks\.slack\.com\/[^\s"'<>]*/gi;
const SERVICES_PATH = /\/services\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]+/g;

export const REDACTED_URL = '[webhook URL redacted]';

/** Removes `url` (and anything shaped like a Slack webhook URL or its path) from `text`. */
export function redactWebhookUrl(text: string, url?: string): string {
  let out = text;
  if (url) {
    out = out.replaceAll(url, REDACTED_URL);
    const path = safePath(url);
    if (path && path.length > 1) out = out.replaceAll(path, REDACTED_URL);
  }
  return out.replace(WEBHOOK_LIKE, REDACTED_URL).replace(SERVICES_PATH, REDACTED_URL);
}

function safePath(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
