/**
 * `kg doctor`: preflight of a deployment's settings, Redis and production address. Each finding has a
 * level (ok / warn / error), what was found and the fix; exit code 1 when any error.
 *
 * By default it checks what `kg deploy` would deploy: the settings of every s.yaml service resolved from
 * the merchant block's vars and this shell's environment, saying where each value came from.
 * `--env` checks this process's own settings instead (environment or RUNTIME_USERDATA), as a deployed
 * function sees them, and pings Redis: run that on a host inside the VPC.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectRoot } from '../../build/projectRoot';
import { resolveDeployment } from '../../build/deploySettings';
import { checkConfig, loadForDoctor } from '../../build/doctor/configChecks';
import { checkDeployment } from '../../build/doctor/deploymentChecks';
import { formatFindings, type Finding } from '../../build/doctor/finding';
import { checkProductionUrl } from '../../build/doctor/productionUrl';
import { checkRedis } from '../../build/doctor/redisCheck';
import { EXIT, parseCliArgs, UsageError, type CliCommand } from '../command';

const usage = `kg doctor [--syaml FILE] [--only NAME,NAME] [--json]
kg doctor --env [--url URL] [--skip-redis] [--json]

Default: checks what kg deploy would deploy. Resolves the settings of every s.yaml service (vars of
the merchant block, \${env(NAME)} from this shell), rejects a value still holding \${...}, a secret
not exported and a template placeholder, prints where each value came from (never a value), then
checks keys, the data key, the provisioner, the Redis setting and the production address.

--env: checks this process's settings the way a function loads them (environment, or
RUNTIME_USERDATA JSON) and pings Redis through the same store the functions build: run it on a host
inside the VPC. Exit code 1 when any check is an error.

  --syaml FILE    s.yaml to resolve (default: s.yaml of the project)
  --only LIST     comma-separated services to check (default: all)
  --env           check this process's environment instead of s.yaml
  --url URL       (--env) production address to check instead of KG_PRODUCTION_URL
  --skip-redis    (--env) do not connect to Redis
  --json          print the findings as JSON
`;

/** The findings of the deployment check of `syamlPath` (optionally only some services). */
function deploymentFindings(syamlPath: string, env: NodeJS.ProcessEnv, only?: string[]): Finding[] {
  const resolved = resolveDeployment(readFileSync(syamlPath, 'utf8'), env);
  if (only) {
    const unknown = only.filter((n) => !resolved.functions.some((f) => f.service === n));
    if (unknown.length > 0) throw new UsageError(`not a service of ${syamlPath}: ${unknown.join(', ')}`);
    resolved.functions = resolved.functions.filter((f) => only.includes(f.service));
  }
  return checkDeployment(resolved);
}

export const command: CliCommand = {
  name: 'doctor',
  summary: 'check what kg deploy would deploy (s.yaml vars + environment), or --env inside the VPC',
  usage,
  run: async (args, io) => {
    const { values } = parseCliArgs(args, {
      syaml: { type: 'string' },
      only: { type: 'string' },
      env: { type: 'boolean' },
      url: { type: 'string' },
      'skip-redis': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    let all: Finding[];
    if (!values.env) {
      if (values.url || values['skip-redis']) throw new UsageError('--url and --skip-redis go with --env');
      const syamlPath = values.syaml ? resolve(values.syaml) : join(projectRoot(io.env), 's.yaml');
      if (!existsSync(syamlPath)) throw new UsageError(`${syamlPath} not found: run \`kg build --write-syaml\`, or pass --env`);
      const only = values.only?.split(',').map((s) => s.trim()).filter((s) => s !== '');
      all = deploymentFindings(syamlPath, io.env, only);
    } else {
      const { config, findings } = loadForDoctor(io.env);
      all = [...findings];
      if (config) {
        all.push(...checkConfig(config));
        if (!values['skip-redis']) all.push(...(await checkRedis(config)));
      }
      const url = values.url ?? config?.KG_PRODUCTION_URL ?? io.env.KG_PRODUCTION_URL;
      all.push(...checkProductionUrl(url, values.url ? '--url' : 'KG_PRODUCTION_URL'));
    }
    io.out(values.json ? `${JSON.stringify(all, null, 2)}\n` : formatFindings(all));
    return all.some((f) => f.level === 'error') ? EXIT.failed : EXIT.ok;
  },
};
