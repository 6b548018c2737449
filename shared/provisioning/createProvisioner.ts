/**
 * Chooses the provisioner named by `KG_PROVISIONER`: `generate` (default, no backend needed) or
 * `http` (the merchant's backend, see docs/provisioner-http.md).
 * @module
 */
import { requireSetting, type Config } from '../platform/config';
import { ConfigError } from '../core/errors';
import { createGenerateProvisioner } from './generateProvisioner';
import { createHttpProvisioner } from './httpProvisioner';
import type { Provisioner } from './Provisioner';

/**
 * Builds the configured provisioner.
 * @throws {ConfigError} naming the missing or invalid setting (for `http`: `KG_PROVISIONER_URL`,
 * `KG_PROVISIONER_SECRET`; for `generate`: a template that cannot give a valid value).
 */
export function createProvisioner(config: Config): Provisioner {
  switch (config.KG_PROVISIONER) {
    case 'http':
      return createHttpProvisioner({
        url: requireSetting(config, 'KG_PROVISIONER_URL', 'KG_PROVISIONER=http forwards each step to this base URL'),
        secret: requireSetting(config, 'KG_PROVISIONER_SECRET', 'KG_PROVISIONER=http signs every request with it'),
        timeoutMs: config.KG_PROVISIONER_TIMEOUT_MS,
      });
    case 'generate':
      return createGenerateProvisioner(config);
  }
  // Reachable only with a hand-built config that skipped validation.
  throw new ConfigError('invalid setting KG_PROVISIONER: expected generate or http');
}
