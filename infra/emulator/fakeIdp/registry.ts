/**
 * The fake tenant IdP's state, written from the specification (joint-operation-kit-and-sso.md §3, §11) and
 * not from the server's code: the apps (appId -> registered callback), the tenants (tenantId, OAuth client,
 * token lifetimes, injected faults), their users with passwords, and what the protocol issues (single-use
 * expiring codes, access tokens, rotating refresh tokens, browser sessions at the IdP), plus a log of what
 * each endpoint answered so a scenario can see renewals and logouts. Pure: time comes from `now`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** Faults of the token endpoint: HTTP 500, or an answer later than `slowMs`. */
export type TokenFault = 'error' | 'slow';
/** Faults of userinfo: HTTP 500, late, or a `tenant` other than the token's. */
export type UserinfoFault = 'error' | 'slow' | 'wrong-tenant';

/** Injected faults of one tenant (null or absent: none). */
export interface IdpFaults {
  token?: TokenFault | null;
  userinfo?: UserinfoFault | null;
  /** How late a `slow` answer comes (ms); default: the IdP's `slowMs`. */
  slowMs?: number;
}

/** A merchant app credential (应用凭证): where the unified login sends the browser back. */
export interface IdpApp {
  appId: string;
  /** The 回调地址 registered with the credential; the unified login appends `code` and `tenant`. */
  callbackUrl: string;
}

/** A tenant (enterprise) with its OAuth client for the merchant's app. */
export interface IdpTenant {
  tenantId: string;
  tenantCode: string;
  /** Returned as userinfo `projectName`. */
  name: string;
  /** Unique over the IdP: the token endpoint finds the tenant by it. */
  clientId: string;
  /** Plaintext, as the merchant must send it after decrypting the applicationSync value. */
  clientSecret: string;
  /** The app whose unified login may sign this tenant's users in, and whose callback authorize accepts. */
  appId?: string;
  /** access_token lifetime (default 7200, §11.3). */
  accessTokenTtlSeconds: number;
  /** refresh_token lifetime (default 30 days). */
  refreshTokenTtlSeconds: number;
  faults: IdpFaults;
}

/** A user of one tenant, with the userinfo fields of §11.3. */
export interface IdpUser {
  tenantId: string;
  userName: string;
  password: string;
  name: string;
  role: string;
  organizationCode: string;
  organizationName: string;
  email: string;
  mobile: string;
  /** userinfo `id` and `userId`. */
  id: string;
}

const text = (max: number) => z.string().min(1).max(max);
const httpUrl = z.string().max(2048).refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hash === '';
  } catch {
    return false;
  }
}, 'an absolute http(s) URL without a fragment');
const seconds = z.number().int().min(1).max(400 * 86_400);
const faultsSchema = z.strictObject({
  token: z.enum(['error', 'slow']).nullable().optional(),
  userinfo: z.enum(['error', 'slow', 'wrong-tenant']).nullable().optional(),
  slowMs: z.number().int().min(0).max(120_000).optional(),
});

/** What `POST /_idp/setup` takes (and `startFakeIdp({ setup })`): upserts, applied all or nothing. */
export const setupSchema = z.strictObject({
  apps: z.array(z.strictObject({ appId: text(128), callbackUrl: httpUrl })).optional(),
  /** A new tenant needs clientId and clientSecret; for a known one only the given fields change. */
  tenants: z.array(z.strictObject({
    tenantId: text(64),
    tenantCode: text(64).optional(),
    name: text(256).optional(),
    clientId: text(256).optional(),
    clientSecret: text(1024).optional(),
    appId: text(128).nullable().optional(),
    accessTokenTtlSeconds: seconds.optional(),
    refreshTokenTtlSeconds: seconds.optional(),
    /** Replaces the tenant's faults; null clears them. */
    faults: faultsSchema.nullable().optional(),
  })).optional(),
  users: z.array(z.strictObject({
    tenantId: text(64),
    userName: text(128),
    password: text(256),
    name: z.string().max(256).optional(),
    role: z.string().max(32).optional(),
    organizationCode: z.string().max(64).optional(),
    organizationName: z.string().max(256).optional(),
    email: z.string().max(256).optional(),
    mobile: z.string().max(64).optional(),
    id: z.string().max(64).optional(),
  })).optional(),
  removeUsers: z.array(z.strictObject({ tenantId: text(64), userName: text(128) })).optional(),
});

