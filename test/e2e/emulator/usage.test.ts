/**
 * `kg simulate --scenario usage` against the local server (startLocalServer) wired to an in-process fake
 * open API: KG_OPENAPI_ENDPOINT points at the fake, KG_OPENAPI_AK/SK are the ones it accepts, the body
 * signature key is the basic-interface key, and the server runs usage-push on an interval
 * (`usagePushIntervalMs`). Then broken servers: each run must exit 1 naming the failing step.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../infra/cli/main';
import { startFakeOpenApi, type RunningFakeOpenApi } from '../../../infra/emulator/fakeOpenApi/server';
import type { SimulationReport } from '../../../infra/emulator/report';
import { runSimulation } from '../../../infra/emulator/runner';
import { usageIngestSignature } from '../../../infra/emulator/usageClient';
import type { LocalServer } from '../../../infra/server/localServer';
import { MemoryStore } from '../../../shared/store/MemoryStore';
import { cleanEnv, runKg, spawnKg, waitForUrl } from '../../support/kgProcess';
import { freePort } from '../../support/ports';
import { E2E_KEY, emulatorOptions, failuresOf, startServer } from './harness';
import { readBody } from '../../../infra/emulator/fakeHttp';
import { captureIo } from '../../support/simulateCli';

const AK = 'E2EOPENAPIAK0001';
const SK = 'e2e-openapi-sk-0001';
const INGEST_KEY = 'e2e-usage-ingest-key-0001';
const PUSH_WAIT_MS = 25_000;

/** The server's settings for usage against `endpoint`. */
function usageEnv(endpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    KG_STORE: 'memory',
    KG_OPENAPI_ENDPOINT: endpoint,
    KG_OPENAPI_AK: AK,
    KG_OPENAPI_SK: SK,
    KG_OPENAPI_TIMEOUT_MS: '2000',
    KG_USAGE_INGEST_KEY: INGEST_KEY,
    ...extra,
  };
}

/**
 * The local server with the e2e basic key, `env` on top, usage-push every 300 ms, on a MemoryStore of its own
 * (the process-wide warm store would let two servers of this file push and enrich each other's records).
 */
function startUsageServer(env: Record<string, string>): Promise<LocalServer> {
  return startServer(env, { store: new MemoryStore(), usagePushIntervalMs: 300 });
}

