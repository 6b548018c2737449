/**
 * `kg idp`: runs the fake tenant IdP for rehearsing SSO by hand (and for `kg simulate --idp URL`).
 * @module
 */
import { readFileSync } from 'node:fs';
import { EXIT, parseCliArgs, UsageError, type CliCommand } from '../command';
import { startFakeIdp } from '../../emulator/fakeIdp/index';

const usage = `kg idp [--port P] [--host H] [--setup FILE] [--slow-ms MS] [--code-ttl S] [--quiet]

Runs a fake tenant IdP (joint-operation-kit-and-sso.md §11), written from the specification:
  GET  /unified-login/#/portal-login?ind=UNOP&appId=..   the unified login page
  GET  /api/v1/oauth2/authorize                         workbench login (client_id, redirect_uri, state)
  POST /api/v1/oauth2/token                             authorization_code and refresh_token grants
  GET  /api/v1/oauth2/userinfo                          Authorization: Bearer, Accept: application/json
  GET  /api/v1/logout?redirect_url=..                   ends the IdP session
  POST /_idp/setup                                      apps, tenants, users, faults (JSON, see below)
  GET  /_idp/events?after=N                             what each endpoint answered
Use its URL as the tenant's domainName in tenantSync, and <URL>/unified-login/#/portal-login as
KG_SSO_LOGIN_PAGE_URL. One IdP serves any number of tenants (the token endpoint tells them by client_id).

Setup document (--setup FILE, or POST /_idp/setup):
  { "apps":    [{ "appId": "..", "callbackUrl": "https://app.example.com/sso/callback" }],
    "tenants": [{ "tenantId": "..", "tenantCode": "..", "name": "..", "clientId": "..", "clientSecret": "..",
                  "appId": "..", "accessTokenTtlSeconds": 7200, "refreshTokenTtlSeconds": 2592000,
                  "faults": { "token": "error|slow", "userinfo": "error|slow|wrong-tenant", "slowMs": 8000 } }],
    "users":   [{ "tenantId": "..", "userName": "..", "password": "..", "name": "..", "role": "admin|user",
                  "organizationCode": "..", "organizationName": "..", "email": "..", "mobile": ".." }],
    "removeUsers": [{ "tenantId": "..", "userName": ".." }] }

  --port P        default $PORT or 8090 (0: a free port)
  --host H        default 127.0.0.1 (the admin API has no authentication: keep it on loopback)
  --slow-ms MS    how late a "slow" fault answers (default 8000; the merchant gives up at 5 s)
  --code-ttl S    authorization code lifetime in seconds (default 300)
  --quiet         no request log on stderr`;

function integer(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`--${name} must be an integer ${min}..${max}`);
  return n;
}

function readSetup(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--setup: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--setup: ${path} is not JSON`);
  }
}

export const command: CliCommand = {
  name: 'idp',
  summary: 'run a fake tenant IdP (unified login, OAuth2 authorize/token/userinfo, logout) for SSO',
  usage,
  run: async (args, io) => {
    const { values } = parseCliArgs(args, {
      port: { type: 'string' },
      host: { type: 'string' },
      setup: { type: 'string' },
      'slow-ms': { type: 'string' },
      'code-ttl': { type: 'string' },
      quiet: { type: 'boolean' },
    });
    const port = integer(values.port ?? io.env.PORT ?? '8090', 'port', 0, 65535) ?? 8090;
    const slowMs = integer(values['slow-ms'], 'slow-ms', 0, 120_000);
    const codeTtlSeconds = integer(values['code-ttl'], 'code-ttl', 1, 3600);
    const setup = values.setup === undefined ? undefined : readSetup(values.setup);
    let idp;
    try {
      idp = await startFakeIdp({
        port,
        ...(values.host ? { host: values.host } : {}),
        ...(slowMs !== undefined ? { slowMs } : {}),
        ...(codeTtlSeconds !== undefined ? { codeTtlSeconds } : {}),
        // The setup is checked by the IdP itself; a bad one is a usage error.
        ...(setup !== undefined ? { setup: setup as never } : {}),
        ...(values.quiet ? {} : { log: (line: string) => io.err(`${line}\n`) }),
      });
    } catch (err) {
      if ((err as Error).name === 'SetupError') throw new UsageError(`--setup: ${(err as Error).message}`);
      throw err;
    }
    io.out(`fake tenant IdP listening on ${idp.url}\n`);
    io.out(`  tenant domainName (tenantSync):  ${idp.url}\n`);
    io.out(`  KG_SSO_LOGIN_PAGE_URL:           ${idp.url}/unified-login/#/portal-login\n`);
    io.out(`  register apps, tenants, users:   POST ${idp.url}/_idp/setup (kg idp --help)\n`);
    const loopback = /^(127\.|localhost$|::1$|\[::1\]$)/.test(values.host ?? '127.0.0.1');
    if (!loopback) io.err('kg idp: warning: the admin API (/_idp/*) has no authentication and this host is not loopback\n');
    await new Promise<void>((resolve) => {
      const stop = () => { void idp.close().then(resolve); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return EXIT.ok;
  },
};
