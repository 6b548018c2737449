/**
 * The merchant app's read API of what the kit delivered: a tenant with its instances, applications,
 * users and departments, and the list of tenants. Reads only; every change comes from the marketplace.
 * @module
 */
import { tenantTag } from '../store/keys';
import type { Store } from '../store/Store';
import { KIT_TENANT_INDEX, type TenantDoc } from './model';
import { tenantView, type TenantView } from './view';

/** One entry of {@link listTenants}: the document's own fields, with users and departments counted. */
export interface TenantListEntry extends Pick<TenantDoc, 'tenantId' | 'tenantCode' | 'name' | 'domainName' | 'test' | 'instances' | 'updatedAt'> {
  users: number;
  departments: number;
}

/**
 * The stored document of a tenant (production data, or the seller's test data with `test`), or null.
 * Holds the sealed client secrets: for SSO; show users {@link readTenant}'s view instead.
 */
export async function readTenantDoc(store: Store, tenantId: string, options: { test?: boolean } = {}): Promise<TenantDoc | null> {
  const [found] = await store.read<TenantDoc>([tenantTag(tenantId, options.test === true)]);
  return found?.record ?? null;
}

/**
 * A tenant as the merchant's app reads it: marketplace field names, never a client secret (only
 * whether one is set).
 * @example
 * const view = await readTenant(store, tenantId);
 * const admins = view?.users.filter((u) => u.role === 'admin' && u.authorized && u.enable);
 */
export async function readTenant(store: Store, tenantId: string, options: { test?: boolean } = {}): Promise<TenantView | null> {
  const doc = await readTenantDoc(store, tenantId, options);
  return doc ? tenantView(doc) : null;
}

/** Every tenant the kit knows, production and test data, sorted by tenantId then test last. */
export async function listTenants(store: Store): Promise<TenantListEntry[]> {
  const tags = await store.listIndex(KIT_TENANT_INDEX);
  if (tags.length === 0) return [];
  const docs = await store.read<TenantDoc>(tags);
  return docs
    .map((v) => v.record)
    .filter((d): d is TenantDoc => d !== null)
    .map((d) => ({
      tenantId: d.tenantId, tenantCode: d.tenantCode, name: d.name, domainName: d.domainName, test: d.test,
      instances: [...d.instances], users: Object.keys(d.users).length, departments: Object.keys(d.departments).length, updatedAt: d.updatedAt,
    }))
    .sort((a, b) => (a.tenantId < b.tenantId ? -1 : a.tenantId > b.tenantId ? 1 : Number(a.test) - Number(b.test)));
}
