/**
 * `GET /demo` on `kg serve` only (never deployed): the smallest merchant app page that uses SSO. Its script
 * asks `GET /sso/session` who is signed in and shows "Signed in as <name>" with a "Log out" button (a form
 * POST to /sso/logout, so the browser sends the page's Origin), or a "Log in" link to /sso/login. Set
 * KG_SSO_APP_URL (and KG_SSO_LOGOUT_REDIRECTS) to `<server>/demo` to rehearse the whole round trip.
 * @module
 */
import { randomBytes } from 'node:crypto';

/** The path the local server answers with the demo page. */
export const DEMO_PATH = '/demo';

/** The demo page: status, headers (a strict CSP with a fresh script nonce) and HTML. */
export function demoPage(): { statusCode: number; headers: Record<string, string>; body: string } {
  const nonce = randomBytes(16).toString('base64');
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo app (KooGallery SSO)</title>
<style nonce="${nonce}">
body { font-family: system-ui, sans-serif; margin: 0; background: #f6f7f9; }
header { background: #1f2a44; color: #fff; padding: 14px 24px; font-size: 18px; }
main { max-width: 520px; margin: 48px auto; background: #fff; padding: 28px 32px; border-radius: 8px; box-shadow: 0 2px 12px #0002; }
#status { font-size: 20px; margin: 0 0 12px; } .muted { color: #667; font-size: 13px; }
a.button, button { display: inline-block; padding: 9px 18px; font-size: 15px; border-radius: 4px; border: 0; background: #c7000b; color: #fff; text-decoration: none; cursor: pointer; }
[hidden] { display: none !important; }
</style>
</head>
<body>
<header>Demo app</header>
<main>
<p id="status">Checking your session…</p>
<p id="details" class="muted" hidden></p>
<p id="login" hidden><a class="button" id="login-link" href="/sso/login">Log in</a></p>
<form id="logout" method="post" action="/sso/logout" hidden><button type="submit" id="logout-button">Log out</button></form>
</main>
<script nonce="${nonce}">
(async function () {
  var status = document.getElementById('status');
  var details = document.getElementById('details');
  function signedOut() {
    status.textContent = 'You are not signed in';
    document.getElementById('login').hidden = false;
    document.body.dataset.state = 'signed-out';
  }
  try {
    var res = await fetch('/sso/session', { credentials: 'same-origin', headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (res.status !== 200) return signedOut();
    var s = await res.json();
    status.textContent = 'Signed in as ' + s.name;
    details.textContent = s.userName + ' · ' + s.role + ' · ' + s.tenantName;
    details.hidden = false;
    document.getElementById('logout').hidden = false;
    document.body.dataset.state = 'signed-in';
  } catch (e) {
    signedOut();
  }
})();
</script>
</body>
</html>
`;
  return {
    statusCode: 200,
    headers: {
      'Content-Type': 'text/html;charset=utf-8',
      'Cache-Control': 'no-store',
      // No form-action: the logout POST is redirected on to the tenant IdP, which form-action would block.
      'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
    },
    body,
  };
}
