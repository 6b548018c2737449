/**
 * Answers that depend on nothing but the instance's status, so they hold as long as it does: freezing a
 * FROZEN instance, unfreezing an ACTIVE one and releasing a RELEASED one all succeed without a change
 * (updateInstanceStatus.ts, releaseInstance.ts decide the same). Kept beside the record while the status
 * lasts, they answer a repeated call without a decision.
 * @module
 */
import { RESULT } from '../core/resultCodes';
import { reply } from './answers';
import { statusKey } from './keys';
import type { Answer, InstanceStatus } from './types';

/** The answers `status` holds, by key ({@link statusKey}); empty for a status that holds none. */
export function settledAnswers(status: InstanceStatus): Array<{ key: string; answer: Answer }> {
  switch (status) {
    case 'ACTIVE':
    case 'FROZEN':
    case 'RELEASED':
      return [{ key: statusKey(status), answer: reply(RESULT.SUCCESS) }];
    default:
      return [];
  }
}
