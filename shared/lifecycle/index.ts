/**
 * The instance state machine: pure decisions from (record, command, env) to (answer, next record).
 * @module
 */
export { deriveInstanceId, INSTANCE_ID_LENGTH, type InstanceIdDeriver } from './instanceId';
export { newInstanceKey, refreshKey, upgradeKey } from './keys';
export {
  claimRecord,
  completeProvisioning,
  decideNewInstanceRetry,
  markQueued,
  type Lease,
  type NewInstanceCommand,
  type ProvisioningOutcome,
  type Takeover,
} from './newInstance';
export { decide, type InstanceCommand } from './decide';
export { answerQuery, MAX_QUERY_IDS } from './queryInstance';
export { answerTestRequest, type TestAnswerOptions } from './testFlag';
export { isV1TrialToFormal, mapV1Command, v1TrialToFormalCommand, type V1Mapping, type V1Params } from './v1Mapping';
export { CHANGE_REFUSED_MESSAGE } from './changeInstanceCheck';
export type * from './types';
