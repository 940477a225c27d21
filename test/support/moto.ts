/**
 * A real `moto_server` (moto 5, Python) on 127.0.0.1 for tests of the AWS APIs it serves:
 * Organizations, IAM, STS, CloudFormation StackSets, EventBridge, CloudWatch, SNS, SQS, S3, Secrets
 * Manager, Step Functions and DynamoDB. A user's machine may not have it: suites gate themselves with
 * `describeWithMoto` and skip cleanly; `.ci/run` fails when it is missing in CI, so
 * those suites can never skip silently there.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, vi } from 'vitest';
import { stubEnvs } from './env';
import { unusedPort } from './net';
import { useSuiteResource } from './suite';

/** True when `moto_server` is on PATH and answers `--help`. */
const MOTO_AVAILABLE = spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;

/** Why a moto suite skipped, for the suite's title. */
const MOTO_SKIP_REASON = 'moto_server is not installed (pip install "moto[server]"); skipped';

/** Credentials moto accepts (any); its default account is 123456789012. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;
export const MOTO_DEFAULT_ACCOUNT = '123456789012';

/** Client settings every SDK v3 client takes: endpoint, region, static credentials. */
interface MotoClientConfig {
  endpoint: string;
  region: string;
  credentials: typeof MOTO_CREDENTIALS;
  forcePathStyle: true;
}

export interface MotoServer {
  /** `http://127.0.0.1:PORT`, for `endpoint` or `AWS_ENDPOINT_URL`. */
  endpoint: string;
  /** Client settings every SDK v3 client takes: endpoint, region, static credentials. */
  clientConfig(region?: string): MotoClientConfig;
  /** Environment for a child process or a code path that builds its own clients from the chain. */
  env(region?: string): Record<string, string>;
  /** Drops every resource in every backend (moto's reset API). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

async function waitUntilServing(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${output()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer within 30 s: ${output()}`);
}

/**
 * Starts a fresh moto_server. `env` is passed to it (e.g. `MOTO_IAM_LOAD_MANAGED_POLICIES=true` for
 * AWS managed policies). Close it in `afterAll` (or let `useMoto` do both for a suite).
 */
export async function startMoto(env: Record<string, string> = {}): Promise<MotoServer> {
  if (!MOTO_AVAILABLE) throw new Error(MOTO_SKIP_REASON);
  const port = await unusedPort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  try {
    await waitUntilServing(endpoint, child, () => log);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    clientConfig: (region = 'us-east-1') => ({
      endpoint,
      region,
      credentials: MOTO_CREDENTIALS,
      forcePathStyle: true,
    }),
    env: (region = 'us-east-1') => ({
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    }),
    reset: async () => {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

interface UseMotoOptions {
  /**
   * What `process.env` holds while the suite runs, for code that builds its clients from the chain:
   * moto's static `credentials`, or `all` of `MotoServer.env()` (credentials, endpoint, region).
   */
  stubEnv?: 'credentials' | 'all';
}

/** A moto_server for one suite. */
interface MotoSuite extends MotoServer {
  /**
   * An SDK client on this server (`moto.client(S3Client)`), or on a proxy of it at `endpoint`; destroyed
   * when the suite ends.
   */
  client<C extends { destroy(): void }>(Client: new (config: MotoClientConfig) => C, endpoint?: string): C;
}

/**
 * A moto_server for the calling suite (inside `describeWithMoto`): started in `beforeAll`, closed with
 * the clients it handed out (and the environment it stubbed restored) in `afterAll`.
 */
export function useMoto(options: UseMotoOptions = {}): MotoSuite {
  return useSuiteResource(async () => {
    const server = await startMoto();
    if (options.stubEnv === 'all') stubEnvs(server.env());
    if (options.stubEnv === 'credentials') {
      stubEnvs({
        AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      });
    }
    const clients: { destroy(): void }[] = [];
    return {
      ...server,
      client: (Client, endpoint = server.endpoint) => {
        const client = new Client({ ...server.clientConfig(), endpoint });
        clients.push(client);
        return client;
      },
      close: async () => {
        if (options.stubEnv) vi.unstubAllEnvs();
        for (const client of clients) client.destroy();
        await server.close();
      },
    };
  });
}

/** Static credentials of a role session, as AssumeRole hands them out. */
export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/**
 * A session of `roleName` in `accountId`. moto answers AssumeRole with that account's credentials
 * (the role need not exist), so clients built with them act inside that account.
 */
export async function assumeRoleIn(
  moto: MotoServer,
  accountId: string,
  roleName: string,
  sessionName = 'setup',
): Promise<SessionCredentials> {
  const sts = new STSClient(moto.clientConfig());
  try {
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
        RoleSessionName: sessionName,
      }),
    );
    return {
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken ?? '',
    };
  } finally {
    sts.destroy();
  }
}

/** An organization in moto, its management account moto's default one. */
export interface MotoOrganization {
  organizationId: string;
  rootId: string;
  /** A new member account named `name` (e-mail `name@example.com`), moved to `parentId` when given; its id. */
  createAccount(name: string, parentId?: string): Promise<string>;
  /** A new organizational unit under `parentId` (default: the root); its id. */
  createOrganizationalUnit(name: string, parentId?: string): Promise<string>;
  /** The Organizations client it uses, with moto's default credentials. */
  client: OrganizationsClient;
  close(): void;
}

/** Creates an organization with all features. Close it (its client) in `afterAll`. */
export async function createMotoOrganization(moto: MotoServer): Promise<MotoOrganization> {
  const client = new OrganizationsClient(moto.clientConfig());
  const created = await client.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const rootId = (await client.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? '';
  return {
    organizationId: created.Organization?.Id ?? '',
    rootId,
    client,
    createAccount: async (name, parentId) => {
      const account = await client.send(
        new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }),
      );
      const accountId = account.CreateAccountStatus?.AccountId ?? '';
      if (parentId && parentId !== rootId) {
        await client.send(
          new MoveAccountCommand({
            AccountId: accountId,
            SourceParentId: rootId,
            DestinationParentId: parentId,
          }),
        );
      }
      return accountId;
    },
    createOrganizationalUnit: async (name, parentId = rootId) =>
      (await client.send(new CreateOrganizationalUnitCommand({ ParentId: parentId, Name: name })))
        .OrganizationalUnit?.Id ?? '',
    close: () => client.destroy(),
  };
}

/** A suite that needs moto_server: skipped where it is not installed, with the reason in its title. */
export function describeWithMoto(title: string, suite: () => void): void {
  describe.skipIf(!MOTO_AVAILABLE)(MOTO_AVAILABLE ? title : `${title} (${MOTO_SKIP_REASON})`, suite);
}
