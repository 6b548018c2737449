/**
 * What the emulator's fake servers (the tenant IdP, the open API) share: reading a request body with a
 * limit, listening on a local address, and closing with the timers of answers still held back.
 * @module
 */
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request body went past its limit. */
export class BodyTooLarge extends Error {
  constructor() {
    super('body too large');
  }
}

/** The whole body of `req`; rejects with {@link BodyTooLarge} when it is longer than `limit` bytes (default: no limit). */
export function readBody(req: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => (size > limit ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/** Listens on `host:port` (port 0: any free one); resolves to the base URL and the port taken. */
export async function listen(server: Server, host: string, port = 0): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const taken = (server.address() as AddressInfo).port;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${taken}`, port: taken };
}

/** The waits of answers held back, all cleared when their server closes. */
export class HeldTimers {
  private readonly pending = new Set<NodeJS.Timeout>();

  /** Resolves after `ms` (ms); never, once {@link clear} has run. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.pending.delete(t);
        resolve();
      }, ms);
      this.pending.add(t);
    });
  }

  /** Drops every pending wait. */
  clear(): void {
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
  }
}

/** Clears the pending `timers`, drops every connection and closes `server`. */
export async function closeServer(server: Server, timers: HeldTimers): Promise<void> {
  timers.clear();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
