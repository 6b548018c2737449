/**
 * What a scenario works with: the signed client, the run's options, and `step`, which sends one
 * request, applies the generic and the step's own checks, and records the outcome.
 * @module
 */
import type { AesBits } from './credentials';
import { envelopeProblems, resultCodeOf } from './checks';
import type { Exchange, Marketplace } from './marketplace';
import type { StepRecord } from './report';

/** Settings of one run. */
export interface SimulationOptions {
  /** The merchant's production URL. */
  url: string;
  /** The basic-interface access key. */
  key: string;
  /** Concurrent duplicates fired by `retry-storm`. */
  concurrency: number;
  /** Per-request deadline (ms). */
  timeoutMs: number;
  /** V1 credential key size; undefined: follow the answer's `encryptType`. */
  bits?: AesBits;
  /** How many queryInstance calls to wait through `000004` before giving up. */
  pollLimit: number;
  /** Pause between those calls (ms). */
  pollIntervalMs: number;
  /** Sequential newInstance deliveries in `retry-storm`. */
  retries: number;
  /** The 联营SaaS同步接口 key (`x-sign`, V1 kit authToken/Body-Sign); the `kit` scenario needs it. */
  kitKey?: string;
  /** The merchant's 应用凭证 RSA public key (PEM or bare base64 DER) for applicationSync `clientSecret`. */
  rsaPublicKey?: string;
  /** A fake tenant IdP to use (`kg idp`); the `sso` scenario starts its own in-process when absent. */
  idpUrl?: string;
  /** What the `usage` scenario needs; without it `usage` cannot run (and `all` leaves it out). */
  usage?: UsageOptions;
  /** What the `ops` scenario needs: the server's Redis, which it reads as ops-watch does; without it `ops` cannot run (and `all` leaves it out). */
  ops?: { redisUrl: string };
  /** What the `api-product` scenario needs (issue 13); without it `api-product` cannot run (and `all` leaves it out). */
  gateway?: GatewayOptions;
}

/** Settings of the `api-product` scenario: the Agents gateway's key pair and where the API answers. */
export interface GatewayOptions {
  /** The AK the gateway's JWT names (`api_key`), one of KG_GATEWAY_KEYS. */
  ak: string;
  /** Its SK (the JWT's HMAC key). */
  sk: string;
  /** The header carrying the JWT: `Bearer <jwt>` in Authorization (default), the bare token in any other. */
  header: string;
  /** The API's path under the URL (default `/v1/chat/completions`). */
  path: string;
}

/** Settings of the `usage` scenario (issue 11: usage ingestion, usage-push and the fake open API). */
export interface UsageOptions {
  /** The newest KG_USAGE_INGEST_KEY: signs `POST /usage`. */
  ingestKey: string;
  /** The ingestion URL; default `<url>/usage`. */
  ingestUrl?: string;
  /** A fake open API already running there (`kg openapi`), the one the server's KG_OPENAPI_ENDPOINT names. */
  openapiUrl?: string;
  /** Otherwise: start a fake open API in this process, listening here and accepting this AK/SK. */
  startOpenApi?: { host: string; port: number; ak: string; sk: string };
  /** How long to wait for the server's usage-push to deliver every record to the fake (ms). */
  pushWaitMs: number;
}

/** One request to make and what to check beyond the common envelope. */
export interface StepSpec {
  name: string;
  /** Result codes the specification allows. */
  expect: string[];
  send: () => Promise<Exchange>;
  /** Extra checks, run when the result code is one of `expect`; returns the problems found. */
  check?: (answer: Exchange, code: string) => string[];
}

/** A check run by {@link ScenarioContext.probe}. */
export interface ProbeSpec {
  name: string;
  /** What the specification expects, in words (e.g. `HTTP 401`). */
  expect: string[];
  run: () => Promise<ProbeResult>;
}

/** What a probe (or a scenario's own check, {@link ScenarioContext.record}) found. */
export interface ProbeResult {
  /** What came back, in the words of `expect`. */
  actual?: string;
  httpStatus?: number;
  latencyMs?: number;
  /** Empty when the check passed. */
  problems: string[];
}

