/**
 * The settings each function of s.yaml will actually get, resolved the way Serverless Devs does it:
 * `${vars.NAME}` from the merchant block of s.yaml, `${env(NAME)}` from the deploying environment.
 * Every value remembers where it came from, so `kg doctor` and `kg deploy` can name the place to fix
 * without printing a secret. Nothing here does I/O beyond what the caller passes in.
 * @module
 */
import { ENCRYPTED_SETTINGS } from './renderSyaml';
import { mapAt, parseYamlSubset, scalarAt, type YamlMap } from './yamlSubset';

/** One resolved setting of one function. */
export interface ResolvedSetting {
  name: string;
  /** Undefined: a `${env(...)}` whose variable is not set in the environment. */
  value: string | undefined;
  secret: boolean;
  /** Where the value came from, e.g. `s.yaml vars.redisUrl` or `environment KG_DATA_KEY`. */
  source: string;
  /** The `${...}` references that could not be resolved (unknown var, unset env). */
  unresolved: string[];
}

/** One service of s.yaml with its resolved settings. */
export interface ResolvedFunction {
  /** Service key = function folder. */
  service: string;
  functionName: string;
  region: string | undefined;
  settings: ResolvedSetting[];
}

/** The whole resolution: vars and every service. */
export interface ResolvedDeployment {
  vars: Record<string, string>;
  functions: ResolvedFunction[];
}

const REF = /\$\{\s*(vars\.([A-Za-z0-9_]+)|env\(\s*([A-Za-z0-9_]+)\s*\))\s*\}/g;

/** Replaces `${vars.x}` and `${env(X)}` in `raw`; records sources and what stayed unresolved. */
function expand(raw: string, vars: Record<string, string>, env: NodeJS.ProcessEnv, depth = 0): { value: string | undefined; sources: string[]; unresolved: string[] } {
  const sources: string[] = [];
  const unresolved: string[] = [];
  let missingEnv = false;
  const value = raw.replace(REF, (whole, _ref: string, varName: string | undefined, envName: string | undefined) => {
    if (varName !== undefined) {
      const v = vars[varName];
      if (v === undefined) {
        unresolved.push(whole);
        return whole;
      }
      sources.push(`s.yaml vars.${varName}`);
      if (depth < 3 && v.includes('${')) {
        const inner = expand(v, vars, env, depth + 1);
        sources.push(...inner.sources);
        unresolved.push(...inner.unresolved);
        if (inner.value === undefined) missingEnv = true;
        return inner.value ?? whole;
      }
      return v;
    }
    const e = env[envName!];
    if (e === undefined) {
      missingEnv = true;
      unresolved.push(whole);
      return whole;
    }
    sources.push(`environment ${envName}`);
    return e;
  });
  return { value: missingEnv ? undefined : value, sources, unresolved };
}

/** True when `value` still holds a template placeholder such as `<your-project-id>` (the s.yaml template's). */
export function hasTemplatePlaceholder(value: string): boolean {
  return /<[^>]*>/.test(value);
}

/** True when `value` still holds a Serverless Devs reference (`${...}`) after resolution. */
export function hasPlaceholder(value: string): boolean {
  return /\$\{[^}]*\}/.test(value);
}

/** Resolves every service of the s.yaml `text` against `env`. Throws on YAML outside the subset. */
export function resolveDeployment(text: string, env: NodeJS.ProcessEnv): ResolvedDeployment {
  const root = parseYamlSubset(text);
  const vars: Record<string, string> = {};
  const varMap = typeof root.vars === 'object' ? root.vars : {};
  for (const [k, v] of Object.entries(varMap)) if (typeof v === 'string') vars[k] = v;
  const services = mapAt(root, 'services');
  const secretNames = new Set<string>(ENCRYPTED_SETTINGS);
  const functions = Object.entries(services).map(([service, svc]): ResolvedFunction => {
    const fn = typeof svc === 'string' ? {} : mapAt(svc, 'props', 'function');
    const settings: ResolvedSetting[] = [];
    const add = (block: string, secret: boolean) => {
      const map: YamlMap | string | undefined = fn[block];
      if (typeof map !== 'object') return;
      for (const [name, raw] of Object.entries(map)) {
        if (typeof raw !== 'string') continue;
        const r = expand(raw, vars, env);
        const literal = r.sources.length === 0 ? [`s.yaml services.${service}.props.function.${block}.${name}`] : [];
        settings.push({ name, value: r.value, secret: secret || secretNames.has(name), source: [...r.sources, ...literal].join(' + '), unresolved: r.unresolved });
      }
    };
    add('environmentVariables', false);
    add('userData', false);
    add('encryptedUserData', true);
    const regionRaw = typeof svc === 'string' ? undefined : scalarAt(svc, 'props', 'region');
    return {
      service,
      functionName: scalarAt(fn, 'functionName') ?? service,
      region: regionRaw === undefined ? undefined : expand(regionRaw, vars, env).value,
      settings,
    };
  });
  return { vars, functions };
}

/** The settings of one function as a lookup (what the function's loadConfig would see). */
export function settingLookup(fn: ResolvedFunction): (key: string) => string | undefined {
  const map = new Map(fn.settings.filter((s) => s.value !== undefined && s.value !== '').map((s) => [s.name, s.value!]));
  return (key) => map.get(key);
}

/** `value` with all but a hint hidden: never more than its length. */
export function mask(value: string | undefined): string {
  if (value === undefined) return '(not set)';
  if (value === '') return '(empty)';
  return `****** (${value.length} chars)`;
}
