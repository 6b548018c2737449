/**
 * Everything the basic interfaces (`produce`) and `provision-worker` need, built once per warm instance.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { requireSetting } from '../platform/config';
import { deriveInstanceId as defaultDeriver, type InstanceIdDeriver } from '../lifecycle/instanceId';
import { createProvisioner } from '../provisioning/createProvisioner';
import type { Provisioner } from '../provisioning/Provisioner';
import type { CallbackDeps } from '../callback/spec';
import { buildCallbackDeps, type RuntimeOptions } from '../callback/deps';
import type { FgContext } from '../platform/context';

/** The collaborators of `produce` and `provision-worker`. */
export interface ProduceDeps extends CallbackDeps {
  provisioner: Provisioner;
  deriveInstanceId: InstanceIdDeriver;
  /** Identifies this process as a provisioning lease owner. */
  leaseOwner: string;
  /** The basic-interface key ring (KG_ACCESS_KEY), newest first. */
  keys: readonly string[];
}

/** What a merchant may plug into the basic interfaces. */
export interface BasicOptions {
  /** Default: from configuration (`KG_PROVISIONER`: `generate` or `http`). */
  provisioner?: Provisioner;
  /** Default: SHA-256 of the order line (see lifecycle/instanceId). */
  deriveInstanceId?: InstanceIdDeriver;
}

/** A lease owner id unique to this process (FunctionGraph instance or local server). */
export const processLeaseOwner = `p-${randomUUID()}`;

/** The basic interfaces' slice: requires KG_ACCESS_KEY; builds the provisioner unless one is given. */
export function produceDeps(base: CallbackDeps, options: BasicOptions = {}): ProduceDeps {
  const keys = requireSetting(base.config, 'KG_ACCESS_KEY', 'the basic-interface key bound in the seller console (several: newest first)');
  return {
    ...base,
    keys,
    provisioner: options.provisioner ?? createProvisioner(base.config),
    deriveInstanceId: options.deriveInstanceId ?? defaultDeriver,
    leaseOwner: processLeaseOwner,
  };
}

/** Builds {@link ProduceDeps} from configuration (CLI, local server, worker handler). */
export function buildProduceDeps(context: FgContext | undefined, options: BasicOptions & RuntimeOptions = {}): ProduceDeps {
  return produceDeps(buildCallbackDeps(context, options), options);
}
