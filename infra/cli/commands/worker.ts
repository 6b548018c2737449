/**
 * `kg worker`: runs provision-worker once against the configured Redis (what the timer trigger does).
 * @module
 */
import { EXIT, parseCliArgs, type CliCommand } from '../command';
import { buildProduceDeps } from '../../../shared/basic/deps';
import { runProvisionWorker } from '../../../shared/basic/worker';
import { storeFromEnv } from '../storeFromEnv';

export const command: CliCommand = {
  name: 'worker',
  summary: 'run provision-worker once (finish provisioning that answered 000004)',
  usage: `kg worker [--instance ID] [--redis URL]

Takes the due provisioning jobs from Redis and finishes them with the configured provisioner.
Needs the same settings as the deployed functions (KG_ACCESS_KEY, KG_DATA_KEY, KG_PROVISIONER...).`,
  run: async (args, io) => {
    const { values } = parseCliArgs(args, { instance: { type: 'string' }, redis: { type: 'string' } });
    const store = storeFromEnv(io.env, values.redis);
    try {
      const deps = buildProduceDeps(undefined, { settings: {}, store });
      const report = await runProvisionWorker(deps, values.instance ? { onlyInstanceId: values.instance } : {});
      io.out(`${JSON.stringify(report)}\n`);
      return Object.values(report.results).some((r) => r === 'error') ? EXIT.failed : EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
