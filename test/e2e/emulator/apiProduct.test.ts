/**
 * `kg simulate --scenario api-product` against the template served by the local server (startLocalServer with
 * KG_GATEWAY_KEYS), then through a small broken backend: a proxy in front of the same server that injects one
 * fault each run (usage dropped or wrong, a stream without usage or [DONE], errors answered 200 or as text,
 * any token accepted). Every fault must make the run exit 1 naming the step that caught it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../infra/cli/main';
import type { SimulationReport } from '../../../infra/emulator/report';
import { runSimulation } from '../../../infra/emulator/runner';
import type { LocalServer } from '../../../infra/server/localServer';
import { emulatorOptions, failuresOf, startServer } from './harness';
import { readBody } from '../../../infra/emulator/fakeHttp';
import { captureIo } from '../../support/simulateCli';

const AK = 'e2e-gw-ak';
const SK = 'e2e-gw-sk-0001';
const OLD = 'e2e-gw-ak-old:e2e-gw-sk-0000';

type Fault = 'none' | 'no-usage' | 'wrong-total' | 'stream-without-usage' | 'stream-without-done' | 'errors-as-200' | 'errors-as-text' | 'accepts-any-token';

/** A billed completion the broken backend makes up when it lets a refused call through. */
const MADE_UP = JSON.stringify({ object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' } }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });

/** What the broken backend does to one answer. */
function inject(fault: Fault, status: number, type: string, body: string): { status: number; type: string; body: string } {
  const json = () => JSON.parse(body) as Record<string, unknown>;
  switch (fault) {
    case 'no-usage':
      if (status === 200 && type.startsWith('application/json')) return { status, type, body: JSON.stringify({ ...json(), usage: undefined }) };
      break;
    case 'wrong-total':
      if (status === 200 && type.startsWith('application/json')) {
        const j = json();
        return { status, type, body: JSON.stringify({ ...j, usage: { ...(j.usage as object), total_tokens: 1_000_000 } }) };
      }
      break;
    case 'stream-without-usage':
      if (type.startsWith('text/event-stream')) return { status, type, body: body.replace(/,"usage":\{[^}]*\}/g, '') };
      break;
    case 'stream-without-done':
      if (type.startsWith('text/event-stream')) return { status, type, body: body.replace('data: [DONE]\n\n', '') };
      break;
    case 'errors-as-200':
      if (status >= 400 && status !== 401) return { status: 200, type, body };
      break;
    case 'errors-as-text':
      if (status >= 400 && status !== 401) return { status, type: 'text/plain', body: 'bad request' };
      break;
    case 'accepts-any-token':
      if (status === 401) return { status: 200, type: 'application/json', body: MADE_UP };
      break;
    default:
      break;
  }
  return { status, type, body };
}

/** The broken backend: forwards to `upstream` and injects `fault` into the answers. */
async function startBrokenBackend(upstream: string, fault: Fault): Promise<{ url: string; injected: () => number; close(): Promise<void> }> {
  let injected = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v;
      const up = await fetch(`${upstream}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers, body: body.length > 0 ? body : null });
      const original = { status: up.status, type: up.headers.get('content-type') ?? '', body: await up.text() };
      const out = inject(fault, original.status, original.type, original.body);
      if (out.status !== original.status || out.type !== original.type || out.body !== original.body) injected++;
      res.writeHead(out.status, { 'Content-Type': out.type, 'Content-Length': Buffer.byteLength(out.body) });
      res.end(out.body);
    })().catch(() => {
      res.writeHead(502).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    injected: () => injected,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('kg simulate --scenario api-product', () => {
  let server: LocalServer;
  beforeAll(async () => {
    server = await startServer({ KG_STORE: 'memory', KG_GATEWAY_KEYS: `${AK}:${SK},${OLD}` });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('passes against the template served by the local server, with the newest and the older key', async () => {
    const report = await runSimulation(emulatorOptions(server.url, { gateway: { ak: AK, sk: SK, header: 'Authorization', path: '/v1/chat/completions' } }), ['api-product']);
    expect(failuresOf(report)).toEqual([]);
    expect(report.scenarios).toEqual([expect.objectContaining({ scenario: 'api-product', steps: 15, failed: 0 })]);

    const io = captureIo();
    expect(await main(['simulate', '--url', server.url, '--scenario', 'api-product', '--gateway-key', OLD], io)).toBe(0);
    expect(io.stdout).toMatch(/api-product\s+15\s+15\s+0\s/);
    expect(io.stdout + io.stderr).not.toContain('e2e-gw-sk');
  }, 60_000);

  it('exits 1 when the gateway key is not one the server knows, naming the first billed call', async () => {
    const io = captureIo();
    expect(await main(['simulate', '--url', server.url, '--scenario', 'api-product', '--gateway-key', `${AK}:not-the-sk`, '--json'], io)).toBe(1);
    const report = JSON.parse(io.stdout) as SimulationReport;
    expect(report.failures).toEqual([expect.objectContaining({ step: 'chat completion', actual: 'HTTP 401' })]);
  });

  it('passes through the broken backend when it injects nothing (the proxy alone breaks nothing)', async () => {
    const backend = await startBrokenBackend(server.url, 'none');
    try {
      const io = captureIo();
      expect(await main(['simulate', '--url', backend.url, '--scenario', 'api-product', '--gateway-key', `${AK}:${SK}`, '--json'], io)).toBe(0);
      expect(backend.injected()).toBe(0);
    } finally {
      await backend.close();
    }
  });

  it.each<[Fault, string, RegExp]>([
    ['no-usage', 'chat completion', /usage missing/],
    ['wrong-total', 'JWT 4 minutes old (inside the 5-minute validity)', /total_tokens 1000000 is not prompt_tokens \+ completion_tokens/],
    ['stream-without-usage', 'streamed chat completion', /final chunk usage missing/],
    ['stream-without-done', 'streamed chat completion', /does not end with data: \[DONE\]/],
    ['errors-as-200', 'request without messages', /HTTP 200 where a 4xx is expected \(a 2xx is billed\)/],
    ['errors-as-text', 'body that is not JSON', /Content-Type "text\/plain" instead of application\/json/],
    ['accepts-any-token', 'JWT with alg none and no signature', /HTTP 200 where 401 is expected \(a 2xx is billed\)/],
    ['accepts-any-token', 'JWT 6 minutes old (stale)', /HTTP 200 where 401/],
    ['accepts-any-token', 'JWT signed with a wrong SK', /HTTP 200 where 401/],
  ])('reports the %s fault: exit 1, step "%s" failing', async (fault, step, note) => {
    const backend = await startBrokenBackend(server.url, fault);
    try {
      const io = captureIo();
      const code = await main(['simulate', '--url', backend.url, '--scenario', 'api-product', '--gateway-key', `${AK}:${SK}`, '--json'], io);
      expect(backend.injected()).toBeGreaterThan(0);
      expect(code).toBe(1);
      const report = JSON.parse(io.stdout) as SimulationReport;
      const failed = report.failures.find((f) => f.step === step);
      expect(failed, `failures were: ${report.failures.map((f) => f.step).join(' | ')}`).toBeDefined();
      expect(failed).toMatchObject({ scenario: 'api-product', pass: false });
      expect(failed?.note).toMatch(note);
      expect(io.stdout).not.toContain(SK);
    } finally {
      await backend.close();
    }
  });
});
