import { describe, expect, it } from 'vitest';
import { deriveInstanceId } from '../../../shared/lifecycle/instanceId';
import { answerTestRequest } from '../../../shared/lifecycle/testFlag';
import type { Command } from '../../../shared/lifecycle/types';
import { deepFreeze, envAt } from './support';

const OPTIONS = { deriveId: deriveInstanceId, frontEndUrl: (id: string) => `https://app.example.com/i/${id}` };

describe('answerTestRequest', () => {
  it('answers a debug newInstance with the id a real one would get and its frontEndUrl', () => {
    const cmd: Command = deepFreeze({ activity: 'newInstance', orderId: 'CS2211181819B4LVS', orderLineId: 'CS2211181819B4LVS-000001', businessId: 'b', test: true });
    expect(answerTestRequest(cmd, envAt(), OPTIONS)).toEqual({
      kind: 'answer',
      response: { resultCode: '000000', resultMsg: 'success.', instanceId: '3789582543beeddf1dadaad76fde1b59', appInfo: { frontEndUrl: 'https://app.example.com/i/3789582543beeddf1dadaad76fde1b59' } },
    });
  });

  it('answers a debug queryInstance with frontEndUrl only, one entry per id in order', () => {
    const cmd: Command = deepFreeze({ activity: 'queryInstance', instanceIds: ['never-created', 'x'], test: true });
    expect(answerTestRequest(cmd, envAt(), OPTIONS).response).toEqual({
      resultCode: '000000', resultMsg: 'success.',
      info: [
        { instanceId: 'never-created', appInfo: { frontEndUrl: 'https://app.example.com/i/never-created' } },
        { instanceId: 'x', appInfo: { frontEndUrl: 'https://app.example.com/i/x' } },
      ],
    });
  });

  it.each<Command>([
    { activity: 'refreshInstance', instanceId: 'never-created', orderId: 'o', orderLineId: 'l', scene: 'RENEWAL', expireTime: '20270101000000', test: true },
    { activity: 'updateInstanceStatus', instanceId: 'never-created', status: 'FREEZE', test: true },
    { activity: 'updateInstanceStatus', instanceId: 'never-created', status: 'UNFREEZE', test: true },
    { activity: 'releaseInstance', instanceId: 'never-created', test: true },
    { activity: 'upgradeInstance', instanceId: 'never-created', orderId: 'o', orderLineId: 'l', test: true },
    { activity: 'changeInstanceCheck', instanceId: 'never-created', productInfo: { productId: 'p', skuCode: 's', productName: 'n' }, test: true },
  ])('answers a debug $activity for an id never created with 000000 and writes nothing', (cmd) => {
    const answer = answerTestRequest(deepFreeze(cmd), envAt(), OPTIONS);
    expect(answer).toEqual({ kind: 'answer', response: { resultCode: '000000', resultMsg: 'success.' } });
  });
});
