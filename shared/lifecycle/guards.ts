/**
 * Status answers shared by the activities that act on an existing instance.
 * @module
 */
import { RESULT } from '../core/resultCodes';
import { reply } from './answers';
import type { Answer, InstanceRecord } from './types';

/**
 * 000003 for an unknown, released or failed instance; undefined when the instance can be acted on.
 * A FAILED instance was never delivered, so for the marketplace it does not exist.
 */
export function rejectMissing(record: InstanceRecord | null): Answer | undefined {
  if (record === null || record.status === 'RELEASED' || record.status === 'FAILED') {
    return reply(RESULT.INSTANCE_NOT_FOUND);
  }
  return undefined;
}

/** 000004 while the instance is still being provisioned; undefined otherwise. */
export function rejectProvisioning(record: InstanceRecord): Answer | undefined {
  return record.status === 'PROVISIONING' ? reply(RESULT.PROCESSING) : undefined;
}
