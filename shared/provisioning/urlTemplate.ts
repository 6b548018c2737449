/**
 * Access-URL templates of the built-in provisioner: `{instanceId}` is replaced by the URL-encoded
 * instance id, and the result must be an absolute http(s) URL that fits the marketplace's field.
 * @module
 */

/** The placeholder replaced in every template. */
export const INSTANCE_ID_PLACEHOLDER = '{instanceId}';

/** `frontEndUrl`, `adminUrl` and `dashboardUrl` are `String 512` in the V2 AppInfo (lifecycle.md §5.1). */
export const MAX_URL_LENGTH = 512;

/** Replaces every `{instanceId}` in `template` with `value` as given (no encoding). */
export function fillTemplate(template: string, value: string): string {
  return template.split(INSTANCE_ID_PLACEHOLDER).join(value);
}

/** Why a URL was refused, or `undefined` when it is an absolute http(s) URL of at most {@link MAX_URL_LENGTH} characters. */
export function urlProblem(url: string): string | undefined {
  if (url.length === 0) return 'is empty';
  if (url.length > MAX_URL_LENGTH) return `is longer than ${MAX_URL_LENGTH} characters`;
  // `new URL` silently trims and drops tabs/newlines; the buyer would get a different link than configured.
  if (/[\s\u0000-\u001f\u007f]/.test(url)) return 'contains whitespace or control characters';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not an absolute URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'is not an http(s) URL';
  if (parsed.hostname === '') return 'has no host';
  return undefined;
}

/**
 * Fills `template` with the URL-encoded `instanceId` and checks the result.
 * @returns the URL, or the reason it is unusable (never containing the URL itself).
 */
export function renderUrlTemplate(template: string, instanceId: string): { ok: true; url: string } | { ok: false; problem: string } {
  const url = fillTemplate(template, encodeURIComponent(instanceId));
  const problem = urlProblem(url);
  return problem === undefined ? { ok: true, url } : { ok: false, problem };
}
