import { describe, expect, it } from 'vitest';
import { decodeView } from '../../../shared/store/codec';
import { StoreUnavailableError } from '../../../shared/core/errors';

describe('decodeView', () => {
  it('gives one deeply frozen object per view text, and another for another text', () => {
    const text = '{"instanceId":"a","status":"ACTIVE","appInfo":{"frontEndUrl":"https://x"}}';
    const first = decodeView<{ instanceId: string; appInfo: { frontEndUrl: string } }>(text);
    expect(first).toEqual({ instanceId: 'a', status: 'ACTIVE', appInfo: { frontEndUrl: 'https://x' } });
    expect(decodeView(`${text}`)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.appInfo)).toBe(true);
    expect(() => {
      (first.appInfo as { frontEndUrl: string }).frontEndUrl = 'https://evil';
    }).toThrow(TypeError);
    expect(decodeView('{"instanceId":"a","status":"FROZEN"}')).not.toBe(first);
  });

  it('stays right past its bound, and refuses a corrupt view as a store failure', () => {
    const texts = Array.from({ length: 700 }, (_, i) => `{"instanceId":"i${i}","status":"ACTIVE"}`);
    for (const t of texts) decodeView(t);
    for (const i of [0, 350, 699]) expect(decodeView<{ instanceId: string }>(texts[i]!).instanceId).toBe(`i${i}`);
    expect(() => decodeView('[1]')).toThrow(StoreUnavailableError);
    expect(() => decodeView('{not json')).toThrow(StoreUnavailableError);
  });
});
