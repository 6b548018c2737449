/**
 * Where the five kit interfaces answer: `POST /produceAPI/v2/<name>` (x-sign) and the V1 form
 * `POST /produceAPI/<name>` (authToken), under the production address (joint-operation-kit-and-sso.md §1, §2.1).
 * @module
 */
import type { Route } from '../callback/spec';
import type { KitName } from '../protocol/schemas/kit';

/** Function folder -> kit interface. */
export const KIT_FUNCTIONS = {
  'tenant-sync': 'tenantSync',
  'application-sync': 'applicationSync',
  'auth-sync': 'authSync',
  'single-org-sync': 'singleOrgSync',
  'all-org-sync': 'allOrgSync',
} as const satisfies Record<string, KitName>;

/** A kit function's folder name. */
export type KitFunction = keyof typeof KIT_FUNCTIONS;

/** The function folder of a kit interface (`tenantSync` -> `tenant-sync`); undefined for any other name. */
export function kitFunctionOf(name: string): KitFunction | undefined {
  for (const fn of Object.keys(KIT_FUNCTIONS) as KitFunction[]) if (KIT_FUNCTIONS[fn] === name) return fn;
  return undefined;
}

/** The V2 path of a kit interface. */
export function kitV2Path(name: KitName): string {
  return `/produceAPI/v2/${name}`;
}

/** The V1 path of a kit interface. */
export function kitV1Path(name: KitName): string {
  return `/produceAPI/${name}`;
}

/** Both routes of a kit interface. */
export function kitRoutes(name: KitName): readonly Route[] {
  return [
    { method: 'POST', path: kitV2Path(name) },
    { method: 'POST', path: kitV1Path(name) },
  ];
}

/**
 * Whether a request on `path` is the V1 form of `name`. A production address with a path keeps it
 * (`/isv/produce/produceAPI/tenantSync`), so only the end of the path counts.
 */
export function isKitV1Path(path: string, name: KitName): boolean {
  return path.endsWith(kitV1Path(name)) && !path.endsWith(kitV2Path(name));
}
