/**
 * The baseline: a node:http server that reads the body and answers one constant JSON, so the
 * throughput figure of the real server can be read against what node:http alone does here.
 * @module
 */
import { createServer } from 'node:http';
import { listenLocal, type LocalBenchServer } from './listenLocal';

const ANSWER = JSON.stringify({ resultCode: '000000', resultMsg: 'success.' });

/** Starts the null server on a free port of 127.0.0.1. */
export async function startNullServer(): Promise<LocalBenchServer> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(ANSWER) });
      res.end(ANSWER);
    });
  });
  return listenLocal(server);
}