/** The setup document. */
export type IdpSetup = z.input<typeof setupSchema>;

/** Thrown for a setup document that does not fit; the message says where. */
export class SetupError extends Error {
  override name = 'SetupError';
}

/** One answer the IdP gave, for scenarios and tests (never a code, token or password). */
export interface IdpEvent {
  seq: number;
  /** Epoch ms. */
  at: number;
  endpoint: 'unified-login' | 'authorize' | 'token' | 'userinfo' | 'logout';
  status: number;
  tenantId?: string;
  userName?: string;
  /** Token endpoint: the grant_type asked for. */
  grant?: string;
  /** The OAuth `error` answered, when not a success. */
  error?: string;
  /** The injected fault that shaped the answer. */
  fault?: string;
}

interface Code {
  tenantId: string;
  clientId: string;
  userName: string;
  redirectUri: string;
  expiresAt: number;
  used: boolean;
}

interface Grant {
  tenantId: string;
  clientId: string;
  userName: string;
  expiresAt: number;
}

/** A browser's login at the IdP (its cookie). */
export interface IdpSession {
  tenantId: string;
  userName: string;
  expiresAt: number;
}

/** An issued token pair, as the token endpoint answers it. */
export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token: string;
}

/** Why a grant was refused (the OAuth error and its description, as §11.3 words them). */
export interface GrantError {
  status: number;
  error: string;
  error_description: string;
}

/** Lifetimes of what the IdP issues. */
export interface IdpTimes {
  /** Authorization code lifetime (s). */
  codeTtlSeconds: number;
  /** Login session at the IdP (s). */
  sessionTtlSeconds: number;
}

const DEFAULT_ACCESS_TTL = 7_200;
const DEFAULT_REFRESH_TTL = 30 * 86_400;
const MAX_EVENTS = 5_000;
const token = () => randomBytes(32).toString('base64url');

const INVALID_CODE: GrantError = { status: 400, error: 'invalid_grant', error_description: 'Invalid authorization code' };
const INVALID_REFRESH: GrantError = { status: 400, error: 'invalid_grant', error_description: 'Invalid refresh token' };

/** Everything the fake IdP knows. */
export class IdpRegistry {
  private apps = new Map<string, IdpApp>();
  private tenants = new Map<string, IdpTenant>();
  /** tenantId -> userName -> user. */
  private users = new Map<string, Map<string, IdpUser>>();
  private readonly codes = new Map<string, Code>();
  private readonly accessTokens = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly sessions = new Map<string, IdpSession>();
  private readonly log: IdpEvent[] = [];
  private seq = 0;
  private issued = 0;

  constructor(readonly now: () => number, readonly times: IdpTimes) {}

