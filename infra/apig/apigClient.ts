/**
 * A small JSON client for the APIG REST API, every request signed with AK/SK (SDK-HMAC-SHA256 through
 * shared/marketplace/akskSigner, i.e. the Huawei sdk-core signer).
 * @module
 */
import { signAkSk } from '../../shared/marketplace/akskSigner';

/** APIG answered with a non-2xx status. The message carries APIG's error code, never a credential. */
export class ApigRequestError extends Error {
  override name = 'ApigRequestError';
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: string | undefined,
  ) {
    super(message);
  }
}

/** One signed call. */
export interface ApigCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
}

export interface ApigClient {
  call<T>(req: ApigCall): Promise<T>;
}

export interface ApigClientOptions {
  /** e.g. `https://apig.cn-north-4.myhuaweicloud.com` (no trailing slash). */
  endpoint: string;
  ak: string;
  sk: string;
  /** Sent as `X-Project-Id` (signed), as the Huawei SDKs do for project-scoped services. */
  projectId: string;
  /** Per-request timeout (ms). Default 15000. */
  timeoutMs?: number;
}

/** Creates a client that signs every request and parses JSON answers. */
export function createApigClient(options: ApigClientOptions): ApigClient {
  const endpoint = options.endpoint.replace(/\/+$/, '');
  return {
    async call<T>(req: ApigCall): Promise<T> {
      const url = new URL(endpoint + req.path);
      for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
      // Exactly the bytes that are hashed are the bytes sent (sdk-core hashes JSON.stringify of the data).
      const body = req.body === undefined ? undefined : JSON.stringify(req.body);
      const signed = signAkSk({
        ak: options.ak,
        sk: options.sk,
        method: req.method,
        url: url.toString(),
        headers: { 'content-type': 'application/json', 'x-project-id': options.projectId },
        ...(body !== undefined ? { body } : {}),
      });
      const headers: Record<string, string> = {};
      // fetch sets Host from the URL itself (the same value the signer used).
      for (const [k, v] of Object.entries(signed)) if (k.toLowerCase() !== 'host') headers[k] = v;
      const res = await fetch(url, {
        method: req.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
      const text = await res.text();
      let parsed: unknown = {};
      if (text !== '') {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = { error_msg: text.slice(0, 200) };
        }
      }
      if (!res.ok) {
        const e = parsed as { error_code?: string; error_msg?: string };
        throw new ApigRequestError(
          `APIG ${req.method} ${req.path} answered ${res.status}${e.error_code ? ` ${e.error_code}` : ''}${e.error_msg ? `: ${e.error_msg}` : ''}`,
          res.status,
          e.error_code,
        );
      }
      return parsed as T;
    },
  };
}
