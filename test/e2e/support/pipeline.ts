/**
 * The record → ledger → notify path assembled from real components, as the two Lambdas wire it:
 * dynalite (in memory, on 127.0.0.1) under `DynamoLedgerStore`, a recorded DynamoDB stream of that
 * table, the real `@slack/webhook` posting to a local Slack, and the real `SNSClient` publishing to a
 * local SNS. Each Lambda gets its own store and client, as separate functions do.
 */
import { DynamoDBClient, type DynamoDBClientConfig, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeEach } from 'vitest';
import type { CanaryArrivals } from '../../../handlers/heartbeat/store';
import { createDocumentClient, DynamoLedgerStore } from '../../../handlers/ledger/dynamo-store';
import { entryKey, rawKey } from '../../../handlers/ledger/keys';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startLocalLedger } from '../../../handlers/ledger/local';
import { DEFAULT_LEDGER_TABLE_NAME } from '../../../handlers/ledger/table';
import type { BurstSettings } from '../../../handlers/notify/burst';
import {
  type BatchResponse,
  createNotifyHandler,
  type NotifyDeps,
  type ScheduledEvent,
} from '../../../handlers/notify/handler';
import { defaultSlackRoute } from '../../../handlers/notify/routing';
import { createSlackNotifier } from '../../../handlers/notify/slack';
import type { SlackRetryOptions } from '../../../handlers/notify/slack-sender';
import { createSnsNotifier } from '../../../handlers/notify/sns';
import type { Clock } from '../../../handlers/ports';
import { createRecordHandler, type RecordHandler } from '../../../handlers/record/handler';
import { type RecordResult, recordEnvelope } from '../../../handlers/record/record';
import { cachedSuppressions } from '../../../handlers/suppress/suppression';
import { makeContext } from '../../../rules/context';
import type { DetectionContext, EventBridgeEnvelope, Severity } from '../../../rules/types';
import { type LogLine, recordingLogger } from '../../support/logs';
import { useSuiteResource } from '../../support/suite';
import { type FakeSlack, startFakeSlack } from './slack';
import { type FakeSns, startFakeSns, TOPIC_ARN } from './sns';
import {
  type AttributeMap,
  filterEntryInserts,
  type StreamRecord,
  type StreamTap,
  tapStream,
} from './stream';

/** The instant every handler in these tests believes it is. */
export const NOW = new Date('2026-11-20T14:03:15.000Z');
/** Organizations allows any printable ASCII in account names: this one needs escaping in Slack. */
export const ACCOUNT_NAME = 'payments & billing <prod>';

interface NotifyOptions {
  alertOnReplay?: boolean;
  /** Minimum severity for SNS. Default `high`, as deployed. */
  snsMinSeverity?: Severity;
  /** Overrides of the fast retry settings (2 attempts, no sleeping). */
  slackRetry?: SlackRetryOptions;
  /** Burst folding as deployed (off unless given). */
  bursts?: BurstSettings;
  /** Read suppressions from the ledger (no cache), as the Lambda does. */
  suppressions?: boolean;
  /** The notify function's clock. Default `NOW`. */
  clock?: Clock;
  /** Minimum severity of the Slack route. Default `medium`, the route default. */
  slackMinSeverity?: Severity;
}

export interface PipelineOptions {
  /** Detection context beyond the account name every test uses (e.g. the canary). */
  context?: Partial<DetectionContext>;
  /** Where the record handler notes canary arrivals (as the deployed record function does). */
  canaryArrivals?: CanaryArrivals;
}

type NotifyHandler = (event: { Records: StreamRecord[] } | ScheduledEvent) => Promise<BatchResponse>;

