/**
 * A Step Functions endpoint on 127.0.0.1 (AWS JSON 1.0 protocol, as the SDK speaks it) that runs the S3
 * backfill state machine the way a Distributed Map would: moto_server serves S3 but its Map Runs are
 * stubs, so this server lists the execution's prefix (ListObjectsV2 on moto), batches the objects, runs
 * the real replay handler on each batch, and writes the documented result files (manifest.json,
 * SUCCEEDED_n.json, FAILED_n.json) to the results bucket on moto.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { MapRunCounts } from '../../../../handlers/s3/distributed';

export interface FakeStepFunctions {
  endpoint: string;
  /** Execution inputs received, parsed. */
  inputs: Record<string, unknown>[];
  /** Targets of every call, in order (`StartExecution`, `DescribeMapRun` …). */
  calls: string[];
  close(): Promise<void>;
}

export interface FakeMachine {
  name: string;
  /** The bucket its ItemReader lists. */
  bucket: string;
  resultsBucket: string;
  objectsPerBatch: number;
  s3: S3Client;
  /** The child workflow: the replay handler. */
  runBatch(event: {
    Items: { Key: string; Size: number }[];
    BatchInput: Record<string, unknown>;
  }): Promise<unknown>;
  /** Percent of failed items above which the execution fails. */
  toleratedFailurePercentage: number;
}

const ACCOUNT = '222222222222';

/** Map Run ARNs end in a run id of their own; results are written under `<prefix>/<run id>/`. */
function mapRunArnOf(executionArn: string): string {
  const name = executionArn.split(':').pop() as string;
  return `arn:aws:states:us-east-1:${ACCOUNT}:mapRun:iamwatch-s3-backfill/ReplayObjects:${name}-run`;
}

