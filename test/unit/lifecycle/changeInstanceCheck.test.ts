import { describe, expect, it } from 'vitest';
import { CHANGE_REFUSED_MESSAGE } from '../../../shared/lifecycle/changeInstanceCheck';
import type { InstanceCommand } from '../../../shared/lifecycle/decide';
import type { EffectResult } from '../../../shared/lifecycle/types';
import { INSTANCE_ID, call, makeRecord } from './support';

const PRODUCT = { productId: 'p-2', skuCode: 'sku-2', linearValue: 5, productName: '5 seats' };
const CHECK: InstanceCommand = { activity: 'changeInstanceCheck', instanceId: INSTANCE_ID, productInfo: PRODUCT, test: false };

describe('decideChangeCheck', () => {
  it('asks the provisioner with the target spec', () => {
    expect(call(makeRecord('ACTIVE'), CHECK).effect).toEqual({ kind: 'checkChange', instanceId: INSTANCE_ID, productInfo: PRODUCT });
  });

  it.each<[string, EffectResult, { resultCode: string; resultMsg: string }]>([
    ['allowed', { ok: true, allowed: true }, { resultCode: '000000', resultMsg: 'success.' }],
    ['ok without a verdict', { ok: true }, { resultCode: '000000', resultMsg: 'success.' }],
    ['refused with a reason', { ok: true, allowed: false, message: '12 users exceed 5 seats' }, { resultCode: '000100', resultMsg: '12 users exceed 5 seats' }],
    ['refused without a reason', { ok: true, allowed: false }, { resultCode: '000100', resultMsg: CHANGE_REFUSED_MESSAGE }],
    ['failed', { ok: false, resultCode: '000005', resultMsg: 'other inner error' }, { resultCode: '000005', resultMsg: 'other inner error' }],
  ])('answers %s and never changes the record', (_label, result, response) => {
    const outcome = call(makeRecord('ACTIVE'), CHECK, result);
    expect(outcome.answer.response).toEqual(response);
    expect(outcome.answer.next).toBeUndefined();
    expect(outcome.answer.remember).toBeUndefined();
  });
});
