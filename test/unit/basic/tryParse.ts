import { InvalidParamError } from '../../../shared/core/errors';

/** A parse as a value: the result, or the 000002 with its message. */
export function tryParse<T>(parse: () => T): { ok: true; value: T } | { ok: false; resultCode: '000002'; resultMsg: string } {
  try {
    return { ok: true, value: parse() };
  } catch (err) {
    if (err instanceof InvalidParamError) return { ok: false, resultCode: '000002', resultMsg: err.message };
    throw err;
  }
}