export async function startFakeStepFunctions(machine: FakeMachine): Promise<FakeStepFunctions> {
  const machineArn = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${machine.name}`;
  const inputs: Record<string, unknown>[] = [];
  const calls: string[] = [];
  interface Counts extends MapRunCounts {
    resultsWritten: number;
  }
  const executions = new Map<
    string,
    { describeCalls: number; result?: Promise<Record<string, unknown>>; counts: Counts }
  >();

  const definition = JSON.stringify({
    StartAt: 'ReplayObjects',
    States: {
      ReplayObjects: {
        Type: 'Map',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:listObjectsV2',
          Parameters: { Bucket: machine.bucket, 'Prefix.$': '$.prefix' },
        },
        ResultWriter: {
          Resource: 'arn:aws:states:::s3:putObject',
          Parameters: { Bucket: machine.resultsBucket, Prefix: 'map-runs' },
        },
        End: true,
      },
    },
  });

  const run = async (executionArn: string, input: Record<string, unknown>) => {
    const execution = executions.get(executionArn)!;
    const keys: { Key: string; Size: number }[] = [];
    let token: string | undefined;
    do {
      const page = await machine.s3.send(
        new ListObjectsV2Command({
          Bucket: machine.bucket,
          Prefix: input.prefix as string,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const object of page.Contents ?? [])
        keys.push({ Key: object.Key as string, Size: object.Size ?? 0 });
      token = page.NextContinuationToken;
    } while (token);
    execution.counts.total = keys.length;
    execution.counts.pending = keys.length;
    const { prefix: _prefix, ...batchInput } = input;
    const succeeded: unknown[] = [];
    const failed: unknown[] = [];
    for (let i = 0; i < keys.length; i += machine.objectsPerBatch) {
      const items = keys.slice(i, i + machine.objectsPerBatch);
      const event = { Items: items, BatchInput: { bucket: machine.bucket, ...batchInput } };
      execution.counts.pending -= items.length;
      try {
        const output = await machine.runBatch(event);
        succeeded.push({ Input: JSON.stringify(event), Output: JSON.stringify(output), Status: 'SUCCEEDED' });
        execution.counts.succeeded += items.length;
      } catch (error) {
        const err = error as Error;
        failed.push({ Input: JSON.stringify(event), Error: err.name, Cause: err.message, Status: 'FAILED' });
        execution.counts.failed += items.length;
      }
    }
    const runId = mapRunArnOf(executionArn).split(':').pop() as string;
    const base = `map-runs/${runId}`;
    const put = (key: string, body: unknown) =>
      machine.s3.send(
        new PutObjectCommand({ Bucket: machine.resultsBucket, Key: key, Body: JSON.stringify(body) }),
      );
    await put(`${base}/SUCCEEDED_0.json`, succeeded);
    if (failed.length) await put(`${base}/FAILED_0.json`, failed);
    await put(`${base}/manifest.json`, {
      DestinationBucket: machine.resultsBucket,
      MapRunArn: mapRunArnOf(executionArn),
      ResultFiles: {
        SUCCEEDED: [{ Key: `${base}/SUCCEEDED_0.json`, Size: 1 }],
        FAILED: failed.length ? [{ Key: `${base}/FAILED_0.json`, Size: 1 }] : [],
        PENDING: [],
      },
    });
    const failedPercent = keys.length ? (100 * execution.counts.failed) / keys.length : 0;
    const output = JSON.stringify({
      MapRunArn: mapRunArnOf(executionArn),
      ResultWriterDetails: { Bucket: machine.resultsBucket, Key: `${base}/manifest.json` },
    });
    return failedPercent > machine.toleratedFailurePercentage
      ? {
          status: 'FAILED',
          error: 'States.ExceedToleratedFailureThreshold',
          cause: 'The specified tolerated failure threshold was exceeded',
        }
      : { status: 'SUCCEEDED', output };
  };

  const handle = (target: string, body: Record<string, unknown>): [number, unknown] => {
    const now = Date.now() / 1000;
    switch (target) {
      case 'ListStateMachines':
        return [
          200,
          {
            stateMachines: [
              { stateMachineArn: machineArn, name: machine.name, type: 'STANDARD', creationDate: now },
            ],
          },
        ];
      case 'DescribeStateMachine':
        if (body.stateMachineArn !== machineArn)
          return [400, { __type: 'StateMachineDoesNotExist', message: 'no such state machine' }];
        return [
          200,
          {
            stateMachineArn: machineArn,
            name: machine.name,
            definition,
            roleArn: `arn:aws:iam::${ACCOUNT}:role/x`,
            type: 'STANDARD',
            creationDate: now,
          },
        ];
      case 'StartExecution': {
        const executionArn = `arn:aws:states:us-east-1:${ACCOUNT}:execution:${machine.name}:${body.name as string}`;
        const input = JSON.parse(body.input as string) as Record<string, unknown>;
        inputs.push(input);
        const execution = {
          describeCalls: 0,
          counts: {
            total: 0,
            pending: 0,
            running: 0,
            succeeded: 0,
            failed: 0,
            timedOut: 0,
            aborted: 0,
            resultsWritten: 0,
          },
        };
        executions.set(executionArn, execution);
        (execution as { result?: Promise<Record<string, unknown>> }).result = run(executionArn, input);
        return [200, { executionArn, startDate: now }];
      }
      case 'ListMapRuns':
        return [
          200,
          {
            mapRuns: [
              {
                executionArn: body.executionArn,
                mapRunArn: mapRunArnOf(body.executionArn as string),
                stateMachineArn: machineArn,
                startDate: now,
              },
            ],
          },
        ];
      case 'DescribeMapRun': {
        const executionArn = [...executions.keys()].find(
          (arn) => mapRunArnOf(arn) === body.mapRunArn,
        ) as string;
        const execution = executions.get(executionArn);
        return [
          200,
          {
            mapRunArn: body.mapRunArn,
            executionArn,
            status: 'RUNNING',
            startDate: now,
            maxConcurrency: 40,
            toleratedFailurePercentage: machine.toleratedFailurePercentage,
            toleratedFailureCount: 0,
            itemCounts: execution?.counts,
            executionCounts: execution?.counts,
          },
        ];
      }
      default:
        return [400, { __type: 'UnknownOperationException', message: target }];
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const target = String(req.headers['x-amz-target'] ?? '').replace('AWSStepFunctions.', '');
      calls.push(target);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      let answer: [number, unknown];
      if (target === 'DescribeExecution') {
        const execution = executions.get(body.executionArn as string);
        if (!execution) answer = [400, { __type: 'ExecutionDoesNotExist', message: 'no such execution' }];
        else {
          execution.describeCalls++;
          // The first reading finds it running, as a real execution would be.
          const result = execution.describeCalls > 1 ? await execution.result : undefined;
          answer = [
            200,
            {
              executionArn: body.executionArn,
              stateMachineArn: machineArn,
              startDate: Date.now() / 1000,
              status: result?.status ?? 'RUNNING',
              ...(result?.output ? { output: result.output } : {}),
              ...(result?.error ? { error: result.error, cause: result.cause } : {}),
            },
          ];
        }
      } else answer = handle(target, body);
      res.writeHead(answer[0], { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(answer[1]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    inputs,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
