/**
 * The fake IdP's HTML: the unified login page (which, like Huawei's, reads `ind` and `appId` from the URL
 * fragment `#/portal-login?ind=UNOP&appId=..`, and takes them from the query too for clients without
 * JavaScript), the workbench login form of authorize, and error pages. Every value is escaped; scripts run
 * only with the page's nonce.
 * @module
 */
import { randomBytes } from 'node:crypto';

/** An HTML answer: the body and its headers (Content-Security-Policy with a fresh script nonce). */
export interface Page {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** HTML-escapes text for element content and double-quoted attributes. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(status: number, title: string, main: string, script = ''): Page {
  const nonce = randomBytes(16).toString('base64');
  const body = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; background: #f3f5f8; margin: 0; }
main { max-width: 380px; margin: 64px auto; background: #fff; padding: 28px 32px; border-radius: 8px; box-shadow: 0 2px 12px #0002; }
h1 { font-size: 20px; margin: 0 0 4px; } p.sub { color: #667; margin: 0 0 20px; font-size: 13px; }
label { display: block; font-size: 13px; margin: 12px 0 4px; } input { width: 100%; box-sizing: border-box; padding: 8px; font-size: 14px; }
button { margin-top: 20px; width: 100%; padding: 10px; font-size: 15px; background: #c7000b; color: #fff; border: 0; border-radius: 4px; }
.error { color: #c7000b; font-size: 13px; margin: 8px 0 0; } code { font-size: 12px; }
</style>
</head>
<body>
<main>
${main}
</main>
${script ? `<script nonce="${nonce}">${script}</script>` : ''}
</body>
</html>
`;
  return {
    status,
    headers: {
      'Content-Type': 'text/html;charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; base-uri 'none'; frame-ancestors 'none'`,
      'X-Content-Type-Options': 'nosniff',
    },
    body,
  };
}

function hidden(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
}

function credentials(userName: string): string {
  return `<label for="userName">账号 Account</label>
<input id="userName" name="userName" autocomplete="username" value="${escapeHtml(userName)}" required>
<label for="password">密码 Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="login">登录 Log in</button>`;
}

const errorLine = (error: string | undefined) => (error ? `<p class="error" id="error">${escapeHtml(error)}</p>` : '');

/**
 * The unified login page (§11.3). `ind` and `appId` come from the query when given (and from a failed
 * POST); the script takes them from the fragment's query, where the merchant's redirect puts them.
 */
export function unifiedLoginPage(options: { ind?: string; appId?: string; userName?: string; error?: string; status?: number }): Page {
  const main = `<h1>统一登录 Unified login</h1>
<p class="sub">Fake tenant IdP (KooGallery emulator)</p>
<form method="post" action="/unified-login/login" id="form">
${hidden({ ind: options.ind ?? '', appId: options.appId ?? '' })}
${credentials(options.userName ?? '')}
</form>
${errorLine(options.error)}`;
  // `#/portal-login?ind=UNOP&appId=X`: the parameters after the fragment's path.
  const script = `(function () {
  var hash = location.hash || '';
  var q = hash.indexOf('?');
  if (q < 0) return;
  var params = new URLSearchParams(hash.slice(q + 1));
  var form = document.getElementById('form');
  ['ind', 'appId'].forEach(function (name) {
    var value = params.get(name);
    if (value !== null) form.elements.namedItem(name).value = value;
  });
})();`;
  return page(options.status ?? 200, '统一登录 Unified login', main, script);
}

/** The authorize login form (workbench flow), carrying the authorize parameters to the POST. */
export function authorizeLoginPage(params: Record<string, string | undefined>, tenantName: string, options: { userName?: string; error?: string; status?: number } = {}): Page {
  const main = `<h1>登录 ${escapeHtml(tenantName)}</h1>
<p class="sub">Fake tenant IdP (KooGallery emulator): sign in to continue to the app</p>
<form method="post" action="/api/v1/oauth2/authorize" id="form">
${hidden(params)}
${credentials(options.userName ?? '')}
</form>
${errorLine(options.error)}`;
  return page(options.status ?? 200, '登录 Log in', main);
}

/** An error page (never a stack trace). */
export function errorPage(status: number, error: string, message: string): Page {
  return page(status, error, `<h1>${escapeHtml(error)}</h1>\n<p class="error">${escapeHtml(message)}</p>`);
}

/** The page after a logout without a redirect_url. */
export function signedOutPage(): Page {
  return page(200, 'Signed out', '<h1>已退出 Signed out</h1>\n<p class="sub"><a href="/unified-login/">统一登录 Unified login</a></p>');
}

/** The index page at `/`: what this server is. */
export function indexPage(base: string): Page {
  const rows = [
    ['GET', '/unified-login/#/portal-login?ind=UNOP&appId=..', 'unified login page'],
    ['GET', '/api/v1/oauth2/authorize', 'workbench authorize (client_id, redirect_uri, response_type=code, state)'],
    ['POST', '/api/v1/oauth2/token', 'authorization_code and refresh_token grants'],
    ['GET', '/api/v1/oauth2/userinfo', 'Authorization: Bearer, Accept: application/json'],
    ['GET', '/api/v1/logout?redirect_url=..', 'ends the IdP session'],
    ['POST', '/_idp/setup', 'apps, tenants, users, faults (JSON)'],
    ['GET', '/_idp/events?after=N', 'what each endpoint answered'],
  ];
  const list = rows.map(([m, p, what]) => `<li><code>${escapeHtml(m ?? '')} ${escapeHtml(`${base}${p ?? ''}`)}</code><br>${escapeHtml(what ?? '')}</li>`).join('\n');
  return page(200, 'Fake tenant IdP', `<h1>Fake tenant IdP</h1>\n<p class="sub">KooGallery emulator, for rehearsing SSO</p>\n<ul>\n${list}\n</ul>`);
}