  /**
   * Applies a setup document: every entry is checked before anything changes.
   * @throws SetupError naming the first problem.
   */
  setup(input: unknown): void {
    const parsed = setupSchema.safeParse(input);
    if (!parsed.success) throw new SetupError(z.prettifyError(parsed.error).replace(/\s*\n\s*/g, '; '));
    const doc = parsed.data;
    const apps = new Map(this.apps);
    const tenants = new Map([...this.tenants].map(([k, v]) => [k, { ...v }]));
    const users = new Map([...this.users].map(([k, v]) => [k, new Map(v)]));
    for (const app of doc.apps ?? []) apps.set(app.appId, { ...app });
    for (const t of doc.tenants ?? []) {
      const known = tenants.get(t.tenantId);
      if (!known && (t.clientId === undefined || t.clientSecret === undefined)) throw new SetupError(`tenant ${t.tenantId}: a new tenant needs clientId and clientSecret`);
      const next: IdpTenant = known ?? {
        tenantId: t.tenantId, tenantCode: t.tenantCode ?? t.tenantId, name: t.name ?? t.tenantId, clientId: t.clientId ?? '', clientSecret: t.clientSecret ?? '',
        accessTokenTtlSeconds: DEFAULT_ACCESS_TTL, refreshTokenTtlSeconds: DEFAULT_REFRESH_TTL, faults: {},
      };
      if (t.tenantCode !== undefined) next.tenantCode = t.tenantCode;
      if (t.name !== undefined) next.name = t.name;
      if (t.clientId !== undefined) next.clientId = t.clientId;
      if (t.clientSecret !== undefined) next.clientSecret = t.clientSecret;
      if (t.appId === null) delete next.appId;
      else if (t.appId !== undefined) next.appId = t.appId;
      if (t.accessTokenTtlSeconds !== undefined) next.accessTokenTtlSeconds = t.accessTokenTtlSeconds;
      if (t.refreshTokenTtlSeconds !== undefined) next.refreshTokenTtlSeconds = t.refreshTokenTtlSeconds;
      if (t.faults !== undefined) next.faults = t.faults === null ? {} : { ...t.faults };
      tenants.set(t.tenantId, next);
    }
    const clients = new Map<string, string>();
    for (const t of tenants.values()) {
      const other = clients.get(t.clientId);
      if (other !== undefined) throw new SetupError(`clientId ${t.clientId} is used by tenants ${other} and ${t.tenantId}`);
      clients.set(t.clientId, t.tenantId);
    }
    for (const u of doc.users ?? []) {
      if (!tenants.has(u.tenantId)) throw new SetupError(`user ${u.userName}: unknown tenant ${u.tenantId}`);
      const list = users.get(u.tenantId) ?? new Map<string, IdpUser>();
      list.set(u.userName, {
        tenantId: u.tenantId, userName: u.userName, password: u.password, name: u.name ?? u.userName, role: u.role ?? 'user',
        organizationCode: u.organizationCode ?? '', organizationName: u.organizationName ?? '', email: u.email ?? '', mobile: u.mobile ?? '',
        id: u.id ?? randomBytes(8).toString('hex'),
      });
      users.set(u.tenantId, list);
    }
    for (const u of doc.removeUsers ?? []) users.get(u.tenantId)?.delete(u.userName);
    this.apps = apps;
    this.tenants = tenants;
    this.users = users;
  }

  app(appId: string): IdpApp | undefined {
    return this.apps.get(appId);
  }

  tenant(tenantId: string): IdpTenant | undefined {
    return this.tenants.get(tenantId);
  }

  tenantByClient(clientId: string): IdpTenant | undefined {
    for (const t of this.tenants.values()) if (t.clientId === clientId) return t;
    return undefined;
  }

  user(tenantId: string, userName: string): IdpUser | undefined {
    return this.users.get(tenantId)?.get(userName);
  }

  /** The user of `tenantId` with these credentials, or undefined. */
  checkPassword(tenantId: string, userName: string, password: string): IdpUser | undefined {
    const user = this.user(tenantId, userName);
    return user !== undefined && user.password === password ? user : undefined;
  }

  /**
   * The unified login's account lookup among the tenants bound to `appId`: the account name alone when
   * exactly one such tenant has it with this password, else `userName@tenantCode`.
   */
  unifiedLogin(appId: string, account: string, password: string): { user?: IdpUser; ambiguous?: boolean } {
    const bound = [...this.tenants.values()].filter((t) => t.appId === appId);
    const matches = bound.map((t) => this.checkPassword(t.tenantId, account, password)).filter((u): u is IdpUser => u !== undefined);
    if (matches.length === 1) return { user: matches[0] };
    if (matches.length > 1) return { ambiguous: true };
    const at = account.lastIndexOf('@');
    if (at > 0) {
      const tenant = bound.find((t) => t.tenantCode === account.slice(at + 1));
      const user = tenant && this.checkPassword(tenant.tenantId, account.slice(0, at), password);
      if (user) return { user };
    }
    return {};
  }

  /** A new single-use authorization code for `user`, bound to the client and the redirect it goes to. */
  issueCode(tenant: IdpTenant, userName: string, redirectUri: string): string {
    this.sweep();
    const code = randomBytes(18).toString('base64url');
    this.codes.set(code, { tenantId: tenant.tenantId, clientId: tenant.clientId, userName, redirectUri, expiresAt: this.now() + this.times.codeTtlSeconds * 1000, used: false });
    return code;
  }

