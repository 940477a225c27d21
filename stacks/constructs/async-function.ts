/**
 * A house function invoked asynchronously (EventBridge rules and schedules, Scheduler, SNS), with a
 * dead-letter queue of its own, `<functionName>-failures`: failed invocations land there with their
 * error (on-failure destination), and so does what a rule or schedule could not deliver to it.
 */
import { type Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue';
import { IamwatchFunction, type IamwatchFunctionProps } from './iamwatch-function';

/** How often and for how long a failed delivery or invocation is tried again. */
export interface RetryPolicy {
  retryAttempts: number;
  maxEventAge?: Duration;
}

export interface AsyncFunctionProps
  extends Omit<IamwatchFunctionProps, 'onFailure' | 'retryAttempts' | 'maxEventAge'>,
    RetryPolicy {
  /**
   * Construct id of the failures queue, created next to the function in the same scope. It fixes the
   * queue's logical id: renaming it would replace the queue and lose its messages.
   */
  failuresId: string;
  /** What fails into the queue, for its acknowledgements. */
  catches: string;
}

export interface ScheduleRuleProps extends RetryPolicy {
  ruleName: string;
  description: string;
  schedule: events.Schedule;
}

export class AsyncFunction extends IamwatchFunction {
  readonly failures: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: AsyncFunctionProps) {
    const { failuresId, catches, retryAttempts, maxEventAge, ...functionProps } = props;
    const queueName = `${props.functionName}-failures`;
    const failures = new DeadLetterQueue(scope, failuresId, { queueName, catches });
    super(scope, id, {
      ...functionProps,
      onFailure: new destinations.SqsDestination(failures),
      retryAttempts,
      maxEventAge,
    });
    this.failures = failures;
    Validations.of(this).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: `Failed asynchronous invocations go to the on-failure destination (${queueName}), which keeps the error with the event; a legacy DLQ would duplicate it.`,
    });
  }

  /** An EventBridge rule target for this function; what EventBridge cannot deliver joins its failures. */
  ruleTarget(retry: RetryPolicy): targets.LambdaFunction {
    return new targets.LambdaFunction(this, { deadLetterQueue: this.failures, ...retry });
  }

  /** A rule running this function on `schedule`, created next to it (in the function's scope). */
  addScheduleRule(id: string, props: ScheduleRuleProps): events.Rule {
    const { ruleName, description, schedule, ...retry } = props;
    return new events.Rule(this.node.scope as Construct, id, {
      ruleName,
      description,
      schedule,
      targets: [this.ruleTarget(retry)],
    });
  }
}
