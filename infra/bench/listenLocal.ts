/**
 * Listens with a bench server on a free port of 127.0.0.1 and hands back its URL and a close that drops
 * kept-alive connections (shared by the null and the reference servers).
 * @module
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening bench server. */
export interface LocalBenchServer {
  url: string;
  close(): Promise<void>;
}

/** Starts `server` on a free port of 127.0.0.1. */
export async function listenLocal(server: Server): Promise<LocalBenchServer> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
