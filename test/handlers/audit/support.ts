/**
 * Support for the audit tests: an STS front for moto that denies role assumption into chosen
 * accounts at the wire (moto itself lets every AssumeRole through), CloudTrail records for a ledger,
 * and a CLI command run with captured streams.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CliIo } from '../../../handlers/cli/io';
import { type CliRun, runCaptured } from '../cli/support';

/** Forwards everything to moto, except AssumeRole into `deniedAccounts`: 403 AccessDenied as STS says it. */
export async function startDenyingSts(
  motoEndpoint: string,
  deniedAccounts: readonly string[],
): Promise<{ endpoint: string; close(): Promise<void> }> {
  const target = new URL(motoEndpoint);
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString('utf8'));
      const roleArn = form.get('RoleArn') ?? '';
      if (
        form.get('Action') === 'AssumeRole' &&
        deniedAccounts.some((account) => roleArn.includes(`::${account}:`))
      ) {
        outgoing.writeHead(403, { 'content-type': 'text/xml' });
        outgoing.end(
          `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:sts::123456789012:assumed-role/auditor/x is not authorized to perform: sts:AssumeRole on resource: ${roleArn}</Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>`,
        );
        return;
      }
      const forwarded = request(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: target.host },
        },
        (response) => {
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        },
      );
      forwarded.on('error', (error) => {
        outgoing.writeHead(502);
        outgoing.end(error.message);
      });
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs a command function (`createInventoryCommand(...)`) with captured streams. */
export function runCommand(
  command: (argv: string[], io: CliIo) => Promise<number>,
  argv: string[],
  env: Record<string, string>,
  cwd = process.cwd(),
): Promise<CliRun> {
  return runCaptured(command, argv, { env, cwd });
}

let sequence = 0;

/** A CloudTrail IAM record made by `actor` in `accountId`. */
export function iamRecord(
  eventName: string,
  accountId: string,
  eventTime: string,
  requestParameters: Record<string, unknown>,
  options: { responseElements?: Record<string, unknown>; sso?: string; userName?: string } = {},
): Record<string, unknown> {
  sequence++;
  const userIdentity = options.sso
    ? {
        type: 'AssumedRole',
        principalId: `AROAEXAMPLESSO:${options.sso}`,
        arn: `arn:aws:sts::${accountId}:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/${options.sso}`,
        accountId,
        accessKeyId: 'ASIAEXAMPLESSO',
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: 'AROAEXAMPLESSO',
            arn: `arn:aws:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef`,
            accountId,
            userName: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef',
          },
          attributes: { creationDate: eventTime, mfaAuthenticated: 'false' },
        },
      }
    : {
        type: 'IAMUser',
        principalId: 'AIDAEXAMPLEUSER',
        arn: `arn:aws:iam::${accountId}:user/${options.userName ?? 'alice'}`,
        accountId,
        accessKeyId: 'AKIAEXAMPLEACTOR',
        userName: options.userName ?? 'alice',
      };
  return {
    eventVersion: '1.09',
    userIdentity,
    eventTime,
    eventSource: 'iam.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64 command/iam',
    requestParameters,
    responseElements: options.responseElements ?? null,
    requestID: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    eventID: `11111111-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: accountId,
    eventCategory: 'Management',
  };
}
