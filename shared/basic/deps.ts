/**
 * Everything the basic interfaces (`produce`) and `provision-worker` need, built once per warm instance.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { requireSetting } from '../platform/config';
import { rememberingDeriver, type InstanceIdDeriver } from '../lifecycle/instanceId';
import { createProvisioner } from '../provisioning/createProvisioner';
import type { Provisioner } from '../provisioning/Provisioner';
import type { CallbackDeps } from '../callback/spec';
import { buildCallbackDeps, type RuntimeOptions } from '../callback/deps';
import type { FgContext } from '../platform/context';
import { v2Responder, type BasicResponder } from './responder';

/** The collaborators of `produce` and `provision-worker`. */
export interface ProduceDeps extends CallbackDeps {
  provisioner: Provisioner;
  deriveInstanceId: InstanceIdDeriver;
  /** Identifies this process as a provisioning lease owner. */
  leaseOwner: string;
  /** The basic-interface key ring (KG_ACCESS_KEY), newest first. */
  keys: readonly string[];
  /**
   * The V2 responder of each key of `keys`, same order, made once: it Body-Signs with its key unless
   * KG_BODY_SIGN is `v1`.
   */
  v2Responders: readonly BasicResponder[];
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
  // V2 answers carry a Body-Sign with the key that verified the request, unless KG_BODY_SIGN is `v1`.
  const signV2 = base.config.KG_BODY_SIGN === 'all';
  return {
    ...base,
    keys,
    v2Responders: keys.map((key) => v2Responder(signV2 ? key : undefined)),
    provisioner: options.provisioner ?? createProvisioner(base.config),
    deriveInstanceId: options.deriveInstanceId ?? rememberingDeriver(),
    leaseOwner: processLeaseOwner,
  };
}

/** Builds {@link ProduceDeps} from configuration (CLI, local server, worker handler). */
export function buildProduceDeps(context: FgContext | undefined, options: BasicOptions & RuntimeOptions = {}): ProduceDeps {
  return produceDeps(buildCallbackDeps(context, options), options);
}
