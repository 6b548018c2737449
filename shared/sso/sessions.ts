/**
 * Server-side SSO sessions in the versioned store, one record per session under the hash tag
 * `s:<sha256 hex of the id>` (store/keys.ts `sessionTag`), every change through {@link transact}:
 * - the id is 32 random bytes (256 bits), base64url, new at every login, and only its digest is a key;
 * - a session ends after `idleMs` without a request and `absoluteMs` after login, whichever comes first
 *   (checked against the injected clock on every read; the store's TTL only cleans up);
 * - the IdP tokens are sealed with `KG_DATA_KEY` (AES-256-GCM) and never logged or answered;
 * - renewal survives concurrency: one request marks the record `renewing` with compare-and-set and calls the
 *   IdP; a concurrent one sees the mark, waits briefly and uses the winner's tokens; a mark older than its
 *   lease (a crashed renewal) may be taken over; an IdP `invalid_grant` on refresh ends the session.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { transact, type Step } from '../callback/transact';
import type { Logger } from '../platform/logger';
import type { Sealer } from '../security/dataSeal';
import { sessionTag } from '../store/keys';
import type { AuditEntry, Store } from '../store/Store';
import { SsoError } from './errors';
import { budgetLeftMs, IdpError, refusalOf, type CallBudget, type IdpClient, type IdpClientCredentials, type TokenSet } from './idpClient';
import type { SessionSettings } from './settings';

/** What the session functions need. */
export interface SessionDeps {
  store: Store;
  sealer: Sealer;
  /** Epoch ms; injectable (tests move it to reach idle and absolute expiry). */
  clock: () => number;
  logger: Logger;
  session: SessionSettings;
  idp: IdpClient;
}

/** One stored session. */
export interface SessionRecord {
  v: 1;
  tenantId: string;
  /** The tenant document is the seller's test data (`tt:`). */
  test: boolean;
  appId: string;
  userName: string;
  /** Epoch ms of the login. */
  createdAt: number;
  /** Epoch ms of the last request that extended the idle expiry. */
  lastSeenAt: number;
  /** Epoch ms: the session ends here unless a request comes first. Never after {@link absoluteUntil}. */
  idleUntil: number;
  /** Epoch ms: the session ends here whatever happens. */
  absoluteUntil: number;
  /** The IdP tokens, sealed (`{a: access, r?: refresh}` as JSON). */
  tokens: string;
  /** Epoch ms at which the access token expires. */
  accessExpiresAt: number;
  /** Counts renewals: a request that saw generation n and finds n+1 knows another renewal won. */
  gen: number;
  /** Set while one request renews: who, and until when (epoch ms) the claim holds. */
  renewing?: { id: string; until: number };
}

/** Renew when the access token expires within this long (ms): 5 minutes. */
export const RENEW_BEFORE_MS = 5 * 60_000;

/** How long a record stays after a session ends (s), so its audit log can still be read. */
const GONE_TTL_S = 300;

/** Extra store TTL beyond the idle expiry (s): the clock decides, the TTL only cleans up. */
const TTL_MARGIN_S = 60;

/** How often a waiting request looks at a concurrent renewal (ms). */
const WAIT_POLL_MS = 25;

/** Claim rounds before a renewal gives up on a record that keeps changing hands. */
const MAX_RENEW_ROUNDS = 3;

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** A new session id: 32 random bytes, base64url (43 characters). */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether `id` has the form of a session id (anything else is never looked up). */
export function isSessionId(id: string | undefined): id is string {
  return typeof id === 'string' && SESSION_ID.test(id);
}

/** A short reference to a session for log lines: 12 hex digits of its tag's digest (not the id). */
export function sessionRef(id: string): string {
  return sessionTag(id).slice(2, 14);
}

/** Whether a stored value is a session record this code understands. */
export function isSessionRecord(value: unknown): value is SessionRecord {
  const r = value as Partial<SessionRecord> | null;
  return typeof r === 'object' && r !== null && r.v === 1 && typeof r.tenantId === 'string' && typeof r.test === 'boolean'
    && typeof r.appId === 'string' && typeof r.userName === 'string' && typeof r.tokens === 'string'
    && [r.createdAt, r.lastSeenAt, r.idleUntil, r.absoluteUntil, r.accessExpiresAt, r.gen].every((n) => typeof n === 'number' && Number.isFinite(n));
}

