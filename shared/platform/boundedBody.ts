/**
 * Reading an HTTP answer from a peer we do not control (the merchant's back end, the tenant's IdP, the
 * marketplace's open API) without letting it fill the function's memory.
 * @module
 */

/**
 * The body of `response` as UTF-8 text, or undefined as soon as it grows past `limit` bytes (the rest is
 * not read: the stream is cancelled).
 */
export async function readBoundedText(response: Response, limit: number): Promise<string | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
