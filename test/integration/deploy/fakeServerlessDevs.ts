import { generateKeyPairSync } from 'node:crypto';
/**
 * A fake Serverless Devs for `kg deploy` / `kg rollback` tests: a project folder with two tiny functions
 * and a rendered s.yaml, and a stub `s` on PATH (a Node script) that appends one JSON line per call to a
 * log: its arguments, the secrets in its environment and what it read on stdin. `STUB_S_FAIL=<word>`
 * makes a call whose arguments contain that word exit 1. No network, no cloud.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { defaultMerchantBlock, ENCRYPTED_SETTINGS, renderSyaml } from '../../../infra/build/renderSyaml';

export interface StubCall {
  args: string[];
  secrets: Record<string, string | null>;
  stdin: string;
}

export interface FakeProject {
  root: string;
  stubDir: string;
  logPath: string;
  /** Environment for the command: PATH with the stub first, KG_PROJECT_ROOT, the log path. */
  baseEnv: NodeJS.ProcessEnv;
  calls(): StubCall[];
  close(): void;
}

export const FUNCTIONS = ['produce', 'provision-worker'];

const STUB = `#!/usr/bin/env node
const fs = require('node:fs');
let stdin = '';
try { stdin = fs.readFileSync(0, 'utf8'); } catch {}
const names = ${JSON.stringify([...ENCRYPTED_SETTINGS])};
const secrets = Object.fromEntries(names.map((n) => [n, process.env[n] === undefined ? null : process.env[n]]));
const args = process.argv.slice(2);
fs.appendFileSync(process.env.STUB_S_LOG, JSON.stringify({ args, secrets, stdin }) + '\\n');
if (process.env.STUB_S_FAIL && args.includes(process.env.STUB_S_FAIL)) { console.error('stub: refused'); process.exit(1); }
console.log('stub s: ok');
`;

/** Merchant values a real merchant would fill in (no template placeholder left). */
export function merchantBlock(): string {
  return defaultMerchantBlock()
    .replace('"<apig-instance-id>"', 'inst-abc')
    .replace('"<vpc-id>"', 'vpc-0123')
    .replace('"<subnet-id>"', 'subnet-0123')
    .replace('saas.example.com', 'saas.merchant.cn')
    .replace('"redis://<dcs-address>:6379"', '"redis://10.0.0.5:6379"')
    .replace(/app\.example\.com/g, 'app.merchant.cn')
    .replace('admin.example.com', 'admin.merchant.cn')
    .replace('"<lts-group-id>"', 'lts-group-1')
    .replace('"<lts-stream-id>"', 'lts-stream-1');
}

const RSA_PEM = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** A good set of secrets: the required ones set, the unused ones exported empty. */
export function goodSecrets(): Record<string, string> {
  const env: Record<string, string> = Object.fromEntries(ENCRYPTED_SETTINGS.map((k) => [k, '']));
  env.KG_ACCESS_KEY = 'basic-key-0123456789abcdef0123456789';
  env.KG_KIT_ACCESS_KEY = 'kit-key-0123456789abcdef0123456789ab';
  // A kit key deploys the kit functions, which need the 应用凭证 private key too.
  env.KG_RSA_PRIVATE_KEY = RSA_PEM;
  env.KG_DATA_KEY = Buffer.alloc(32, 7).toString('base64');
  env.KG_REDIS_PASSWORD = 'redis-password-value-xyz';
  return env;
}

export function startFakeProject(): FakeProject {
  const root = mkdtempSync(join(tmpdir(), 'kg-deploy-'));
  for (const f of FUNCTIONS) {
    mkdirSync(join(root, 'functions', f), { recursive: true });
    writeFileSync(join(root, 'functions', f, 'index.ts'), `export async function handler(): Promise<{ statusCode: number }> {\n  return { statusCode: 200 };\n}\n`);
  }
  writeFileSync(join(root, 's.yaml'), renderSyaml(FUNCTIONS, merchantBlock()));
  const stubDir = join(root, 'stub-bin');
  mkdirSync(stubDir);
  writeFileSync(join(stubDir, 's'), STUB);
  chmodSync(join(stubDir, 's'), 0o755);
  const logPath = join(root, 'stub-s.log');
  return {
    root,
    stubDir,
    logPath,
    baseEnv: { PATH: `${stubDir}${delimiter}${process.env.PATH ?? ''}`, KG_PROJECT_ROOT: root, STUB_S_LOG: logPath },
    calls: () =>
      existsSync(logPath)
        ? readFileSync(logPath, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l) as StubCall)
        : [],
    close: () => rmSync(root, { recursive: true, force: true }),
  };
}