/** Whether the session has ended at `now` (idle or absolute expiry). */
export function isExpired(rec: SessionRecord, now: number): boolean {
  return now >= rec.idleUntil || now >= rec.absoluteUntil;
}

/** Whether the access token should be renewed at `now`. */
export function renewalDue(rec: SessionRecord, now: number): boolean {
  return rec.accessExpiresAt - now <= RENEW_BEFORE_MS;
}

function audit(activity: string, at: number): AuditEntry {
  return { at, activity, resultCode: 'ok' };
}

function ttlFor(rec: SessionRecord, now: number): number {
  return Math.max(1, Math.ceil((rec.idleUntil - now) / 1000)) + TTL_MARGIN_S;
}

/** A commit of `next` (live) or of the end of the session (null). */
function write<T>(next: SessionRecord | null, activity: string, now: number, result: T): Step<SessionRecord, T> {
  return { kind: 'commit', next, audit: audit(activity, now), ttlSeconds: next ? ttlFor(next, now) : GONE_TTL_S, result };
}

function done<T>(result: T): Step<SessionRecord, T> {
  return { kind: 'done', result };
}

/** Extends the idle expiry at most this often (ms), so a busy page does not write on every request. */
function touchEveryMs(settings: SessionSettings): number {
  return Math.min(60_000, Math.floor(settings.idleMs / 10));
}

function sealTokens(sealer: Sealer, accessToken: string, refreshToken: string | undefined): string {
  return sealer.seal(JSON.stringify(refreshToken ? { a: accessToken, r: refreshToken } : { a: accessToken }));
}

function openTokens(sealer: Sealer, sealed: string): { a: string; r?: string } {
  const parsed = JSON.parse(sealer.open(sealed)) as { a?: unknown; r?: unknown };
  return { a: typeof parsed.a === 'string' ? parsed.a : '', ...(typeof parsed.r === 'string' && parsed.r !== '' ? { r: parsed.r } : {}) };
}

function withoutClaim(rec: SessionRecord): SessionRecord {
  const { renewing: _renewing, ...rest } = rec;
  return rest;
}

/** What a login hands to {@link createSession}. */
export interface NewSession {
  tenantId: string;
  test: boolean;
  appId: string;
  userName: string;
  tokens: TokenSet;
}

/** Creates a session with a new id; the id goes only into the cookie. */
export async function createSession(deps: SessionDeps, input: NewSession): Promise<{ id: string; record: SessionRecord }> {
  const id = newSessionId();
  const record = await transact<SessionRecord, SessionRecord>({ store: deps.store, tag: sessionTag(id) }, (current) => {
    // 256 random bits never repeat; a record here would mean a broken random source.
    if (current.record !== null) throw new Error('session id collision');
    const now = deps.clock();
    const absoluteUntil = now + deps.session.absoluteMs;
    const next: SessionRecord = {
      v: 1,
      tenantId: input.tenantId,
      test: input.test,
      appId: input.appId,
      userName: input.userName,
      createdAt: now,
      lastSeenAt: now,
      idleUntil: Math.min(now + deps.session.idleMs, absoluteUntil),
      absoluteUntil,
      tokens: sealTokens(deps.sealer, input.tokens.accessToken, input.tokens.refreshToken),
      accessExpiresAt: now + input.tokens.expiresInS * 1000,
      gen: 0,
    };
    return write(next, 'sso.login', now, next);
  });
  return { id, record };
}

/**
 * The live session of `id`, its idle expiry extended, or null (malformed id, unknown, ended). An ended
 * session is removed on the way.
 */
