/**
 * Everything the production-interface pipeline needs, built once per warm instance.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import type { Store } from '../store/Store';
import type { Provisioner } from '../provisioning/Provisioner';
import type { InstanceIdDeriver } from '../lifecycle/instanceId';
import type { Sealer } from '../security/dataSeal';

/** The collaborators of one production-interface function. */
export interface ProduceDeps {
  config: Config;
  store: Store;
  provisioner: Provisioner;
  /** Seals stored credentials (AES-256-GCM) with the newest KG_DATA_KEY; opens with any of them. */
  sealer: Sealer;
  /** Epoch ms; injectable for tests. */
  clock: () => number;
  deriveInstanceId: InstanceIdDeriver;
  /** Identifies this process as a provisioning lease owner. */
  leaseOwner: string;
  logger: Logger;
}

/** A lease owner id unique to this process (FunctionGraph instance or local server). */
export const processLeaseOwner = `p-${randomUUID()}`;
