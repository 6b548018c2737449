/**
 * What the `kg simulate` fault suites share: an in-process {@link CliIo} that keeps what the command
 * wrote (the other in-process command suites use it too), and an RSA pair for the 应用凭证 secret (the private key for the fake server, the public one in a
 * file for `--rsa-public-key`).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { CliIo } from '../../infra/cli/command';

/** A {@link CliIo} with `env` (default: empty) and an empty stdin, collecting stdout and stderr. */
export function captureIo(env: NodeJS.ProcessEnv = {}): CliIo & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', env, readStdin: async () => Buffer.alloc(0), out: (t: string) => void (io.stdout += t), err: (t: string) => void (io.stderr += t) };
  return io;
}

/** An RSA-3072 key pair, the public half written to a file. */
export interface RsaKeyFiles {
  /** The public key (SPKI PEM) file, for `--rsa-public-key`. */
  publicKeyFile: string;
  /** The private key, PKCS#8 PEM. */
  privateKeyPem: string;
}

/**
 * Makes the pair in the suite's `beforeAll` (in a temporary directory named from `prefix`) and removes
 * it in `afterAll`; read the fields inside the tests.
 */
export function useRsaKeyFiles(prefix: string): RsaKeyFiles {
  const keys: RsaKeyFiles = { publicKeyFile: '', privateKeyPem: '' };
  let dir: string | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    const pair = generateKeyPairSync('rsa', { modulusLength: 3072 });
    keys.privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    keys.publicKeyFile = join(dir, 'public.pem');
    writeFileSync(keys.publicKeyFile, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return keys;
}
