/**
 * The tenant IdP's OAuth endpoints (joint-operation-kit-and-sso.md §11.3): code -> token, refresh -> token
 * (both form-encoded POSTs to `{domainName}/api/v1/oauth2/token` with the decrypted client secret) and
 * userinfo (`GET {domainName}/api/v1/oauth2/userinfo`, Bearer). Each call has its own time limit
 * (KG_SSO_IDP_TIMEOUT_MS, cut further by the request's deadline), follows no redirect, reads at most
 * 64 KiB, and every answer is validated before use. Failures come out as {@link IdpError} of four kinds,
 * which the routes turn into 400 (`invalid_grant`), 502 (`rejected`, `failed`) or 504 (`timeout`).
 * @module
 */
import { maxLength, minLength, nullable, number, object, optional, safeParse, string, union } from 'zod/mini';
import { parseJsonOrUndefined } from '../core/json';
import { readBoundedText } from '../platform/boundedBody';
import { SsoError, type SsoReason } from './errors';
import { idpEndpoint } from './urls';

/** Largest IdP answer read (bytes). */
export const MAX_IDP_ANSWER_BYTES = 64 * 1024;

/** `expires_in` when the IdP leaves it out (s): the documented default, 2 h. */
export const DEFAULT_ACCESS_TOKEN_S = 7200;

/** Tokens from the token endpoint. */
export interface TokenSet {
  accessToken: string;
  /** Absent when the IdP issues none (the docs disagree whether it always does, §12). */
  refreshToken?: string;
  /** Lifetime of the access token (s). */
  expiresInS: number;
}

/** The userinfo fields SSO uses (§11.3); others are ignored. */
export interface IdpUser {
  /** `userName` (the synced login name), or `loginName` when only that is sent (workbench variant). */
  userName: string;
  name?: string;
  role?: string;
  organizationCode?: string;
  /** The tenant id; absent when the IdP does not send it (the published example omits it). */
  tenant?: string;
}

/** The tenant's OAuth client, as applicationSync delivered it (secret decrypted). */
export interface IdpClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** How long an IdP call may still take. */
export interface CallBudget {
  /** Epoch ms (`Date.now`, the real clock) after which no IdP call may still run; absent: only the per-call limit. */
  deadlineAt?: number;
}

/** What is left of `budget` now (ms; may be negative once spent), or Infinity without a deadline. */
export function budgetLeftMs(budget: CallBudget): number {
  return budget.deadlineAt === undefined ? Number.POSITIVE_INFINITY : budget.deadlineAt - Date.now();
}

/**
 * An IdP call that did not give a usable answer:
 * - `invalid_grant`: the IdP refused the code or refresh token (`error: "invalid_grant"`);
 * - `rejected`: another 4xx (bad client credentials, missing authentication);
 * - `failed`: 5xx, a redirect, an unreachable host, or an answer that does not validate;
 * - `timeout`: no answer within the limit.
 */
export class IdpError extends Error {
  override name = 'IdpError';
  readonly kind: 'invalid_grant' | 'rejected' | 'failed' | 'timeout';
  /** The HTTP status, when there was one. */
  readonly status: number | undefined;
  constructor(kind: IdpError['kind'], message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.status = options?.status;
  }
}

/** The refusal for an IdP failure: `invalid_grant` as `onInvalidGrant` (a bad code: `invalid_code`), else 502/504. */
export function refusalOf(err: IdpError, onInvalidGrant: SsoReason): SsoError {
  const reason: SsoReason = err.kind === 'invalid_grant' ? onInvalidGrant : err.kind === 'timeout' ? 'idp_timeout' : 'idp_error';
  return new SsoError(reason, err.message, { cause: err });
}

/** The three calls. */
export interface IdpClient {
  /** `grant_type=authorization_code`. */
  exchangeCode(base: URL, client: IdpClientCredentials, code: string, redirectUri: string, budget?: CallBudget): Promise<TokenSet>;
  /** `grant_type=refresh_token`. */
  refresh(base: URL, client: IdpClientCredentials, refreshToken: string, budget?: CallBudget): Promise<TokenSet>;
  /** The user of an access token. */
  userinfo(base: URL, accessToken: string, budget?: CallBudget): Promise<IdpUser>;
}

const text = (max: number) => string().check(maxLength(max));

const tokenAnswer = object({
  access_token: string().check(minLength(1), maxLength(8192)),
  token_type: optional(nullable(text(64))),
  expires_in: optional(nullable(union([number(), text(16)]))),
  refresh_token: optional(nullable(text(8192))),
  scope: optional(nullable(text(1024))),
});

const userAnswer = object({
  userName: optional(nullable(text(256))),
  loginName: optional(nullable(text(256))),
  name: optional(nullable(text(256))),
  role: optional(nullable(text(64))),
  organizationCode: optional(nullable(text(256))),
  tenant: optional(nullable(union([text(256), number()]))),
});

const errorAnswer = object({ error: text(128) });