export async function loadSession(deps: SessionDeps, id: string | undefined): Promise<SessionRecord | null> {
  if (!isSessionId(id)) return null;
  return transact<SessionRecord, SessionRecord | null>({ store: deps.store, tag: sessionTag(id) }, (current) => {
    const now = deps.clock();
    const rec = current.record;
    if (rec === null) return done(null);
    if (!isSessionRecord(rec) || isExpired(rec, now)) return write(null, 'sso.expired', now, null);
    if (now - rec.lastSeenAt < touchEveryMs(deps.session)) return done(rec);
    const next: SessionRecord = { ...rec, lastSeenAt: now, idleUntil: Math.min(now + deps.session.idleMs, rec.absoluteUntil) };
    return write(next, 'sso.touch', now, next);
  });
}

/** Ends session `id` (logout, user no longer allowed); returns what it was, or null when there was none. */
export async function endSession(deps: SessionDeps, id: string | undefined, why: string): Promise<SessionRecord | null> {
  if (!isSessionId(id)) return null;
  return transact<SessionRecord, SessionRecord | null>({ store: deps.store, tag: sessionTag(id) }, (current) => {
    const rec = current.record;
    if (rec === null) return done(null);
    return write(null, `sso.${why}`, deps.clock(), isSessionRecord(rec) ? rec : null);
  });
}

/** Where and with which client a renewal calls the IdP. */
export interface RenewalClient {
  base: URL;
  credentials: IdpClientCredentials;
}

type Claim =
  | { kind: 'gone' }
  | { kind: 'current'; rec: SessionRecord }
  | { kind: 'busy'; rec: SessionRecord }
  | { kind: 'mine'; rec: SessionRecord };

/**
 * Renews the access token of session `id` (seen as `seen`) if it is still due: exactly one of any number
 * of concurrent calls asks the IdP; the others wait for its result. Returns the session after renewal,
 * or null when it ended (the IdP refused the refresh token with `invalid_grant`, or a logout came first).
 * A transient IdP failure keeps the session: while the access token is still valid the session is
 * returned as it is (the next request tries again); once it has expired, the failure is thrown.
 * @throws SsoError `idp_error` / `idp_timeout`
 */
export async function renewSession(deps: SessionDeps, id: string, seen: SessionRecord, client: RenewalClient, budget: CallBudget = {}): Promise<SessionRecord | null> {
  const tag = sessionTag(id);
  const claimId = randomBytes(9).toString('base64url');
  const leaseMs = deps.session.idpTimeoutMs + 2_000;
  let known = seen;
  for (let round = 0; round < MAX_RENEW_ROUNDS; round++) {
    const claim = await transact<SessionRecord, Claim>({ store: deps.store, tag }, (current) => {
      const now = deps.clock();
      const rec = current.record;
      if (rec === null || !isSessionRecord(rec) || isExpired(rec, now)) return done({ kind: 'gone' });
      if (rec.gen !== known.gen || !renewalDue(rec, now)) return done({ kind: 'current', rec });
      if (rec.renewing && rec.renewing.until > now) return done({ kind: 'busy', rec });
      const next: SessionRecord = { ...rec, renewing: { id: claimId, until: now + leaseMs } };
      return write(next, 'sso.renew_claim', now, { kind: 'mine', rec: next });
    });
    if (claim.kind === 'gone') return null;
    if (claim.kind === 'current') return claim.rec;
    if (claim.kind === 'mine') return refreshWith(deps, tag, claim.rec, claimId, client, budget);
    // The winner's IdP call cannot take longer than its own limit: wait that long at most, within the deadline.
    const after = await waitForRenewal(deps, tag, claim.rec, Math.min(deps.session.idpTimeoutMs + 500, Math.max(0, budgetLeftMs(budget))));
    if (after.kind === 'gone') return null;
    if (after.kind === 'renewed') return after.rec;
    if (after.kind === 'stuck') {
      if (after.rec.accessExpiresAt > deps.clock()) return withoutClaim(after.rec);
      throw new SsoError('idp_timeout', 'a concurrent renewal did not finish in time');
    }
    known = after.rec; // released without renewing: claim it ourselves
  }
  if (known.accessExpiresAt > deps.clock()) return withoutClaim(known);
  throw new SsoError('idp_error', 'the renewal kept changing hands');
}

