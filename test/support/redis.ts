/**
 * Real `redis-server` processes for integration tests: each on its own free port and temp dir, never
 * the shared server on 6379. Durable by default (`appendfsync always`) so kill/restart tests can check
 * that acknowledged writes survive.
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort as ephemeralPort } from './ports';

/** One spawned redis-server. */
export interface RedisServer {
  host: string;
  port: number;
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  dir: string;
  /** Graceful shutdown; removes the data dir. */
  stop(): Promise<void>;
  /** SIGKILL: no shutdown, the data dir stays for {@link RedisServer.restart}. */
  kill(): Promise<void>;
  /** Starts again on the same port and dir (after kill or stop), and waits until it answers. */
  restart(): Promise<void>;
  /** SIGSTOP: the port keeps accepting connections but nothing answers (a hung Redis). */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  /** FLUSHALL on this server. */
  flush(): Promise<void>;
}

/** A Redis Cluster of spawned masters. */
export interface RedisClusterHandle {
  nodes: RedisServer[];
  /** Seed list in `KG_REDIS_CLUSTER_NODES` form: `127.0.0.1:p1,127.0.0.1:p2,...`. */
  seeds: string;
  stop(): Promise<void>;
  kill(): Promise<void>;
  /** Restarts every node and waits for `cluster_state:ok`. */
  restart(): Promise<void>;
  pause(): void;
  resume(): void;
  flush(): Promise<void>;
}

export interface StartRedisOptions {
  /** AOF with fsync on every write (default true). */
  appendonly?: boolean;
  /** Extra `redis-server` arguments. */
  args?: string[];
  /** Port to use (default: a free one). */
  port?: number;
  /** `requirepass`; the harness's own admin connections authenticate with it. */
  password?: string;
}

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 15_000;
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Spawns a redis-server and waits until it answers PING. */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const binary = findBinary('redis-server');
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), `kg-redis-${port}-`));
  const durability = options.appendonly === false
    ? ['--appendonly', 'no']
    : ['--appendonly', 'yes', '--appendfsync', 'always'];
  const args = [
    '--port', String(port), '--bind', HOST, '--dir', dir, '--save', '', '--daemonize', 'no',
    '--protected-mode', 'no', '--loglevel', 'warning', ...durability,
    ...(options.password === undefined ? [] : ['--requirepass', options.password]), ...(options.args ?? []),
  ];
  const password = options.password;
  let child: ChildProcess | undefined;
  let paused = false;

  const launch = async (): Promise<void> => {
    const proc = spawnTracked(binary, args, dir);
    child = proc;
    try {
      await waitForPing(port, proc, password);
    } catch (err) {
      proc.kill('SIGKILL');
      throw err;
    }
  };
  const waitExit = async (proc: ChildProcess | undefined): Promise<void> => {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  };
  const signal = (sig: NodeJS.Signals): void => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(sig);
  };

  try {
    await launch();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const server: RedisServer = {
    host: HOST,
    port,
    url: `redis://${HOST}:${port}`,
    dir,
    async stop() {
      const proc = child;
      if (paused) server.resume();
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 5000);
      await waitExit(proc);
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      const proc = child;
      signal('SIGKILL');
      paused = false;
      await waitExit(proc);
    },
    async restart() {
      const proc = child;
      if (paused) server.resume();
      signal('SIGTERM');
      await waitExit(proc);
      await launch();
    },
    pause() {
      signal('SIGSTOP');
      paused = true;
    },
    resume() {
      signal('SIGCONT');
      paused = false;
    },
    async flush() {
      await withAdmin(port, (r) => r.flushall(), password);
    },
  };
  return server;
}

