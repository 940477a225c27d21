/**
 * The operations relay: the Slack subscriber of the operations topic. SNS invokes it asynchronously
 * with one notification per record; it posts each to the operations Slack route. A failure throws, so
 * Lambda's asynchronous retries and then the on-failure queue (which has an alarm of its own, heard
 * by every other operations subscriber) take over.
 */

import type { SlackMessage } from '../notify/slack-message';
import type { Logger } from '../ports';
import { operationalSlackMessage } from './message';

/** The SNS → Lambda event, only what the relay reads. */
export interface SnsEvent {
  Records: { Sns?: { Message?: string; Subject?: string | null; MessageId?: string } }[];
}

export interface RelayDeps {
  /** Posts one message to the operations Slack route (throws on failure). */
  post(message: SlackMessage): Promise<unknown>;
  logger: Logger;
}

/** The relay Lambda as a factory over its Slack poster. */
export function createOperationsRelay(deps: RelayDeps): (event: SnsEvent) => Promise<void> {
  return async (event) => {
    for (const record of event.Records) {
      const message = record.Sns?.Message;
      if (message === undefined) continue;
      await deps.post(operationalSlackMessage({ subject: record.Sns?.Subject ?? null, message }));
      deps.logger.info('operational message relayed to Slack', { messageId: record.Sns?.MessageId });
    }
  };
}
