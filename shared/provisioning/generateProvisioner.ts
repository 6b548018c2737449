/**
 * The default provisioner: no merchant backend, the access details come from configuration.
 * `provision` fills the URL and user-name templates and makes a fresh strong password; every other
 * step succeeds without doing anything, and `checkChange` always allows.
 * @module
 */
import type { Config } from '../platform/config';
import { ConfigError, ProvisionerError } from '../core/errors';
import { generatePassword } from './password';
import type { ProvisionedApp, Provisioner, ProvisionRequest } from './Provisioner';
import { fillTemplate, renderUrlTemplate } from './urlTemplate';

/**
 * `frontEndUrl` template used when `KG_FRONTEND_URL_TEMPLATE` is not set. The `.invalid` domain never
 * resolves, so the product works out of the box in tests and the console debug tool, and `kg doctor`
 * warns while it is in use.
 */
export const DEFAULT_FRONTEND_URL_TEMPLATE = 'https://example.invalid/login?instance={instanceId}';

/** User name used when `KG_USERNAME_TEMPLATE` is not set. */
export const DEFAULT_USER_NAME = 'admin';

/** `userName` is `String 128` in the V2 AppInfo (lifecycle.md §5.1). */
export const MAX_USER_NAME_LENGTH = 128;

/** `memo` is `String 1024` in the V2 AppInfo (lifecycle.md §5.1). */
export const MAX_MEMO_LENGTH = 1024;

/** The settings the built-in provisioner reads. */
export type GenerateSettings = Pick<Config, 'KG_FRONTEND_URL_TEMPLATE' | 'KG_ADMIN_URL_TEMPLATE' | 'KG_USERNAME_TEMPLATE' | 'KG_MEMO'>;

/** Longest instance id the marketplace allows (`String 64`): templates are checked with it at start-up. */
const LONGEST_INSTANCE_ID = 'x'.repeat(64);

function userNameProblem(userName: string): string | undefined {
  if (userName.length === 0) return 'is empty';
  if (userName.length > MAX_USER_NAME_LENGTH) return `is longer than ${MAX_USER_NAME_LENGTH} characters`;
  return undefined;
}

/** Checks every template against the longest possible instance id, so `provision` cannot fail later. */
function checkSettings(frontEnd: string, admin: string | undefined, userName: string, memo: string | undefined): void {
  const urls: Array<[string, string | undefined]> = [['KG_FRONTEND_URL_TEMPLATE', frontEnd], ['KG_ADMIN_URL_TEMPLATE', admin]];
  for (const [setting, template] of urls) {
    if (template === undefined) continue;
    const rendered = renderUrlTemplate(template, LONGEST_INSTANCE_ID);
    if (!rendered.ok) throw new ConfigError(`invalid setting ${setting}: after substitution the URL ${rendered.problem}`);
  }
  const nameProblem = userNameProblem(fillTemplate(userName, LONGEST_INSTANCE_ID));
  if (nameProblem) throw new ConfigError(`invalid setting KG_USERNAME_TEMPLATE: after substitution the user name ${nameProblem}`);
  if (memo !== undefined && memo.length > MAX_MEMO_LENGTH) {
    throw new ConfigError(`invalid setting KG_MEMO: longer than ${MAX_MEMO_LENGTH} characters`);
  }
}

/**
 * Builds the built-in provisioner from its settings.
 * `adminUrl` is returned only when `KG_ADMIN_URL_TEMPLATE` is set (the field is optional), `memo` only
 * when `KG_MEMO` is set.
 * @throws {ConfigError} naming the setting when a template cannot give a valid value.
 */
export function createGenerateProvisioner(settings: GenerateSettings = {}): Provisioner {
  const frontEndTemplate = settings.KG_FRONTEND_URL_TEMPLATE ?? DEFAULT_FRONTEND_URL_TEMPLATE;
  const adminTemplate = settings.KG_ADMIN_URL_TEMPLATE;
  const userNameTemplate = settings.KG_USERNAME_TEMPLATE ?? DEFAULT_USER_NAME;
  const memo = settings.KG_MEMO;
  checkSettings(frontEndTemplate, adminTemplate, userNameTemplate, memo);

  const url = (setting: string, template: string, instanceId: string): string => {
    const rendered = renderUrlTemplate(template, instanceId);
    // Only reachable with an instance id longer than the marketplace allows or full of escaped characters.
    if (!rendered.ok) throw new ProvisionerError(`${setting}: after substitution the URL ${rendered.problem}`);
    return rendered.url;
  };

  return {
    name: 'generate',
    async provision(req: ProvisionRequest): Promise<ProvisionedApp> {
      const userName = fillTemplate(userNameTemplate, req.instanceId);
      const nameProblem = userNameProblem(userName);
      if (nameProblem) throw new ProvisionerError(`KG_USERNAME_TEMPLATE: after substitution the user name ${nameProblem}`);
      const app: ProvisionedApp = {
        frontEndUrl: url('KG_FRONTEND_URL_TEMPLATE', frontEndTemplate, req.instanceId),
        userName,
        password: generatePassword(),
      };
      if (adminTemplate !== undefined) app.adminUrl = url('KG_ADMIN_URL_TEMPLATE', adminTemplate, req.instanceId);
      if (memo !== undefined) app.memo = memo;
      return app;
    },
    async renew() {},
    async upgrade() {},
    async freeze() {},
    async unfreeze() {},
    async release() {},
    async checkChange() {
      return { allowed: true };
    },
  };
}
