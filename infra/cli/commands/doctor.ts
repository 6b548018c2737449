/**
 * `kg doctor`: preflight of a deployment's settings, Redis and production address. Each finding has a
 * level (ok / warn / error), what was found and the fix; exit code 1 when any error.
 * @module
 */
import { checkConfig, loadForDoctor } from '../../build/doctor/configChecks';
import { formatFindings, type Finding } from '../../build/doctor/finding';
import { checkProductionUrl } from '../../build/doctor/productionUrl';
import { checkRedis } from '../../build/doctor/redisCheck';
import { EXIT, parseCliArgs, type CliCommand } from '../command';

const usage = `kg doctor [--url URL] [--skip-redis] [--json]

Checks the settings the functions would load (environment, or RUNTIME_USERDATA JSON): basic and kit
keys, the data key, the provisioner, the Redis setting; pings Redis through the same store the
functions build and reports standalone or cluster mode; checks the production address
(KG_PRODUCTION_URL or --url) is https on port 443 with a domain name and no query string.
Exit code 1 when any check is an error.

  --url URL       production address to check instead of KG_PRODUCTION_URL
  --skip-redis    do not connect to Redis
  --json          print the findings as JSON
`;

export const command: CliCommand = {
  name: 'doctor',
  summary: 'check settings, Redis and the production address before deploying',
  usage,
  run: async (args, io) => {
    const { values } = parseCliArgs(args, {
      url: { type: 'string' },
      'skip-redis': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const { config, findings } = loadForDoctor(io.env);
    const all: Finding[] = [...findings];
    if (config) {
      all.push(...checkConfig(config));
      if (!values['skip-redis']) all.push(...(await checkRedis(config)));
    }
    const url = values.url ?? config?.KG_PRODUCTION_URL ?? io.env.KG_PRODUCTION_URL;
    all.push(...checkProductionUrl(url, values.url ? '--url' : 'KG_PRODUCTION_URL'));
    io.out(values.json ? `${JSON.stringify(all, null, 2)}\n` : formatFindings(all));
    return all.some((f) => f.level === 'error') ? EXIT.failed : EXIT.ok;
  },
};