/** Spawns `masters` cluster-enabled servers, joins them with `redis-cli --cluster create`, waits for `cluster_state:ok`. */
export async function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  const cli = findBinary('redis-cli');
  const nodes: RedisServer[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      // The cluster bus listens on port + 10000, so that one must be free too.
      const port = await freePort(true);
      nodes.push(await startRedis({
        port,
        args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'],
      }));
    }
    const created = spawnSync(
      cli,
      ['--cluster', 'create', ...nodes.map((n) => `${HOST}:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    await waitForClusterOk(nodes);
  } catch (err) {
    await Promise.allSettled(nodes.map((n) => n.stop()));
    throw err;
  }
  return {
    nodes,
    seeds: nodes.map((n) => `${HOST}:${n.port}`).join(','),
    async stop() {
      await Promise.allSettled(nodes.map((n) => n.stop()));
    },
    async kill() {
      await Promise.all(nodes.map((n) => n.kill()));
    },
    async restart() {
      await Promise.all(nodes.map((n) => n.restart()));
      await waitForClusterOk(nodes);
    },
    pause() {
      for (const n of nodes) n.pause();
    },
    resume() {
      for (const n of nodes) n.resume();
    },
    async flush() {
      await Promise.all(nodes.map((n) => n.flush()));
    },
  };
}

/** Polls `until` every 100 ms until it resolves truthy or `timeoutMs` (ms) pass. */
export async function eventually<T>(until: () => Promise<T | undefined | false>, timeoutMs = READY_TIMEOUT_MS, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await until();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`);
}

/** Resolves after `ms` (ms). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function findBinary(name: string): string {
  const fromEnv = name === 'redis-server' ? process.env.REDIS_SERVER : undefined;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(
    `${name} not found on PATH: the integration tests spawn real Redis 7 servers. ` +
      'Install it (for example `apt-get install redis-server`, which also provides redis-cli) or set REDIS_SERVER.',
  );
}

function spawnTracked(binary: string, args: string[], cwd: string): ChildProcess {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const proc of live) proc.kill('SIGKILL');
    });
  }
  const child = spawn(binary, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  Object.defineProperty(child, 'recentOutput', { get: () => output });
  live.add(child);
  const watchdog = spawnWatchdog(child.pid);
  child.once('exit', () => {
    live.delete(child);
    watchdog?.kill('SIGKILL');
  });
  return child;
}

/**
 * The exit hook does not run when the test worker is SIGKILLed (a vitest timeout, Ctrl-C twice), so a
 * tiny shell loop kills the server once this process is gone: no leftovers whatever happens.
 */
function spawnWatchdog(serverPid: number | undefined): ChildProcess | undefined {
  if (serverPid === undefined) return undefined;
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 ${serverPid} 2>/dev/null`;
  const watchdog = spawn('/bin/sh', ['-c', script], { stdio: 'ignore', detached: true });
  watchdog.unref();
  return watchdog;
}

async function waitForPing(port: number, child: ChildProcess, password: string | undefined): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const out = (child as ChildProcess & { recentOutput?: string }).recentOutput ?? '';
      throw new Error(`redis-server on port ${port} exited during start-up: ${out.trim()}`);
    }
    try {
      if ((await withAdmin(port, (r) => r.ping(), password)) === 'PONG') return;
    } catch {
      // not listening or still loading the AOF
    }
    await sleep(50);
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms`);
}

async function waitForClusterOk(nodes: RedisServer[]): Promise<void> {
  await eventually(async () => {
    const infos = await Promise.all(nodes.map((n) => withAdmin(n.port, (r) => r.cluster('INFO'))));
    return infos.every((info) => String(info).includes('cluster_state:ok'));
  }, 30_000, 'cluster_state:ok on every node');
}

/** Runs admin commands on a short-lived connection that never retries (FLUSHALL, CLIENT LIST, HSET...). */
export async function withAdmin<T>(port: number, run: (r: Redis) => Promise<T>, password?: string): Promise<T> {
  const r = new Redis({
    host: HOST, port, lazyConnect: true, ...(password === undefined ? {} : { password }), retryStrategy: () => null, maxRetriesPerRequest: 0,
    enableOfflineQueue: false, connectTimeout: 1000, commandTimeout: 2000, protocol: 2,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await run(r);
  } finally {
    r.disconnect();
  }
}

/** A port that is free now (and, for cluster nodes, whose bus port +10000 is free too). */
async function freePort(withBus = false): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = withBus ? 20_000 + Math.floor(Math.random() * 30_000) : await ephemeralPort();
    if (port === 6379 || port === 16379) continue;
    if (!(await canBind(port))) continue;
    if (withBus && !(await canBind(port + 10_000))) continue;
    return port;
  }
  throw new Error('no free port found for redis-server');
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, HOST, () => srv.close(() => resolve(true)));
  });
}
