/**
 * Small builders for the {@link Answer}s and {@link NeedsEffect}s every activity returns.
 * @module
 */
import { RESULT_MESSAGE, type ResultCode } from '../core/resultCodes';
import type { Answer, Effect, EffectResult, InstanceRecord, NeedsEffect, ResponseModel } from './types';

/** Optional parts of a fresh answer. */
export interface ReplyParts {
  /** Defaults to the standard message of the code. */
  resultMsg?: string;
  instanceId?: string;
  appInfo?: ResponseModel['appInfo'];
  info?: ResponseModel['info'];
  next?: InstanceRecord;
  remember?: string;
}

/** A fresh answer with `code`; nothing is written unless `parts.next` is given. */
export function reply(code: ResultCode, parts: ReplyParts = {}): Answer {
  const response: ResponseModel = { resultCode: code, resultMsg: parts.resultMsg ?? RESULT_MESSAGE[code] };
  if (parts.instanceId !== undefined) response.instanceId = parts.instanceId;
  if (parts.appInfo !== undefined) response.appInfo = parts.appInfo;
  if (parts.info !== undefined) response.info = parts.info;
  const answer: Answer = { kind: 'answer', response };
  if (parts.next !== undefined) answer.next = parts.next;
  if (parts.remember !== undefined) answer.remember = parts.remember;
  return answer;
}

/** The body stored under `key`, replayed byte for byte, or undefined when none is stored. */
export function replayStored(record: InstanceRecord, key: string): Answer | undefined {
  // Own properties only: a key such as "__proto__" must not find an inherited value.
  if (!Object.prototype.hasOwnProperty.call(record.responses, key)) return undefined;
  const body = record.responses[key];
  return body === undefined ? undefined : { kind: 'answer', response: { replayBody: body } };
}

/** The provisioner's refusal passed on as the answer; nothing changes. */
export function effectFailed(result: Extract<EffectResult, { ok: false }>): Answer {
  return reply(result.resultCode, { resultMsg: result.resultMsg });
}

/** Asks the pipeline to run `effect`, then to call `finish` with its result and the time after it (epoch ms). */
export function needs(effect: Effect, finish: (result: EffectResult, now: number) => Answer): NeedsEffect {
  return { kind: 'effect', effect, finish };
}
