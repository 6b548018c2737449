import { describe, expect, it } from 'vitest';
import { functionFor, ROUTE_TABLE } from '../../../shared/routeTable';

/** The table read the slow way: the first function, in table order, whose routes hold method + path. */
function scan(method: string, path: string): string | undefined {
  for (const [name, routes] of Object.entries(ROUTE_TABLE)) if (routes.some((r) => r.method === method && r.path === path)) return name;
  return undefined;
}

describe('functionFor', () => {
  it('finds the function of every route of the table, the first in table order where two share one', () => {
    const routes = Object.values(ROUTE_TABLE).flat();
    expect(routes.length).toBeGreaterThan(10);
    for (const r of routes) expect(functionFor(r.method, r.path)).toBe(scan(r.method, r.path));
    expect(functionFor('POST', '/usage')).toBe('usage-ingest');
  });

  it('finds nothing for another method, a path with a trailing slash or case change, or a path joined with a NUL', () => {
    for (const [method, path] of [['DELETE', '/usage'], ['POST', '/usage/'], ['POST', '/USAGE'], ['POST\u0000/usage', ''], ['', 'POST\u0000/usage'], ['POST', '/nowhere']] as const) {
      expect(functionFor(method, path)).toBe(scan(method, path));
      expect(functionFor(method, path)).toBeUndefined();
    }
  });
});
