/**
 * The end-to-end canary function, a factory over its ports: on every scheduled run it tags the
 * dedicated canary role with `iamwatch:canary = <now>`. The write itself is the probe: its CloudTrail
 * event must travel CloudTrail → EventBridge → forwarder → central bus → record → ledger, where the
 * record path labels it (`rules/canary.ts`) and the heartbeat check watches for its absence.
 */
import { type IAMClient, TagRoleCommand } from '@aws-sdk/client-iam';
import { CANARY_TAG_KEY } from '../../rules/canary';
import type { Clock, Logger } from '../ports';

export interface CanaryDeps {
  /** An IAM client (global service: us-east-1). */
  iam: Pick<IAMClient, 'send'>;
  /** The dedicated role to tag. */
  roleName: string;
  clock: Clock;
  logger: Logger;
}

export interface CanaryOutcome {
  roleName: string;
  /** The tag value written: the time of the write. */
  at: string;
}

/**
 * The scheduled handler. An IAM error propagates: Lambda retries the asynchronous invocation, then
 * the failure destination and the error alarm see it, and the heartbeat check reports the silence.
 */
export function createCanaryHandler(deps: CanaryDeps): (event?: unknown) => Promise<CanaryOutcome> {
  return async () => {
    const at = deps.clock.now().toISOString();
    await deps.iam.send(
      new TagRoleCommand({ RoleName: deps.roleName, Tags: [{ Key: CANARY_TAG_KEY, Value: at }] }),
    );
    deps.logger.info('canary written', { roleName: deps.roleName, at });
    return { roleName: deps.roleName, at };
  };
}
