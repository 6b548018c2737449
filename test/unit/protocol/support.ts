import { expect } from 'vitest';
import { InvalidParamError } from '../../../shared/core/errors';

/** Runs `fn`, which must throw an InvalidParamError (000002), and returns its message. */
export function rejection(fn: () => unknown): string {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(InvalidParamError);
  expect((thrown as InvalidParamError).resultCode).toBe('000002');
  return (thrown as InvalidParamError).message;
}

/** A deep copy of `body` with the value at dotted `path` replaced (or removed when `value` is undefined). */
export function withField(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  const keys = path.split('.');
  let target = copy as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) target = target[k] as Record<string, unknown>;
  const last = keys[keys.length - 1] as string;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}
