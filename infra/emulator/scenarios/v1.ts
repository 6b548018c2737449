/**
 * `v1`: the legacy V1.0 interface (lifecycle.md §7, security-and-crypto.md §4-§6): GET with
 * `authToken`/`timeStamp`; newInstance answers carry AES-encrypted credentials and `encryptType`;
 * every answer, errors included, must carry a `Body-Sign` that verifies over the exact body bytes.
 * The V1 field lists of the later activities are not pinned down in the reference; the emulator sends
 * the documented V1 names (instanceId, orderId, productId, skuCode, expireTime, instanceStatus).
 * @module
 */
import type { ScenarioContext } from '../context';
import { infoEntry, stringFieldProblems } from '../checks';
import { bitsOfEncryptType, decryptCredentialField, encryptedFieldWithBase64Specials, type AesBits } from '../credentials';
import { expireTime14, newBusinessId, newOrderId } from '../ids';
import type { Exchange } from '../marketplace';
import { parseBodySignHeader, verifyBodySign } from '../v1Signer';
import { NOT_FOUND, OK, instanceIdOf } from '../v2Steps';

const PRODUCT = { productId: '00301-000000-0--0', skuCode: 'emu-sku-standard' };

/** Problems with the Body-Sign header of an answer (name is case-sensitive for the marketplace, §5.1). */
export function bodySignProblems(key: string, answer: Exchange): string[] {
  const exact = answer.rawHeaderNames.includes('Body-Sign');
  const header = answer.headers['body-sign'];
  if (header === undefined) return ['Body-Sign header missing'];
  const problems = exact ? [] : ['header name is not exactly "Body-Sign" (the marketplace matches it case-sensitively)'];
  if (!parseBodySignHeader(header)) problems.push('Body-Sign is not sign_type="HMAC-SHA256", signature="..." with quotes');
  else if (!verifyBodySign(key, header, answer.body)) problems.push('Body-Sign signature does not verify over the exact body bytes');
  return problems;
}

function credentialProblems(key: string, answer: Exchange, wanted: AesBits | undefined): string[] {
  const json = answer.json ?? {};
  const announced = bitsOfEncryptType(json.encryptType);
  if (announced === undefined) return [`encryptType "${String(json.encryptType)}" is neither "1" nor "2"`];
  const problems: string[] = [];
  if (wanted !== undefined && wanted !== announced) problems.push(`encryptType announces AES-${announced}, expected AES-${wanted}`);
  const bits = wanted ?? announced;
  const appInfo = json.appInfo;
  if (!appInfo || typeof appInfo !== 'object') return [...problems, 'appInfo missing from the V1 newInstance answer'];
  const a = appInfo as Record<string, unknown>;
  problems.push(...stringFieldProblems(a.frontEndUrl, 'appInfo.frontEndUrl', 512, true));
  for (const field of ['userName', 'password'] as const) {
    const value = a[field];
    const shape = stringFieldProblems(value, `appInfo.${field}`, 128, true); // 128 counts the 16-character IV
    if (shape.length > 0 || typeof value !== 'string') {
      problems.push(...shape);
      continue;
    }
    try {
      if (decryptCredentialField(key, value, bits).length === 0) problems.push(`appInfo.${field} decrypts to an empty string`);
    } catch {
      problems.push(`appInfo.${field} does not decrypt as IV + AES-${bits}-CBC under the access key`);
    }
  }
  return problems;
}

/**
 * The V1 newInstance query parameters (lifecycle.md §7), before `timeStamp` and `authToken`. The buyer's
 * `mobilePhone` and `email` arrive encrypted under the Key (AES-256 unless `bits` says otherwise) and are
 * signed as that ciphertext (security-and-crypto.md §4.1 step 1); their base64 holds `+`, `/` and `=`,
 * and `customerName` a space and non-ASCII text, so the authToken only verifies on a server that
 * URL-decodes every value exactly once, the way a servlet does.
 */
export function v1NewInstanceParams(key: string, orderId: string, bits: AesBits = 256): Record<string, string> {
  return {
    activity: 'newInstance', businessId: newBusinessId(), customerId: 'emu0customer0000000000000000001', customerName: 'emulator 测试',
    mobilePhone: encryptedFieldWithBase64Specials(key, '13800000000', bits), email: encryptedFieldWithBase64Specials(key, 'buyer@example.com', bits),
    orderId, ...PRODUCT, chargingMode: '1', periodType: 'year', periodNumber: '1', expireTime: expireTime14(365),
  };
}

/** Runs the scenario. */
export async function v1(ctx: ScenarioContext): Promise<void> {
  const key = ctx.options.key;
  ctx.everyAnswer = (answer) => bodySignProblems(key, answer);
  const send = (params: Record<string, string>) => () => ctx.market.v1(params);
  const orderId = newOrderId();

  const created = await ctx.step({
    name: 'V1 newInstance',
    expect: OK,
    send: send(v1NewInstanceParams(key, orderId, ctx.options.bits)),
    check: (answer) => [...stringFieldProblems(answer.json?.instanceId, 'instanceId', 64, true), ...credentialProblems(key, answer, ctx.options.bits)],
  });
  const id = instanceIdOf(created.answer);
  if (id === undefined) ctx.abort('V1 newInstance gave no instanceId');

  await ctx.step({ name: 'V1 queryInstance', expect: OK, send: send({ activity: 'queryInstance', instanceId: id }), check: (answer) => (infoEntry(answer, id) ? [] : [`info has no entry for instanceId ${id}`]) });
  const steps: Array<[string, Record<string, string>, string[]]> = [
    ['V1 expireInstance', { activity: 'expireInstance', instanceId: id, orderId }, OK],
    ['V1 instanceStatus FREEZE', { activity: 'instanceStatus', instanceId: id, instanceStatus: 'FREEZE' }, OK],
    ['V1 instanceStatus NORMAL', { activity: 'instanceStatus', instanceId: id, instanceStatus: 'NORMAL' }, OK],
    ['V1 upgrade', { activity: 'upgrade', instanceId: id, orderId: newOrderId(), ...PRODUCT }, OK],
    ['V1 refreshInstance', { activity: 'refreshInstance', instanceId: id, orderId: newOrderId(), productId: PRODUCT.productId, expireTime: expireTime14(730) }, OK],
    ['V1 releaseInstance', { activity: 'releaseInstance', instanceId: id, orderId }, OK],
    ['V1 releaseInstance repeated', { activity: 'releaseInstance', instanceId: id, orderId }, OK],
    ['V1 refreshInstance of the released id', { activity: 'refreshInstance', instanceId: id, orderId: newOrderId(), productId: PRODUCT.productId, expireTime: expireTime14(800) }, NOT_FOUND],
  ];
  for (const [name, params, expect] of steps) await ctx.step({ name, expect, send: send(params) });
  await ctx.step({ name: 'V1 bad authToken (answer still Body-Signed)', expect: ['000001'], send: () => ctx.market.v1({ activity: 'queryInstance', instanceId: id }, { authToken: 'AAAA' + 'x'.repeat(40) }) });
}
