/**
 * Converting stored access details for a response, and stripping secrets from a tombstone.
 * @module
 */
import type { AppInfoPlain, AppInfoRecord } from './types';

/** The access details in clear for a response; the password is opened with `unseal`. */
export function openAppInfo(stored: AppInfoRecord, unseal: (sealed: string) => string): AppInfoPlain {
  const plain: AppInfoPlain = { frontEndUrl: stored.frontEndUrl };
  if (stored.adminUrl !== undefined) plain.adminUrl = stored.adminUrl;
  if (stored.userName !== undefined) plain.userName = stored.userName;
  if (stored.passwordSealed !== undefined) plain.password = unseal(stored.passwordSealed);
  if (stored.memo !== undefined) plain.memo = stored.memo;
  return plain;
}

/** A copy without the sealed password (what a released instance keeps). */
export function withoutPassword(stored: AppInfoRecord): AppInfoRecord {
  const { passwordSealed: _dropped, ...rest } = stored;
  return rest;
}
