/**
 * SHA-256 in one call. Node's one-shot `crypto.hash` costs about half of `createHash().update().digest()`
 * for short inputs: it skips the Hash object and looks the digest up once.
 * @module
 */
import * as nodeCrypto from 'node:crypto';
import { createHash } from 'node:crypto';

/** `crypto.hash` (Node >= 20.12; FunctionGraph's Node.js 20.15 has it); undefined on an older runtime. */
export const oneShotHash: typeof nodeCrypto.hash | undefined = (nodeCrypto as { hash?: typeof nodeCrypto.hash }).hash;

/** Lower-case hex SHA-256 of `data` (a string is taken as UTF-8). */
export function sha256Hex(data: string | Buffer): string {
  return oneShotHash !== undefined ? oneShotHash('sha256', data, 'hex') : createHash('sha256').update(data).digest('hex');
}
