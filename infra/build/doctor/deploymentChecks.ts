/**
 * `kg doctor` on what `kg deploy` would deploy: the settings of every s.yaml service resolved from the
 * merchant's vars and the deploying environment (infra/build/deploySettings.ts). Rejects a `${...}`
 * left unexpanded, a secret missing from the environment, a template placeholder still in a var, then
 * runs the configuration checks on each function's resolved settings. Messages name settings and where
 * they came from, never their values.
 * @module
 */
import { loadConfig } from '../../../shared/platform/config';
import { hasPlaceholder, hasTemplatePlaceholder, settingLookup, type ResolvedDeployment } from '../deploySettings';
import { checkConfig } from './configChecks';
import { error, ok, type Finding } from './finding';
import { checkProductionUrl } from './productionUrl';

/** Which services a finding concerns: "all functions" or their names. */
function whichOf(names: string[], total: number): string {
  return names.length === total ? 'all functions' : names.join(', ');
}

/** Placeholder, missing and source findings of the resolved settings. */
export function checkResolvedSettings(d: ResolvedDeployment): Finding[] {
  const out: Finding[] = [];
  const total = d.functions.length;
  if (total === 0) return [error('deployment', 's.yaml declares no service', 'run `kg build --write-syaml`')];
  // Group by setting name: every function normally carries the same settings.
  const byName = new Map<string, { missing: string[]; placeholder: string[]; empty: string[]; sources: Set<string>; secret: boolean; lengths: Set<number> }>();
  for (const fn of d.functions) {
    for (const s of fn.settings) {
      const e = byName.get(s.name) ?? { missing: [], placeholder: [], empty: [], sources: new Set<string>(), secret: s.secret, lengths: new Set<number>() };
      byName.set(s.name, e);
      e.sources.add(s.source);
      if (s.value === undefined) e.missing.push(fn.service);
      else if (hasPlaceholder(s.value) || s.unresolved.length > 0) e.placeholder.push(fn.service);
      else if (s.value === '') e.empty.push(fn.service);
      else e.lengths.add(s.value.length);
    }
  }
  for (const [name, e] of byName) {
    const from = [...e.sources].join('; ');
    if (e.missing.length > 0) {
      out.push(error('secrets', `${name} is not set in the environment (${whichOf(e.missing, total)}); it would be deployed as the text \${env(${name})}`, `export ${name} in the shell that runs kg deploy (an empty value if the product does not use it)`));
    } else if (e.placeholder.length > 0) {
      out.push(error('deployment', `${name} holds an unexpanded \${...} placeholder (${whichOf(e.placeholder, total)}), from ${from}`, `give ${name} a real value at ${from}`));
    } else {
      const state = e.empty.length === total ? 'empty (not used)' : 'set';
      out.push(ok('source', `${name} ${state}, from ${from}`));
    }
  }
  for (const [k, v] of Object.entries(d.vars)) {
    if (hasTemplatePlaceholder(v)) {
      out.push(error('vars', `s.yaml vars.${k} still holds the template placeholder`, `set vars.${k} in the merchant block of s.yaml (docs/deploy.md says where to find each id)${k.startsWith('lts') ? '; an empty value deploys without LTS logs' : ''}`));
    }
  }
  const regions = new Set(d.functions.map((f) => f.region));
  if (regions.has(undefined) || [...regions].some((r) => r === undefined || hasPlaceholder(r))) out.push(error('vars', 'a service has no resolved region', 'set vars.region in s.yaml'));
  return out;
}

/**
 * Every deployment check: settings, then per function the configuration checks and the production
 * address; duplicate findings (the same for every function) are reported once.
 */
export function checkDeployment(d: ResolvedDeployment): Finding[] {
  const all = checkResolvedSettings(d);
  const seen = new Set(all.map((f) => JSON.stringify(f)));
  for (const fn of d.functions) {
    const lookup = settingLookup(fn);
    const found: Finding[] = [];
    try {
      found.push(...checkConfig(loadConfig(lookup)));
    } catch (err) {
      found.push(error('config', `${fn.service}: ${(err as Error).message}`, 'correct the named setting (docs/deploy.md lists every one)'));
    }
    found.push(...checkProductionUrl(lookup('KG_PRODUCTION_URL'), 'KG_PRODUCTION_URL (s.yaml vars.domain)'));
    for (const f of found) {
      const key = JSON.stringify(f);
      if (!seen.has(key)) {
        seen.add(key);
        all.push(f);
      }
    }
  }
  all.push(ok('redis', 'not pinged from here: DCS is reachable only inside the VPC; run `kg doctor --env --url ...` on a host in the VPC (docs/deploy.md §8)'));
  return all;
}