/** Watches a concurrent renewal (real time, at most `maxWaitMs`). */
async function waitForRenewal(
  deps: SessionDeps,
  tag: string,
  busy: SessionRecord,
  maxWaitMs: number,
): Promise<{ kind: 'gone' } | { kind: 'renewed' | 'released' | 'stuck'; rec: SessionRecord }> {
  const until = Date.now() + maxWaitMs;
  let last = busy;
  while (Date.now() < until) {
    await sleep(Math.min(WAIT_POLL_MS, Math.max(1, until - Date.now())));
    const [found] = await deps.store.read<SessionRecord>([tag]);
    const rec = found?.record ?? null;
    if (rec === null || !isSessionRecord(rec) || isExpired(rec, deps.clock())) return { kind: 'gone' };
    if (rec.gen !== busy.gen) return { kind: 'renewed', rec };
    if (!rec.renewing) return { kind: 'released', rec };
    last = rec;
  }
  return { kind: 'stuck', rec: last };
}

/** Drops this request's `renewing` mark (after a failed refresh), leaving anyone else's. */
async function release(deps: SessionDeps, tag: string, claimId: string): Promise<void> {
  await transact<SessionRecord, void>({ store: deps.store, tag }, (current) => {
    const rec = current.record;
    if (rec === null || !isSessionRecord(rec) || rec.renewing?.id !== claimId) return done(undefined);
    return write(withoutClaim(rec), 'sso.renew_released', deps.clock(), undefined);
  });
}

/** The winner's part: refresh at the IdP and store the new tokens (or end the session on `invalid_grant`). */
async function refreshWith(deps: SessionDeps, tag: string, mine: SessionRecord, claimId: string, client: RenewalClient, budget: CallBudget): Promise<SessionRecord | null> {
  let refreshToken: string | undefined;
  try {
    refreshToken = openTokens(deps.sealer, mine.tokens).r;
  } catch (err) {
    await release(deps, tag, claimId);
    throw err;
  }
  if (!refreshToken) {
    // The IdP issued no refresh token: nothing to renew with; the session lives on until idle/absolute expiry.
    await release(deps, tag, claimId);
    return withoutClaim(mine);
  }
  let fresh: TokenSet;
  try {
    fresh = await deps.idp.refresh(client.base, client.credentials, refreshToken, budget);
  } catch (err) {
    if (err instanceof IdpError && err.kind === 'invalid_grant') {
      // The grant ended at the IdP (logout elsewhere, revoked, refresh token expired): so does the session,
      // unless another renewal stored newer tokens meanwhile (it took over an expired claim).
      return transact<SessionRecord, SessionRecord | null>({ store: deps.store, tag }, (current) => {
        const rec = current.record;
        if (rec === null || !isSessionRecord(rec)) return done(null);
        if (rec.gen !== mine.gen) return done(rec);
        return write(null, 'sso.revoked', deps.clock(), null);
      });
    }
    await release(deps, tag, claimId);
    if (err instanceof IdpError) {
      if (mine.accessExpiresAt > deps.clock()) {
        deps.logger.warn('sso.renew_deferred', { tenantId: mine.tenantId, error: err.kind, status: err.status });
        return withoutClaim(mine);
      }
      throw refusalOf(err, 'idp_error');
    }
    throw err;
  }
  const sealed = sealTokens(deps.sealer, fresh.accessToken, fresh.refreshToken ?? refreshToken);
  return transact<SessionRecord, SessionRecord | null>({ store: deps.store, tag }, (current) => {
    const now = deps.clock();
    const rec = current.record;
    // A logout (or expiry) while the IdP answered wins: the new tokens are dropped.
    if (rec === null || !isSessionRecord(rec) || isExpired(rec, now)) return done(null);
    const { renewing, ...rest } = rec;
    const next: SessionRecord = {
      ...rest,
      tokens: sealed,
      accessExpiresAt: now + fresh.expiresInS * 1000,
      gen: rec.gen + 1,
      ...(renewing && renewing.id !== claimId ? { renewing } : {}),
    };
    return write(next, 'sso.renew', now, next);
  });
}
