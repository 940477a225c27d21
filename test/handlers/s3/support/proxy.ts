/**
 * An HTTP proxy on 127.0.0.1 in front of moto_server that records every S3 request and can inject the
 * faults moto cannot produce: a body that breaks off half way, or an error answer.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** Path and query as sent (path-style: /bucket/key?…). */
  url: string;
}

/** What to do with a request: pass it on, cut its body short, or answer with an error status. */
type Fault = undefined | 'truncate' | { status: number; code: string };

export interface S3Proxy {
  endpoint: string;
  requests: ProxiedRequest[];
  fault: (request: ProxiedRequest, index: number) => Fault;
  close(): Promise<void>;
}

export async function startS3Proxy(upstream: string): Promise<S3Proxy> {
  const target = new URL(upstream);
  const proxy: S3Proxy = { endpoint: '', requests: [], fault: () => undefined, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const recorded = { method: req.method ?? '', url: req.url ?? '' };
    const index = proxy.requests.push(recorded) - 1;
    const fault = proxy.fault(recorded, index);
    if (fault && fault !== 'truncate') {
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/xml' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.code}</Code><Message>injected</Message></Error>`,
      );
      return;
    }
    const upstreamRequest = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamResponse) => {
        const chunks: Buffer[] = [];
        upstreamResponse.on('data', (chunk: Buffer) => chunks.push(chunk));
        upstreamResponse.on('end', () => {
          const body = Buffer.concat(chunks);
          res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
          if (fault === 'truncate' && body.length > 1) {
            res.write(body.subarray(0, Math.floor(body.length / 2)));
            res.socket?.destroy();
            return;
          }
          res.end(body);
        });
      },
    );
    upstreamRequest.on('error', () => res.destroy());
    req.pipe(upstreamRequest);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

/** The object key of a path-style GetObject, or undefined for any other request. */
export function getObjectKey(request: ProxiedRequest, bucket: string): string | undefined {
  if (request.method !== 'GET') return undefined;
  const url = new URL(request.url, 'http://proxy');
  if (url.search.includes('list-type') || !url.pathname.startsWith(`/${bucket}/`)) return undefined;
  return decodeURIComponent(url.pathname.slice(bucket.length + 2));
}

/** The Prefix of every ListObjectsV2 call. */
export function listedPrefixes(requests: readonly ProxiedRequest[]): string[] {
  return requests
    .map((request) => new URL(request.url, 'http://proxy').searchParams)
    .filter((params) => params.get('list-type') === '2')
    .map((params) => params.get('prefix') ?? '');
}
