/**
 * The state machine's entry for every activity that acts on an existing instance. newInstance
 * (see newInstance.ts) and queryInstance (see queryInstance.ts) have their own entries.
 * @module
 */
import { decideChangeCheck } from './changeInstanceCheck';
import { decideRefresh } from './refreshInstance';
import { decideRelease } from './releaseInstance';
import { decideUpdateStatus } from './updateInstanceStatus';
import { decideUpgrade } from './upgradeInstance';
import type { Command, DecideEnv, Decision, InstanceRecord } from './types';

/** Commands handled by {@link decide}. */
export type InstanceCommand = Exclude<Command, { activity: 'newInstance' | 'queryInstance' }>;

/**
 * Pure: `(record, command, env) -> decision`. `record` is null when the store has none for the id.
 * Never mutates `record`; the decision's `next` is a new object.
 */
export function decide(record: InstanceRecord | null, cmd: InstanceCommand, env: DecideEnv): Decision {
  switch (cmd.activity) {
    case 'refreshInstance':
      return decideRefresh(record, cmd, env);
    case 'updateInstanceStatus':
      return decideUpdateStatus(record, cmd, env);
    case 'releaseInstance':
      return decideRelease(record, cmd, env);
    case 'upgradeInstance':
      return decideUpgrade(record, cmd, env);
    case 'changeInstanceCheck':
      return decideChangeCheck(record, cmd, env);
  }
}
