/**
 * The refusal page: every refused SSO request gets its reason code and a fixed, safe message, as a small
 * HTML page for a browser or as JSON `{ "error": "<reason>", "message": "..." }` when the client asks for
 * JSON (`Accept: application/json`). Never a stack trace, never anything the request or the IdP sent.
 * The handler logs each refusal (handler.ts).
 * @module
 */
import type { HttpRequest, HttpResponse } from '../platform/apig';
import type { SsoError } from './errors';
import { BASE_HEADERS, jsonAnswer } from './responses';

/** Whether the client asked for JSON (`Accept` naming `application/json` or a `+json` type). */
export function wantsJson(req: HttpRequest): boolean {
  const accept = (req.headers.accept ?? '').toLowerCase();
  return accept.includes('application/json') || /\+json\b/.test(accept);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The HTML of a refusal (`backUrl`: a configured address, never a request's). */
export function refusalHtml(err: SsoError, backUrl?: string): string {
  const back = backUrl ? `\n<p><a href="${escapeHtml(backUrl)}">Back to the application</a></p>` : '';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Sign-in refused</title></head>
<body>
<h1>Sign-in refused</h1>
<p>${escapeHtml(err.message)}</p>
<p>Reason: <code>${escapeHtml(err.reason)}</code> (HTTP ${err.status})</p>${back}
</body>
</html>
`;
}

/** The answer to a refusal: JSON when asked for (or `json` forces it), else the HTML page. */
export function refusal(req: HttpRequest, err: SsoError, options: { backUrl?: string; json?: boolean } = {}): HttpResponse {
  if (options.json === true || wantsJson(req)) return jsonAnswer(err.status, { error: err.reason, message: err.message });
  const headers: Record<string, string> = {
    ...BASE_HEADERS,
    'Content-Type': 'text/html;charset=UTF-8',
    'Content-Security-Policy': "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  };
  return { statusCode: err.status, headers, body: refusalHtml(err, options.backUrl) };
}