export interface Pipeline {
  /** The record Lambda (one container). */
  record: RecordHandler;
  /** Records each envelope in turn with `record`; the entry INSERTs the stream carried (all it held taken). */
  recordInserts(...envelopes: EventBridgeEnvelope[]): Promise<StreamRecord[]>;
  /** A record Lambda in another container: its own client and store on the same table (and clock, if given). */
  recordInNewContainer(clock?: Clock): RecordHandler;
  /** The record path as a CloudTrail backfill runs it (origin `backfill`), on a tapped store. */
  backfill(envelope: EventBridgeEnvelope): Promise<RecordResult>;
  /** A notify Lambda wired to the local Slack and SNS. */
  notify(options?: NotifyOptions): NotifyHandler;
  /** A store for reading the ledger back, as the CLI's `history` would. */
  store: DynamoLedgerStore;
  stream: StreamTap;
  slack: FakeSlack;
  sns: FakeSns;
  logs: LogLine[];
  /** The entry item of `eventId` exactly as stored (AttributeValue form), read with the low-level client. */
  readEntryItem(eventId: string): Promise<AttributeMap | undefined>;
  /** The raw-record item of `eventId` as stored. */
  readRawItem(eventId: string): Promise<AttributeMap | undefined>;
  /** Back to a quiet state between tests: Slack and SNS accept, nothing recorded, stream drained. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One pipeline for the calling test file: started before its first test, reset before each test,
 * closed after the last. What it returns stands for that pipeline; touching it outside a test or hook
 * (before `beforeAll` has run) throws.
 */
export function usePipeline(options: PipelineOptions = {}): Pipeline {
  const pipeline = useSuiteResource(() => startPipeline(options));
  beforeEach(async () => {
    await pipeline.reset();
  });
  return pipeline;
}

async function startPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  const local = await startLocalLedger({ persist: false });
  const clientConfig: DynamoDBClientConfig = {
    endpoint: local.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 2,
  };
  const clients: DynamoDBDocumentClient[] = [];
  const newClient = (): DynamoDBDocumentClient => {
    const client = createDocumentClient(clientConfig);
    clients.push(client);
    return client;
  };
  const firstClient = newClient();
  const stream = tapStream(firstClient, DEFAULT_LEDGER_TABLE_NAME, clientConfig);
  const storeOf = (client: DynamoDBDocumentClient) =>
    new DynamoLedgerStore({ client, tableName: DEFAULT_LEDGER_TABLE_NAME });
  const newStore = (): DynamoLedgerStore => {
    const client = newClient();
    stream.attach(client);
    return storeOf(client);
  };
  const reader = new DynamoDBClient(clientConfig);
  const [slack, sns] = await Promise.all([startFakeSlack(), startFakeSns()]);
  const logs: LogLine[] = [];
  const logger = recordingLogger(logs);
  const clock: Clock = { now: () => NOW };
  const context = makeContext({ accountNames: { '111122223333': ACCOUNT_NAME }, ...options.context });
  const arrivals = options.canaryArrivals ? { canaryArrivals: options.canaryArrivals } : {};
  const readItem = async (key: { pk: string; sk: string }) => {
    const { Item } = await reader.send(
      new GetItemCommand({
        TableName: DEFAULT_LEDGER_TABLE_NAME,
        Key: { pk: { S: key.pk }, sk: { S: key.sk } },
        ConsistentRead: true,
      }),
    );
    return Item;
  };
  const recordStore = storeOf(firstClient);
  const record = createRecordHandler({ store: recordStore, context, clock, logger, ...arrivals });

  return {
    record,
    recordInserts: async (...envelopes) => {
      for (const envelope of envelopes) await record(envelope);
      return filterEntryInserts(stream.take());
    },
    recordInNewContainer: (later = clock) =>
      createRecordHandler({ store: newStore(), context, clock: later, logger, ...arrivals }),
    backfill: (envelope) =>
      recordEnvelope(envelope, 'backfill', { store: recordStore, context, clock, logger }),
    notify: (options = {}) => {
      const store = newStore();
      const notifyClock = options.clock ?? clock;
      const deps: NotifyDeps = {
        store,
        notifiers: [
          createSlackNotifier({
            route: {
              ...defaultSlackRoute({ webhookUrl: slack.webhookUrl }),
              ...(options.slackMinSeverity ? { minSeverity: options.slackMinSeverity } : {}),
            },
            webhookUrl: slack.webhookUrl,
            retry: { maxAttempts: 2, sleep: async () => {}, random: () => 0, ...options.slackRetry },
          }),
          createSnsNotifier({
            client: sns.client,
            topicArn: TOPIC_ARN,
            minSeverity: options.snsMinSeverity ?? 'high',
          }),
        ],
        clock: notifyClock,
        logger,
        alertOnReplay: options.alertOnReplay ?? false,
        ...(options.bursts ? { bursts: options.bursts } : {}),
        ...(options.suppressions ? { suppressions: cachedSuppressions(store, notifyClock, logger, 0) } : {}),
      };
      return createNotifyHandler(deps);
    },
    store: storeOf(newClient()),
    stream,
    slack,
    sns,
    logs,
    readEntryItem: (eventId) => readItem(entryKey(eventId)),
    readRawItem: (eventId) => readItem(rawKey(eventId)),
    reset: async () => {
      await stream.settled();
      stream.take();
      slack.answerWith();
      slack.reset();
      sns.failWith();
      sns.reset();
      logs.length = 0;
    },
    close: async () => {
      for (const client of clients) client.destroy();
      reader.destroy();
      stream.close();
      await Promise.all([slack.close(), sns.close()]);
      await local.close();
    },
  };
}