/** The {@link ProbeResult} of one HTTP answer: `HTTP <status>` (or `no answer`), its status and latency. */
export function httpResult(answer: { status: number; latencyMs: number; error?: string }, problems: string[]): ProbeResult {
  return { actual: answer.error ? 'no answer' : `HTTP ${answer.status}`, httpStatus: answer.status, latencyMs: answer.latencyMs, problems };
}

/** Thrown to end a scenario early after a failed step made the rest meaningless. */
export class ScenarioAborted extends Error {
  override name = 'ScenarioAborted';
}

/** The per-scenario handle passed to scenario functions. */
export class ScenarioContext {
  /** Checks applied to every answer of this scenario, whatever its code (V1: Body-Sign). */
  everyAnswer?: (answer: Exchange) => string[];

  constructor(
    readonly scenario: string,
    readonly options: SimulationOptions,
    readonly market: Marketplace,
    private readonly sink: (record: StepRecord) => void,
  ) {}

  /** Sends, checks and records one request; resolves to the answer and whether it passed. */
  async step(spec: StepSpec): Promise<{ answer: Exchange; pass: boolean; code?: string }> {
    let answer: Exchange;
    try {
      answer = await spec.send();
    } catch (err) {
      const note = `emulator error: ${(err as Error).message}`;
      this.sink({ scenario: this.scenario, step: spec.name, expected: spec.expect, httpStatus: 0, latencyMs: 0, pass: false, note });
      return { answer: { status: 0, headers: {}, rawHeaderNames: [], body: Buffer.alloc(0), latencyMs: 0, error: note }, pass: false };
    }
    const problems = envelopeProblems(answer);
    const code = resultCodeOf(answer);
    if (answer.json && this.everyAnswer) problems.push(...this.everyAnswer(answer));
    if (code !== undefined) {
      if (!spec.expect.includes(code)) {
        const msg = typeof answer.json?.resultMsg === 'string' ? ` ("${answer.json.resultMsg.slice(0, 80)}")` : '';
        problems.push(`resultCode ${code}${msg} where the specification expects ${spec.expect.join(' or ')}`);
      } else if (spec.check) {
        problems.push(...spec.check(answer, code));
      }
    }
    const pass = problems.length === 0;
    this.sink({ scenario: this.scenario, step: spec.name, expected: spec.expect, actual: code, httpStatus: answer.status, latencyMs: answer.latencyMs, pass, note: problems.join('; ') });
    return { answer, pass, code };
  }

  /**
   * Records a step checked by the scenario itself rather than against the marketplace envelope (SSO
   * routes answer redirects, pages and their own JSON): it passed when `result` lists no problem.
   */
  record(step: string, expected: string[], result: ProbeResult): boolean {
    const pass = result.problems.length === 0;
    this.sink({
      scenario: this.scenario, step, expected, ...(result.actual !== undefined ? { actual: result.actual } : {}),
      httpStatus: result.httpStatus ?? 0, latencyMs: result.latencyMs ?? 0, pass, note: result.problems.join('; '),
    });
    return pass;
  }

  /**
   * Runs a check that is not a basic-interface call (no resultCode envelope: the usage route, the fake
   * open API's ledger) and {@link record}s it; a throw becomes a failed step. Resolves to whether it passed.
   */
  async probe(spec: ProbeSpec): Promise<boolean> {
    let result: ProbeResult;
    try {
      result = await spec.run();
    } catch (err) {
      result = { problems: [`emulator error: ${(err as Error).message}`] };
    }
    return this.record(spec.name, spec.expect, result);
  }

  /** Records a failure that is not one request's answer (e.g. concurrent answers disagreeing). */
  fail(step: string, note: string, expected: string[] = []): void {
    this.sink({ scenario: this.scenario, step, expected, httpStatus: 0, latencyMs: 0, pass: false, note });
  }

  /** Records a step that was not sent, and why (e.g. an option it needs was not given). */
  skip(step: string, reason: string): void {
    this.sink({ scenario: this.scenario, step, expected: [], httpStatus: 0, latencyMs: 0, pass: true, skipped: true, note: reason });
  }

  /** Ends the scenario: the step that made this necessary has already been recorded as failed. */
  abort(reason: string): never {
    throw new ScenarioAborted(reason);
  }
}

/** Waits (ms). */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
