/**
 * The reference handler (referenceHandler.ts) behind a node:http server, for the HTTP side of the
 * CPU-ratio benchmark: read the body, decode the query, answer. No event conversion, no routing.
 * @module
 */
import { createServer } from 'node:http';
import { listenLocal, type LocalBenchServer } from './listenLocal';
import type { HttpResponse } from '../../shared/platform/apig';
import type { ReferenceRequest } from './referenceHandler';

/** Starts the reference server on a free port of 127.0.0.1. */
export async function startReferenceServer(handle: (req: ReferenceRequest) => Promise<HttpResponse>): Promise<LocalBenchServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://reference');
      handle({ query: Object.fromEntries(url.searchParams), body: Buffer.concat(chunks) })
        .then((out) => {
          res.writeHead(out.statusCode, { ...out.headers, 'Content-Length': Buffer.byteLength(out.body) });
          res.end(out.body);
        })
        .catch(() => {
          res.writeHead(500);
          res.end();
        });
    });
  });
  server.keepAliveTimeout = 5_000;
  return listenLocal(server);
}
