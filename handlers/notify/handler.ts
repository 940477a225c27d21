/**
 * The notify path's public surface. The delivery core lives in `delivery.ts` (channel-agnostic, used
 * by the Lambda and the CLI), the DynamoDB stream adapter in `stream.ts`; this module keeps the
 * imports that predate the split working.
 */
export {
  deliverEntry,
  NOT_CONFIGURED_MARKER,
  type NotifyDeps,
} from './delivery';
export { type BatchResponse, createNotifyHandler, type ScheduledEvent, type StreamEvent } from './stream';
