/**
 * The `http` provisioner: forwards every step to the merchant's own backend as
 * `POST <KG_PROVISIONER_URL>/<step>` with a JSON body, signed with HMAC-SHA256, bounded by a timeout.
 * The contract for merchants is docs/provisioner-http.md.
 *
 * Any failure to get a valid answer (network error, non-2xx, invalid JSON, wrong shape, timeout,
 * abort) throws {@link ProvisionerError} with a safe message: it names the step and the kind of
 * failure, never the secret, the signature or the backend's response body.
 * @module
 */
import { ConfigError, ProvisionerError } from '../core/errors';
import { readBoundedText } from '../platform/boundedBody';
import type { ProductInfo, RefreshScene } from '../lifecycle/types';
import { parseBackendAnswer, type BackendAnswer } from './backendAnswer';
import type { ProvisionedApp, Provisioner, ProvisionRefusal, ProvisionRequest } from './Provisioner';
import { PROVISIONER_HEADERS, provisionerIdempotencyKey, signProvisionerRequest, type ProvisionerStep } from './provisionerSignature';

export { verifyProvisionerRequest } from './provisionerSignature';

/** Default time allowed for one backend call, connection to last byte (ms). */
export const DEFAULT_PROVISIONER_TIMEOUT_MS = 1800;

/** Largest answer body read from a backend (bytes); a valid answer is far smaller. */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** Options of {@link createHttpProvisioner}. */
export interface HttpProvisionerOptions {
  /** Base URL of the merchant's backend (`KG_PROVISIONER_URL`); each step is appended as a path segment. */
  url: string;
  /** HMAC key (`KG_PROVISIONER_SECRET`). */
  secret: string;
  /** Time allowed for one call (ms, `KG_PROVISIONER_TIMEOUT_MS`). Default {@link DEFAULT_PROVISIONER_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Clock for `x-kg-timestamp`, epoch ms. Default `Date.now`. */
  now?: () => number;
}

type Fields = Record<string, unknown> & { instanceId: string };

/** Parses and checks the base URL; the error names the setting, never its value. */
function baseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('invalid setting KG_PROVISIONER_URL: not an absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError('invalid setting KG_PROVISIONER_URL: not an http(s) URL');
  // fetch refuses URLs with credentials; say so at start-up rather than on the first order.
  if (parsed.username !== '' || parsed.password !== '') throw new ConfigError('invalid setting KG_PROVISIONER_URL: must not contain user name or password');
  return parsed;
}

/**
 * Builds the provisioner that calls the merchant's backend.
 * @throws {ConfigError} naming the setting when the URL or secret is unusable.
 */
