/**
 * The 联营 kit calls as reusable steps. The marketplace delivers at least once (joint-operation-kit-and-sso.md
 * §10), so every event is sent twice: the same body with a fresh nonce and timestamp, and the repeat must
 * succeed too (§5-§9: repeated add creates nothing new, repeated delete succeeds).
 * @module
 */
import type { KeyObject } from 'node:crypto';
import type { ScenarioContext } from './context';
import type { KitInterface, KitMarketplace, KitV1Options, KitV2Options } from './kitClient';
import { encryptClientSecret, type OaepVariant } from './rsaOaep';

/** Success (also for every repeat). */
export const OK = ['000000'];
/** Bad or missing signature, or one made with another key. */
export const AUTH = ['000001'];
/** Missing or stale timestamp, missing nonce, wrong types, missing fields, oversized body, undecryptable secret. */
export const PARAM = ['000002'];
/** A replayed nonce: the spec only says "reject", so both refusal codes are accepted (as in `hostile`). */
export const REPLAY = ['000001', '000002'];

/** Why applicationSync steps with a real secret are skipped without `--rsa-public-key`. */
export const NO_PUBLIC_KEY = 'not sent: needs --rsa-public-key (clientSecret is RSA-OAEP ciphertext under the merchant public key)';

/** What the kit steps work with. */
export interface KitRun {
  ctx: ScenarioContext;
  /** Signs with the kit key. */
  kit: KitMarketplace;
  /** The merchant's 应用凭证 public key, when given. */
  publicKey?: KeyObject;
}

/** One V2 kit call. */
export function v2Once(run: KitRun, name: string, iface: KitInterface, body: Record<string, unknown>, expect: string[], options?: KitV2Options) {
  return run.ctx.step({ name, expect, send: () => run.kit.v2(iface, body, options) });
}

/** One V2 kit event delivered twice (new nonce and timestamp each time); both answers must be `000000`. */
export async function v2Twice(run: KitRun, name: string, iface: KitInterface, body: Record<string, unknown>, options?: KitV2Options): Promise<void> {
  await v2Once(run, name, iface, body, OK, options);
  await v2Once(run, `${name}, repeated`, iface, body, OK, options);
}

/** One V1 kit event delivered twice; both answers must be `000000`. */
export async function v1Twice(run: KitRun, name: string, iface: KitInterface, body: Record<string, unknown>, options?: KitV1Options): Promise<void> {
  for (const step of [name, `${name}, repeated`]) await run.ctx.step({ name: step, expect: OK, send: () => run.kit.v1(iface, body, options) });
}

/** Records an event (both deliveries) as skipped. */
export function skipTwice(run: KitRun, name: string, reason: string): void {
  run.ctx.skip(`${name} (and its repeat)`, reason);
}

/** `plaintext` encrypted for the merchant, or undefined without a public key. */
export function clientSecret(run: KitRun, plaintext: string, variant: OaepVariant): string | undefined {
  return run.publicKey === undefined ? undefined : encryptClientSecret(run.publicKey, plaintext, variant);
}
