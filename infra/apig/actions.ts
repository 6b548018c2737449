/**
 * What an idempotent APIG step did: `created`/`updated` are mutations, `exists` means nothing was sent.
 * @module
 */

/** One line of the setup report. */
export interface SetupAction {
  outcome: 'created' | 'updated' | 'exists' | 'planned';
  what: string;
}

/** Counts the actions that changed something on the gateway. */
export function mutationCount(actions: SetupAction[]): number {
  return actions.filter((a) => a.outcome === 'created' || a.outcome === 'updated').length;
}
