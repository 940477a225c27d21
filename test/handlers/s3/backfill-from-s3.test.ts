import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createBackfillCommand } from '../../../handlers/cli/backfill';
import { createReplayBatchHandler } from '../../../handlers/s3/replay-handler';
import { silentLogger } from '../../../handlers/shared/logger';
import { makeContext } from '../../../rules/context';
import { describeWithMoto, useMoto } from '../../support/moto';
import { useSuiteResource } from '../../support/suite';
import { cli, runCaptured } from '../cli/support';
import { startDynaliteLedger } from '../ledger/support/dynalite';
import { type FakeStepFunctions, startFakeStepFunctions } from './support/fake-step-functions';
import { getObjectKey, startS3Proxy } from './support/proxy';
import { createTrailBucket, ORG_ID, trailObjects } from './support/trail-bucket';

const BUCKET = 'org-trail-logs';
const RESULTS = 'backfill-results';
const OBJECTS = trailObjects();

function runBackfill(argv: string[], env: Record<string, string>) {
  return runCaptured(createBackfillCommand({ sleepS3: async () => {}, pollSeconds: 1 }), argv, { env });
}

describeWithMoto('backfill --from-s3 (moto S3; Step Functions emulated at the wire)', () => {
  const moto = useMoto({ stubEnv: 'credentials' });
  const ledger = useSuiteResource(startDynaliteLedger);
  const proxy = useSuiteResource(() => startS3Proxy(moto.endpoint));
  let sfn: FakeStepFunctions;
  let s3: S3Client;
  let proxied: S3Client;

  beforeAll(async () => {
    s3 = moto.client(S3Client);
    await createTrailBucket(s3, BUCKET, OBJECTS);
    await s3.send(new CreateBucketCommand({ Bucket: RESULTS }));
    proxied = moto.client(S3Client, proxy.endpoint);
    const replay = createReplayBatchHandler({
      store: ledger.store,
      context: makeContext({}),
      clock: { now: () => new Date() },
      logger: silentLogger,
      s3: proxied,
      retentionDays: 36500,
      concurrency: 4,
      fetch: { retries: 0 },
    });
    sfn = await startFakeStepFunctions({
      name: 'iamwatch-s3-backfill',
      bucket: BUCKET,
      resultsBucket: RESULTS,
      objectsPerBatch: 3,
      s3,
      runBatch: (event) => replay(event),
      toleratedFailurePercentage: 1,
    });
  });
  afterAll(async () => {
    await sfn?.close();
  });
  afterEach(() => {
    proxy.fault = () => undefined;
  });

  const env = () => ({
    AWS_ENDPOINT_URL_S3: moto.endpoint,
    AWS_ENDPOINT_URL_SFN: sfn.endpoint,
    AWS_REGION: 'us-east-1',
  });

  it('replays the bucket on this machine as silent backfill entries, alerting only with --alert', async () => {
    const url = `s3://${BUCKET}/AWSLogs/${ORG_ID}/111122223333/`;
    const quiet = await cli(['backfill', '--from-s3', url, '--store', 'memory'], { env: env() });
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toMatch(/records read\s+48\n/);
    expect(quiet.stdout).toMatch(/alerts sent\s+0\n/);
    const loud = await cli(['backfill', '--from-s3', url, '--store', 'memory', '--alert'], { env: env() });
    expect(loud.stdout).not.toMatch(/alerts sent\s+0\n/);
  });

  it('--distributed starts the state machine on the narrowest prefix, follows it, and prints the totals', async () => {
    const argv = [
      '--from-s3',
      `s3://${BUCKET}/AWSLogs/${ORG_ID}/`,
      '--accounts',
      '111122223333',
      '--since',
      '2025-03-15T00:00:00Z',
      '--distributed',
    ];
    const first = await runBackfill(argv, env());
    expect(first.stderr).toContain('starting backfill-');
    expect(first.code).toBe(0);
    expect(sfn.inputs.at(-1)).toEqual({
      prefix: `AWSLogs/${ORG_ID}/111122223333/CloudTrail/`,
      since: '2025-03-15T00:00:00.000Z',
      until: '',
      accounts: ['111122223333'],
      regions: [],
      alert: false,
    });
    expect(first.stdout).toContain('status                SUCCEEDED');
    expect(first.stdout).toMatch(/log files read\s+4 {2}\(3 outside the window or not log files\)/);
    expect(first.stdout).toMatch(/records read\s+32\n/);
    const inserted = Number(/recorded \(new\)\s+(\d+)/.exec(first.stdout)?.[1]);
    expect(inserted).toBeGreaterThan(0);
    expect(sfn.calls).toEqual(
      expect.arrayContaining(['ListStateMachines', 'DescribeStateMachine', 'DescribeMapRun']),
    );

    const again = await runBackfill(argv, env());
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/recorded \(new\)\s+0\n/);
    expect(again.stdout).toMatch(new RegExp(`already in ledger\\s+${inserted}\\n`));
  });

  it('--distributed exits 1 naming the objects of failed batches', async () => {
    const victim = OBJECTS.find(
      (o) => o.log && o.key.includes('/444455556666/CloudTrail/eu-west-1/2025/03/14/'),
    )?.key;
    proxy.fault = (request) =>
      getObjectKey(request, BUCKET) === victim ? { status: 403, code: 'AccessDenied' } : undefined;
    const run = await runBackfill(
      ['--from-s3', `s3://${BUCKET}/AWSLogs/${ORG_ID}/444455556666/`, '--distributed'],
      env(),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('status                FAILED');
    expect(run.stdout).toContain('States.ExceedToleratedFailureThreshold');
    expect(run.stdout).toContain('Failed batches');
    expect(run.stdout).toContain(`    ${victim}`);
    expect(run.stdout).toContain('ObjectsUnreadableError');
  });

  it('refuses a state machine that replays another bucket, and local-only options with --distributed', async () => {
    const other = await runBackfill(['--from-s3', 's3://another-bucket/', '--distributed'], env());
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`replays s3://${BUCKET}, not s3://another-bucket`);
    const mixed = await cli(
      ['backfill', '--from-s3', `s3://${BUCKET}/`, '--distributed', '--store', 'memory'],
      {
        env: env(),
      },
    );
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--store applies to a backfill on this machine');
  });
});