/** A proxy that re-signs every `POST /usage` with the right key and a fresh timestamp: a server that checks nothing. */
async function acceptAnySignatureProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const headers = { ...req.headers };
      if (req.method === 'POST' && (req.url ?? '').split('?')[0] === '/usage') {
        const ts = String(Date.now());
        headers['x-kg-timestamp'] = ts;
        headers['x-kg-signature'] = usageIngestSignature(INGEST_KEY, ts, body.toString('utf8'));
      }
      headers.host = upstream.host;
      headers['content-length'] = String(body.length);
      const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
        void readBody(answer).then((bytes) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(bytes);
        });
      });
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('kg simulate --scenario usage against the local server and a fake open API', () => {
  let fake: RunningFakeOpenApi;
  let server: LocalServer;
  beforeAll(async () => {
    fake = await startFakeOpenApi({ ak: AK, sk: SK, key: E2E_KEY, knownInstances: 'registered' });
    server = await startUsageServer(usageEnv(fake.url));
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('passes every step: ingestion, hostile and invalid reports refused, every record pushed exactly once through injected faults', async () => {
    const report = await runSimulation(emulatorOptions(server.url, { usage: { ingestKey: INGEST_KEY, openapiUrl: fake.url, pushWaitMs: PUSH_WAIT_MS } }), ['usage']);
    expect(failuresOf(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.steps.filter((s) => s.skipped)).toEqual([]);
    expect(report.steps.length).toBeGreaterThan(40);
    // The fake saw the whole flow: 15 records delivered once (one of the released instance, from before its release), the rejected one dead, faults consumed.
    const ledger = fake.api.usage();
    expect(ledger.duplicates).toBe(0);
    expect(ledger.injected).toMatchObject({ rate429: 1, http500: 1 });
    expect(ledger.records.length).toBe(15);
    expect(ledger.maxBatch).toBeLessThanOrEqual(1000);
  }, 120_000);

  it('passes through the CLI with the fake started by the scenario on KG_OPENAPI_ENDPOINT', async () => {
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const own = await startUsageServer(usageEnv(endpoint));
    try {
      const io = captureIo({ KG_OPENAPI_ENDPOINT: endpoint, KG_OPENAPI_AK: AK, KG_OPENAPI_SK: SK, KG_USAGE_INGEST_KEY: INGEST_KEY });
      const code = await main(['simulate', '--url', own.url, '--key', E2E_KEY, '--scenario', 'usage', '--poll-interval', '50', '--push-wait', String(PUSH_WAIT_MS), '--json'], io);
      const report = JSON.parse(io.stdout) as SimulationReport;
      expect(failuresOf(report)).toEqual([]);
      expect(code).toBe(0);
      expect(report.steps[0]?.step).toBe(`start a fake open API on 127.0.0.1:${port}`);
      expect(io.stdout).not.toContain(INGEST_KEY);
      expect(io.stdout).not.toContain(SK);
    } finally {
      await own.close();
    }
  }, 120_000);
});

describe('kg simulate --scenario usage against broken servers: exit 1 naming the failing step', () => {
  let fake: RunningFakeOpenApi;
  beforeAll(async () => {
    fake = await startFakeOpenApi({ ak: AK, sk: SK, key: E2E_KEY, knownInstances: 'registered' });
  });
  afterAll(async () => {
    await fake?.close();
  });

  async function simulate(url: string): Promise<{ code: number; report: SimulationReport; stdout: string }> {
    const io = captureIo();
    const code = await main(['simulate', '--url', url, '--key', E2E_KEY, '--scenario', 'usage', '--ingest-key', INGEST_KEY, '--openapi', fake.url, '--poll-interval', '50', '--push-wait', '4000', '--json'], io);
    return { code, report: JSON.parse(io.stdout) as SimulationReport, stdout: io.stdout };
  }

  it('a server signing the open API with the wrong SK: the push and the order query fail on APIGW.0301', async () => {
    const server = await startUsageServer(usageEnv(fake.url, { KG_OPENAPI_SK: `${SK}-wrong` }));
    try {
      const { code, report, stdout } = await simulate(server.url);
      expect(code).toBe(1);
      const failed = report.failures.map((f) => f.step);
      expect(failed).toContain('usage-push delivered every accepted record to the open API (15)');
      expect(failed).toContain('every open API call passed the AK/SK and body-signature checks, no push over 1000 records');
      expect(report.failures.find((f) => f.step.startsWith('usage-push delivered'))?.note).toMatch(/APIGW\.0301/);
      expect(stdout).not.toContain(`${SK}-wrong`);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('a server that accepts any ingestion signature: the hostile POST /usage steps fail with HTTP 200', async () => {
    const server = await startUsageServer(usageEnv(fake.url));
    const proxy = await acceptAnySignatureProxy(server.url);
    try {
      const { code, report } = await simulate(proxy.url);
      expect(code).toBe(1);
      const failed = report.failures.find((f) => f.step === 'POST /usage signed with another key');
      expect(failed, `failures were: ${report.failures.map((f) => f.step).join(' | ')}`).toMatchObject({ scenario: 'usage', pass: false, actual: 'HTTP 200', expected: ['HTTP 401'] });
      expect(report.failures.map((f) => f.step)).toContain('POST /usage with a timestamp 6 minutes old');
      expect(report.failures.map((f) => f.step)).toContain('records refused at ingestion never reached the open API');
    } finally {
      await proxy.close();
      await server.close();
    }
  }, 120_000);
});

describe('the acceptance check of issue 11: `kg openapi` + `npm start` (kg serve) + `kg simulate --scenario usage` as real processes', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.pid !== undefined && child.exitCode === null) child.kill('SIGTERM');
  });

  function startKg(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
    const child = spawnKg(args, env);
    children.push(child);
    return waitForUrl(child, args[0] ?? '');
  }

  it('passes, and exits 1 naming the step when the server signs with another SK', async () => {
    const settings = { KG_OPENAPI_AK: AK, KG_OPENAPI_SK: SK, KG_ACCESS_KEY: E2E_KEY };
    const openapi = await startKg(['openapi', '--port', '0', '--instances', 'registered', '--quiet'], cleanEnv(settings));
    const serverEnv = { ...settings, KG_OPENAPI_ENDPOINT: openapi, KG_USAGE_INGEST_KEY: INGEST_KEY, KG_OPENAPI_TIMEOUT_MS: '2000' };
    const url = await startKg(['serve', '--port', '0', '--quiet'], cleanEnv(serverEnv));
    const args = ['simulate', '--url', url, '--scenario', 'usage', '--openapi', openapi, '--poll-interval', '100', '--push-wait', String(PUSH_WAIT_MS)];
    const ok = await runKg(args, cleanEnv({ KG_ACCESS_KEY: E2E_KEY, KG_USAGE_INGEST_KEY: INGEST_KEY }));
    expect(ok.stdout).toContain('PASS:');
    expect(ok.code).toBe(0);
    expect(ok.stdout + ok.stderr).not.toContain(INGEST_KEY);

    const broken = await startKg(['serve', '--port', '0', '--quiet'], cleanEnv({ ...serverEnv, KG_OPENAPI_SK: `${SK}-wrong` }));
    const bad = await runKg(['simulate', '--url', broken, '--scenario', 'usage', '--openapi', openapi, '--poll-interval', '100', '--push-wait', '4000', '--json'], cleanEnv({ KG_ACCESS_KEY: E2E_KEY, KG_USAGE_INGEST_KEY: INGEST_KEY }));
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.stdout) as SimulationReport;
    expect(report.failures.map((f) => f.step)).toContain('usage-push delivered every accepted record to the open API (15)');
  }, 240_000);
});
