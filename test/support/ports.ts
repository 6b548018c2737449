/**
 * A TCP port of 127.0.0.1 that is free right now, for a server whose own settings must name its URL before
 * it listens.
 */
import { createServer } from 'node:net';

/** Listens on port 0, reads the port the system gave, and closes again. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
