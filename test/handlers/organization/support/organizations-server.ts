/**
 * A local AWS Organizations endpoint with AWS's documented JSON protocol (awsJson1_1, `X-Amz-Target:
 * AWSOrganizationsV20161128.<Operation>`) for the organizations moto cannot build quickly: thousands of
 * accounts, pages of at most 20 (the documented maximum of ListAccountsForParent), and throttling.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUnit {
  id: string;
  name: string;
  parentId: string;
}

export interface FakeAccount {
  id: string;
  name: string;
  parentId: string;
}

export interface OrganizationsServer {
  endpoint: string;
  /** Requests per operation. */
  calls: Record<string, number>;
  close(): Promise<void>;
}

const PAGE = 20;

export async function startOrganizationsServer(options: {
  rootId: string;
  units: FakeUnit[];
  accounts: FakeAccount[];
  /** Answer this many requests with TooManyRequestsException first. */
  throttleFirst?: number;
}): Promise<OrganizationsServer> {
  const calls: Record<string, number> = {};
  let throttles = options.throttleFirst ?? 0;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      calls[operation] = (calls[operation] ?? 0) + 1;
      const send = (status: number, payload: unknown, type?: string) => {
        response.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          ...(type ? { 'x-amzn-errortype': type } : {}),
        });
        response.end(JSON.stringify(payload));
      };
      if (throttles > 0) {
        throttles--;
        send(
          400,
          { __type: 'TooManyRequestsException', Message: 'Rate exceeded' },
          'TooManyRequestsException',
        );
        return;
      }
      const input = JSON.parse(body || '{}') as { ParentId?: string; NextToken?: string };
      const page = <T>(items: T[]) => {
        const start = Number(input.NextToken ?? 0);
        const next = start + PAGE < items.length ? String(start + PAGE) : undefined;
        return { items: items.slice(start, start + PAGE), ...(next ? { NextToken: next } : {}) };
      };
      switch (operation) {
        case 'DescribeOrganization':
          send(200, { Organization: { Id: 'o-exampleorgid', MasterAccountId: options.accounts[0]?.id } });
          return;
        case 'ListRoots':
          send(200, { Roots: [{ Id: options.rootId, Name: 'Root' }] });
          return;
        case 'ListOrganizationalUnitsForParent': {
          const { items, ...rest } = page(options.units.filter((u) => u.parentId === input.ParentId));
          send(200, { OrganizationalUnits: items.map((u) => ({ Id: u.id, Name: u.name })), ...rest });
          return;
        }
        case 'ListAccountsForParent': {
          const { items, ...rest } = page(options.accounts.filter((a) => a.parentId === input.ParentId));
          send(200, {
            Accounts: items.map((a) => ({
              Id: a.id,
              Name: a.name,
              Status: 'ACTIVE',
              State: 'ACTIVE',
              JoinedTimestamp: 1_700_000_000,
            })),
            ...rest,
          });
          return;
        }
        default:
          send(
            400,
            { __type: 'InvalidInputException', Message: `unknown operation ${operation}` },
            'InvalidInputException',
          );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