  /**
   * `grant_type=authorization_code`: a code is good once, before it expires, for the client it was issued
   * to, and when `redirect_uri` is sent it must be the one the code went to (§11.3, OneAccess).
   */
  redeemCode(tenant: IdpTenant, code: string, redirectUri: string | undefined): { answer?: TokenAnswer; refused?: GrantError; userName?: string } {
    const found = this.codes.get(code);
    if (!found || found.clientId !== tenant.clientId) return { refused: INVALID_CODE };
    if (found.used || found.expiresAt <= this.now()) {
      found.used = true;
      return { refused: INVALID_CODE, userName: found.userName };
    }
    found.used = true;
    if (redirectUri !== undefined && redirectUri !== found.redirectUri) return { refused: { status: 400, error: 'invalid_grant', error_description: 'Redirect URI mismatch' }, userName: found.userName };
    return { answer: this.issueTokens(tenant, found.userName), userName: found.userName };
  }

  /** `grant_type=refresh_token`: the refresh token is spent and a new pair issued (rotation). */
  refresh(tenant: IdpTenant, refreshToken: string): { answer?: TokenAnswer; refused?: GrantError; userName?: string } {
    const found = this.refreshTokens.get(refreshToken);
    if (!found || found.clientId !== tenant.clientId || found.expiresAt <= this.now()) return { refused: INVALID_REFRESH, ...(found ? { userName: found.userName } : {}) };
    this.refreshTokens.delete(refreshToken);
    return { answer: this.issueTokens(tenant, found.userName), userName: found.userName };
  }

  private issueTokens(tenant: IdpTenant, userName: string): TokenAnswer {
    this.sweep();
    const now = this.now();
    const access = token();
    const refresh = token();
    this.accessTokens.set(access, { tenantId: tenant.tenantId, clientId: tenant.clientId, userName, expiresAt: now + tenant.accessTokenTtlSeconds * 1000 });
    this.refreshTokens.set(refresh, { tenantId: tenant.tenantId, clientId: tenant.clientId, userName, expiresAt: now + tenant.refreshTokenTtlSeconds * 1000 });
    return { access_token: access, token_type: 'Bearer', expires_in: tenant.accessTokenTtlSeconds, scope: 'get_user_info', refresh_token: refresh };
  }

  /** The grant behind a live access token, or undefined. */
  accessGrant(accessToken: string): Grant | undefined {
    const found = this.accessTokens.get(accessToken);
    return found && found.expiresAt > this.now() ? found : undefined;
  }

  /** Starts a login session at the IdP; returns its cookie value. */
  startSession(user: IdpUser): string {
    this.sweep();
    const id = token();
    this.sessions.set(id, { tenantId: user.tenantId, userName: user.userName, expiresAt: this.now() + this.times.sessionTtlSeconds * 1000 });
    return id;
  }

  /** The live session of a cookie value whose user still exists, or undefined. */
  session(id: string | undefined): IdpSession | undefined {
    if (id === undefined) return undefined;
    const found = this.sessions.get(id);
    if (!found || found.expiresAt <= this.now() || !this.user(found.tenantId, found.userName)) return undefined;
    return found;
  }

  /** Ends a session (logout); true when there was one. */
  endSession(id: string | undefined): boolean {
    return id !== undefined && this.sessions.delete(id);
  }

  /** Appends to the event log. */
  record(event: Omit<IdpEvent, 'seq' | 'at'>): void {
    this.log.push({ seq: ++this.seq, at: this.now(), ...event });
    if (this.log.length > MAX_EVENTS) this.log.splice(0, this.log.length - MAX_EVENTS);
  }

  /** Events after sequence number `after` (0: all kept), and the last number given so far. */
  events(after = 0): { events: IdpEvent[]; last: number } {
    return { events: this.log.filter((e) => e.seq > after).map((e) => ({ ...e })), last: this.seq };
  }

  /** Drops expired entries now and then, so a long-running `kg idp` stays small. */
  private sweep(): void {
    if (++this.issued % 500 !== 0) return;
    const now = this.now();
    for (const map of [this.codes, this.accessTokens, this.refreshTokens, this.sessions] as Array<Map<string, { expiresAt: number }>>) {
      for (const [k, v] of map) if (v.expiresAt <= now) map.delete(k);
    }
  }
}
