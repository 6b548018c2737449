/**
 * Debug requests (`testFlag` "1") from the console debug tool and the twice-daily dial tests. They are
 * verified and validated like real ones, then always succeed and never write: the tool sends its calls
 * in any order, for ids that were never created, and repeats them.
 * @module
 */
import { RESULT } from '../core/resultCodes';
import { reply } from './answers';
import type { InstanceIdDeriver } from './instanceId';
import type { Answer, Command, DecideEnv } from './types';

/** What a debug answer needs besides the command. */
export interface TestAnswerOptions {
  /** The deriver real requests use, so a debug newInstance names the id a real one would. */
  deriveId: InstanceIdDeriver;
  /** The buyer-facing URL shown for an instance (no credentials ever). */
  frontEndUrl(instanceId: string): string;
}

/**
 * The answer to a debug request: 000000 for every activity; newInstance carries the derived instanceId and its frontEndUrl,
 * queryInstance one `info` entry per id with only `frontEndUrl`. No `next`, no `remember`.
 */
export function answerTestRequest(cmd: Command, _env: DecideEnv, opts: TestAnswerOptions): Answer {
  switch (cmd.activity) {
    case 'newInstance': {
      // frontEndUrl too: the console's create check wants it (see createdAppInfo in newInstance.ts).
      const instanceId = opts.deriveId(cmd.orderId, cmd.orderLineId);
      return reply(RESULT.SUCCESS, { instanceId, appInfo: { frontEndUrl: opts.frontEndUrl(instanceId) } });
    }
    case 'queryInstance':
      return reply(RESULT.SUCCESS, {
        info: cmd.instanceIds.map((instanceId) => ({ instanceId, appInfo: { frontEndUrl: opts.frontEndUrl(instanceId) } })),
      });
    default:
      return reply(RESULT.SUCCESS);
  }
}