export function createHttpProvisioner(options: HttpProvisionerOptions): Provisioner {
  const base = baseUrl(options.url);
  if (options.secret.length === 0) throw new ConfigError('missing setting KG_PROVISIONER_SECRET: the http provisioner signs every request');
  const secret = options.secret;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROVISIONER_TIMEOUT_MS;
  const now = options.now ?? Date.now;

  const endpoint = (step: ProvisionerStep): string => {
    const u = new URL(base.href);
    u.pathname = `${u.pathname.replace(/\/+$/, '')}/${step}`;
    u.hash = '';
    return u.href;
  };

  /** Sends one step and returns the validated answer; throws ProvisionerError for anything else. */
  async function send(step: ProvisionerStep, fields: Fields, signal: AbortSignal | undefined): Promise<Exclude<BackendAnswer, { kind: 'invalid' }>> {
    if (signal?.aborted) throw new ProvisionerError(`provisioner ${step}: aborted by the caller before it was sent`, { cause: signal.reason });
    const body = JSON.stringify(fields);
    const timestampMs = now();
    const timeout = AbortSignal.timeout(Math.max(1, timeoutMs));
    const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
    const whyAborted = (err: unknown): ProvisionerError | undefined => {
      if (timeout.aborted) return new ProvisionerError(`provisioner ${step}: no answer within ${timeoutMs} ms`, { cause: err });
      if (signal?.aborted) return new ProvisionerError(`provisioner ${step}: aborted by the caller`, { cause: err });
      return undefined;
    };

    let text: string;
    let status: number;
    try {
      const response = await fetch(endpoint(step), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          [PROVISIONER_HEADERS.timestamp]: String(timestampMs),
          [PROVISIONER_HEADERS.signature]: signProvisionerRequest(secret, step, timestampMs, body),
          [PROVISIONER_HEADERS.idempotencyKey]: provisionerIdempotencyKey(step, fields),
          [PROVISIONER_HEADERS.step]: step,
        },
        body,
        signal: combined,
        // A redirect is a misconfiguration; following it would send signed orders to another address.
        redirect: 'manual',
      });
      status = response.status;
      if (status < 200 || status > 299) {
        await response.body?.cancel().catch(() => undefined);
        throw new ProvisionerError(`provisioner ${step}: backend answered HTTP ${status}`);
      }
      const read = await readBoundedText(response, MAX_ANSWER_BYTES);
      if (read === undefined) throw new ProvisionerError(`provisioner ${step}: backend answer is larger than ${MAX_ANSWER_BYTES} bytes`);
      text = read;
    } catch (err) {
      if (err instanceof ProvisionerError) throw err;
      const aborted = whyAborted(err);
      if (aborted) throw aborted;
      const code = (err as { cause?: { code?: unknown } } | undefined)?.cause?.code;
      throw new ProvisionerError(`provisioner ${step}: backend unreachable${typeof code === 'string' ? ` (${code})` : ''}`, { cause: err });
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ProvisionerError(`provisioner ${step}: backend answer is not valid JSON`);
    }
    const answer = parseBackendAnswer(step, json);
    if (answer.kind === 'invalid') throw new ProvisionerError(`provisioner ${step}: backend answer does not match the contract (${answer.detail})`);
    return answer;
  }

  /** For steps whose success carries nothing: `undefined` or the refusal. */
  async function sendStep(step: ProvisionerStep, fields: Fields, signal: AbortSignal | undefined): Promise<void | ProvisionRefusal> {
    const answer = await send(step, fields, signal);
    if (answer.kind === 'refused') return answer.refusal;
    return undefined;
  }

  return {
    name: 'http',
    async provision(req: ProvisionRequest): Promise<ProvisionedApp | ProvisionRefusal> {
      const { signal, ...fields } = req;
      const answer = await send('provision', fields, signal);
      if (answer.kind === 'refused') return answer.refusal;
      if (answer.kind !== 'provisioned') throw new ProvisionerError('provisioner provision: backend answer has no app');
      return answer.app;
    },
    async renew(req: { instanceId: string; scene: RefreshScene; expireTime: string; orderId: string; orderLineId: string; productId?: string; signal?: AbortSignal }) {
      const { signal, ...fields } = req;
      return sendStep('renew', fields, signal);
    },
    async upgrade(req: { instanceId: string; orderId: string; orderLineId: string; productId?: string; skuCode?: string; signal?: AbortSignal }) {
      const { signal, ...fields } = req;
      return sendStep('upgrade', fields, signal);
    },
    async freeze(req: { instanceId: string; signal?: AbortSignal }) {
      return sendStep('freeze', { instanceId: req.instanceId }, req.signal);
    },
    async unfreeze(req: { instanceId: string; signal?: AbortSignal }) {
      return sendStep('unfreeze', { instanceId: req.instanceId }, req.signal);
    },
    async release(req: { instanceId: string; signal?: AbortSignal }) {
      return sendStep('release', { instanceId: req.instanceId }, req.signal);
    },
    async checkChange(req: { instanceId: string; productInfo: ProductInfo; signal?: AbortSignal }) {
      const answer = await send('checkChange', { instanceId: req.instanceId, productInfo: req.productInfo }, req.signal);
      // The interface has no refusal for checkChange: carry the backend's code through the error instead,
      // so the marketplace still gets the documented code and message the merchant chose.
      if (answer.kind === 'refused') {
        throw new ProvisionerError(answer.refusal.resultMsg, { resultCode: answer.refusal.resultCode, expose: true });
      }
      if (answer.kind !== 'checked') throw new ProvisionerError('provisioner checkChange: backend answer has no allowed flag');
      return answer.message === undefined ? { allowed: answer.allowed } : { allowed: answer.allowed, message: answer.message };
    },
  };
}
