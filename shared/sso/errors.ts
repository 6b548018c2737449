/**
 * Why an SSO request was refused: a reason code (the contract's, stable, machine-readable), the HTTP status
 * it answers with, and a fixed message safe to show. Nothing a caller or the IdP sent, and no internal
 * detail, ever reaches an answer; `detail` is for the log line only.
 * @module
 */

/**
 * Every reason an SSO route (or `requireUser`) refuses with.
 * @example
 * const reason: SsoReason = (await res.json()).error; // 'invalid_code', 'not_authorized', ...
 */
export type SsoReason =
  /** 400: `code` or `tenant` missing or malformed. */
  | 'bad_request'
  /** 400: the IdP says the code is bad, unknown, expired or already used (`invalid_grant`). */
  | 'invalid_code'
  /** 400: the `state` does not match the browser's signed state cookie, or that cookie is missing or expired. */
  | 'bad_state'
  /** 403: no kit document for the tenant, or no client of this app bound to it. */
  | 'unknown_tenant'
  /** 403: userinfo names another tenant than the one asked for. */
  | 'tenant_mismatch'
  /** 403: the user is unknown to the kit for this app, or authSync cancelled their authorisation (flag 3). */
  | 'not_authorized'
  /** 403: authSync sent `enable: "false"`. */
  | 'user_disabled'
  /** 403: a logout POST from another origin than KG_SSO_APP_URL's. */
  | 'bad_origin'
  /** 401: no valid session. */
  | 'no_session'
  /** 404: not an SSO route. */
  | 'not_found'
  /** 405: the route exists, not with this method. */
  | 'method_not_allowed'
  /** 502: the IdP failed, refused our client, answered something malformed, or its address is unusable. */
  | 'idp_error'
  /** 504: the IdP did not answer in time. */
  | 'idp_timeout'
  /** 500: configuration missing, store unreachable, anything unexpected (the log says which). */
  | 'server_error';

/** The HTTP status of each reason. */
export const REASON_STATUS: Readonly<Record<SsoReason, number>> = {
  bad_request: 400,
  invalid_code: 400,
  bad_state: 400,
  unknown_tenant: 403,
  tenant_mismatch: 403,
  not_authorized: 403,
  user_disabled: 403,
  bad_origin: 403,
  no_session: 401,
  not_found: 404,
  method_not_allowed: 405,
  idp_error: 502,
  idp_timeout: 504,
  server_error: 500,
};

/** The one message shown for each reason (fixed text: never built from input). */
export const REASON_MESSAGE: Readonly<Record<SsoReason, string>> = {
  bad_request: 'The sign-in link is incomplete: the code or the tenant is missing.',
  invalid_code: 'The sign-in code is invalid, expired or already used. Please sign in again.',
  bad_state: 'The sign-in did not start in this browser, or took too long. Please sign in again.',
  unknown_tenant: 'This enterprise is not set up for this application.',
  tenant_mismatch: 'The identity provider signed you in to another enterprise than the one asked for.',
  not_authorized: 'Your account is not authorised for this application. Ask your enterprise administrator.',
  user_disabled: 'Your account is disabled for this application. Ask your enterprise administrator.',
  bad_origin: 'This request did not come from the application.',
  no_session: 'You are not signed in, or your session has ended.',
  not_found: 'There is nothing here.',
  method_not_allowed: 'This method is not allowed here.',
  idp_error: 'The enterprise identity provider failed. Please try again later.',
  idp_timeout: 'The enterprise identity provider did not answer in time. Please try again later.',
  server_error: 'The sign-in service failed. Please try again later.',
};

/**
 * A refusal with its reason code and HTTP status. Thrown by the SSO routes and by `requireUser`.
 * @example
 * try {
 *   const user = await requireUser(req.headers.cookie);
 * } catch (err) {
 *   if (err instanceof SsoError) res.status(err.status).json({ error: err.reason, message: err.message });
 *   else throw err;
 * }
 */
export class SsoError extends Error {
  override name = 'SsoError';
  /** The contract's reason code. */
  readonly reason: SsoReason;
  /** The HTTP status the refusal answers with. */
  readonly status: number;
  /** Safe text for the log line (never a token, secret, code or session id); never sent. */
  readonly detail: string | undefined;
  constructor(reason: SsoReason, detail?: string, options?: { cause?: unknown }) {
    super(REASON_MESSAGE[reason], options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.status = REASON_STATUS[reason];
    this.detail = detail;
  }
}
