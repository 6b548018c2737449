/**
 * A stand-in for APIG in front of the built bundles: each request is routed by the project's route
 * table to `dist/<function>/index.js`, required as FunctionGraph's Node.js runtime requires it, and its
 * `handler(event, context)` is called with an APIG event and a FunctionGraph-shaped context whose user
 * data holds the settings. Used to run the emulator against the deployable artefacts.
 */
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ApigEvent, ApigResponse } from '../../shared/platform/apig';
import { functionFor } from '../../shared/routeTable';

type BundleHandler = (event: ApigEvent, context: unknown) => Promise<ApigResponse>;

/** A running gateway. */
export interface BundleGateway {
  url: string;
  /** Which functions answered, and how often. */
  calls: Map<string, number>;
  close(): Promise<void>;
}

/** Serves `bundleDir/<function>/index.js` on a free loopback port with `userData` as the functions' settings. */
export async function startBundleGateway(bundleDir: string, userData: Record<string, string>): Promise<BundleGateway> {
  const load = createRequire(join(bundleDir, 'gateway.cjs'));
  const handlers = new Map<string, BundleHandler>();
  const calls = new Map<string, number>();
  const handlerOf = (fn: string): BundleHandler => {
    let h = handlers.get(fn);
    if (!h) {
      h = (load(join(bundleDir, fn, 'index.js')) as { handler: BundleHandler }).handler;
      handlers.set(fn, h);
    }
    return h;
  };
  let seq = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://gateway');
      const fn = functionFor(req.method ?? 'GET', url.pathname) ?? 'produce';
      calls.set(fn, (calls.get(fn) ?? 0) + 1);
      const started = Date.now();
      const requestId = `gw-${++seq}`;
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
      const event: ApigEvent = {
        httpMethod: req.method ?? 'GET',
        path: url.pathname,
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])),
        queryStringParameters: query,
        body: Buffer.concat(chunks).toString('base64'),
        isBase64Encoded: true,
        requestContext: { requestId, stage: 'RELEASE' },
      };
      const context = {
        getRequestID: () => requestId,
        getRemainingTimeInMilliSeconds: () => Math.max(0, 10_000 - (Date.now() - started)),
        getUserData: (k: string) => userData[k],
        getLogger: () => ({ info: () => undefined }),
        getFunctionName: () => `kg-${fn}`,
      };
      handlerOf(fn)(event, context)
        .then((out) => {
          // What APIG checks: an integer status, string headers and body, not base64.
          if (typeof out.statusCode !== 'number' || typeof out.body !== 'string' || out.isBase64Encoded !== false) throw new Error('not an APIG response');
          res.writeHead(out.statusCode, { ...out.headers, 'Content-Length': Buffer.byteLength(out.body) });
          res.end(out.body);
        })
        .catch(() => {
          res.writeHead(502, { 'Content-Type': 'text/plain' });
          res.end('bad gateway');
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
