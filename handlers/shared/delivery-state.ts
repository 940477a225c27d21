/**
 * What a channel's delivery state on an entry means for the next attempt, shared by notify (which
 * skips settled channels), the record Lambda and the CLI (which resume what is still pending).
 */
import type { ChannelDelivery } from '../ports';

/**
 * A channel state nothing more will be done about: delivered, suppressed, folded into a burst
 * follow-up, or failed for good. Anything else (no state, a transient failure) is still pending.
 */
export function isSettled(state: ChannelDelivery | undefined): boolean {
  return (
    state?.status === 'delivered' ||
    state?.status === 'suppressed' ||
    state?.status === 'folded' ||
    isPermanent(state)
  );
}

/** A permanent failure, also as written before the `permanent` status existed. */
export function isPermanent(state: ChannelDelivery | undefined): boolean {
  return (
    state?.status === 'permanent' || (state?.status === 'failed' && !!state.error?.startsWith('permanent:'))
  );
}