/** `expires_in` in seconds: a positive number or decimal string; absent or null: the default. */
function lifetimeS(value: number | string | null | undefined): number | undefined {
  if (value === undefined || value === null || value === '') return DEFAULT_ACCESS_TOKEN_S;
  const n = typeof value === 'number' ? value : /^\d{1,12}$/.test(value) ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Options of {@link createIdpClient}. */
export interface IdpClientOptions {
  /** The limit of each call (ms): KG_SSO_IDP_TIMEOUT_MS. */
  timeoutMs: number;
  /** The fetch to use (tests); default the global one. */
  fetch?: typeof fetch;
}

/** An IdP client with a per-call limit. */
export function createIdpClient(options: IdpClientOptions): IdpClient {
  const doFetch = options.fetch ?? fetch;

  /** One call: status and the (bounded) body, or an IdpError for transport failures and timeouts. */
  async function call(step: string, url: URL, init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string }, budget: CallBudget = {}): Promise<{ status: number; body: string }> {
    const limit = Math.floor(Math.min(options.timeoutMs, budgetLeftMs(budget)));
    if (!(limit > 0)) throw new IdpError('timeout', `${step}: no time left for the IdP call`);
    const signal = AbortSignal.timeout(limit);
    try {
      const res = await doFetch(url, { ...init, signal, redirect: 'manual' });
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel().catch(() => undefined);
        throw new IdpError('failed', `${step}: the IdP answered a redirect (HTTP ${res.status}), not followed`, { status: res.status });
      }
      const body = await readBoundedText(res, MAX_IDP_ANSWER_BYTES);
      if (body === undefined) throw new IdpError('failed', `${step}: the IdP answer is larger than ${MAX_IDP_ANSWER_BYTES} bytes`, { status: res.status });
      return { status: res.status, body };
    } catch (err) {
      if (err instanceof IdpError) throw err;
      if (signal.aborted) throw new IdpError('timeout', `${step}: no answer within ${limit} ms`, { cause: err });
      const code = (err as { cause?: { code?: unknown } } | undefined)?.cause?.code;
      throw new IdpError('failed', `${step}: the IdP is unreachable${typeof code === 'string' ? ` (${code})` : ''}`, { cause: err });
    }
  }

  /** A non-200 answer as an IdpError (the `error` code is named; its description is not trusted). */
  function failure(step: string, status: number, body: string): IdpError {
    const parsed = safeParse(errorAnswer, parseJsonOrUndefined(body));
    const error = parsed.success ? parsed.data.error : undefined;
    const named = error && /^[A-Za-z0-9_.-]{1,64}$/.test(error) ? ` (${error})` : '';
    if (status >= 400 && status < 500) {
      if (error === 'invalid_grant') return new IdpError('invalid_grant', `${step}: the IdP refused the grant (HTTP ${status}${named})`, { status });
      return new IdpError('rejected', `${step}: the IdP refused the call (HTTP ${status}${named})`, { status });
    }
    return new IdpError('failed', `${step}: the IdP answered HTTP ${status}${named}`, { status });
  }

  async function token(step: string, base: URL, form: Record<string, string>, budget?: CallBudget): Promise<TokenSet> {
    const { status, body } = await call(step, idpEndpoint(base, '/api/v1/oauth2/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
    }, budget);
    if (status !== 200) throw failure(step, status, body);
    const parsed = safeParse(tokenAnswer, parseJsonOrUndefined(body));
    if (!parsed.success) throw new IdpError('failed', `${step}: the token answer is malformed`, { status });
    const expiresInS = lifetimeS(parsed.data.expires_in);
    if (expiresInS === undefined) throw new IdpError('failed', `${step}: the token answer has a bad expires_in`, { status });
    const refreshToken = parsed.data.refresh_token;
    return { accessToken: parsed.data.access_token, expiresInS, ...(refreshToken ? { refreshToken } : {}) };
  }

  return {
    exchangeCode: (base, client, code, redirectUri, budget) =>
      token('token', base, { grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, code, redirect_uri: redirectUri }, budget),
    refresh: (base, client, refreshToken, budget) =>
      token('refresh', base, { grant_type: 'refresh_token', client_id: client.clientId, client_secret: client.clientSecret, refresh_token: refreshToken }, budget),
    async userinfo(base, accessToken, budget) {
      const { status, body } = await call('userinfo', idpEndpoint(base, '/api/v1/oauth2/userinfo'), {
        method: 'GET',
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      }, budget);
      if (status !== 200) throw failure('userinfo', status, body);
      const parsed = safeParse(userAnswer, parseJsonOrUndefined(body));
      const userName = parsed.success ? (parsed.data.userName || parsed.data.loginName) : undefined;
      if (!parsed.success || !userName) throw new IdpError('failed', 'userinfo: the answer is malformed or names no userName', { status });
      const { name, role, organizationCode, tenant } = parsed.data;
      return {
        userName,
        ...(name ? { name } : {}),
        ...(role ? { role } : {}),
        ...(organizationCode ? { organizationCode } : {}),
        ...(tenant !== undefined && tenant !== null && tenant !== '' ? { tenant: String(tenant) } : {}),
      };
    },
  };
}
