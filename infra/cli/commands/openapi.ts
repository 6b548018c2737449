/**
 * `kg openapi`: runs the fake KooGallery open API (query order, usage push) for local rehearsal of
 * the open-API client, `kg usage push` and `kg simulate --scenario usage`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { EXIT, parseCliArgs, UsageError, type CliCommand } from '../command';
import { startFakeOpenApi } from '../../emulator/fakeOpenApi/index';

const usage = `kg openapi [--port P] [--host H] [--ak AK --sk SK] [--key BASICKEY] [--instances any|registered] [--quiet]

Runs a fake KooGallery open API (platform-and-open-api.md §6), written from the specification with its
own AK/SK (SDK-HMAC-SHA256) and body-signature checks:
  GET  /api/mkp-openapi-public/global/v1/order/query?orderId=..[&orderLineId=..]
       the documented MOCK orders (MOCKPERIODYEARNEW, MOCKONDEMAND, ...) and registered ones
  POST /api/mkp-openapi-public/global/v1/isv/usage-data
       AK/SK (APIGW.0301), ts/nonce/signature (MKT.0102), record rules (MKT.0100/0101/9001/9002/9004),
       at most 1000 records (MKT.9003), dedup by metering_sn; a push with a refused record stores nothing
       and lists the refused ones in abnormal_usage_data
Control routes (no authentication: keep it on loopback):
  GET  /_openapi/usage[?instance=ID,..]  the ledger: every accepted record once, duplicates, refusals
  GET  /_openapi/requests[?after=SEQ]    what each open API request got
  POST /_openapi/orders                  register orders: {orderId, orderType, createTime, orderLine:[{orderLineId, chargingMode, ..}]} (or a list)
  POST /_openapi/instances               register instance ids: ["id", ..] or {"instances": [..]}
  POST /_openapi/faults                  {"rate429": n, "http500": n, "timeouts": n, "timeoutMs": ms, "rejectSn": [..]}
  POST /_openapi/reset                   forget the ledger, log, faults and registrations

Point the server at it with KG_OPENAPI_ENDPOINT=<URL> and the same KG_OPENAPI_AK / KG_OPENAPI_SK.

  --port P             default 9100 (0: a free port)
  --host H             default 127.0.0.1
  --ak AK, --sk SK     the AK/SK it accepts (default KG_OPENAPI_AK / KG_OPENAPI_SK, else generated and printed)
  --key BASICKEY       the basic-interface key of the body signature (default the first of KG_ACCESS_KEY,
                       else generated and printed)
  --instances MODE     any (default): every instance id exists; registered: only registered ones (MKT.9001)
  --quiet              no request log on stderr`;

export const command: CliCommand = {
  name: 'openapi',
  summary: 'run a fake KooGallery open API (query order, usage push) with a ledger and fault injection',
  usage,
  run: async (args, io) => {
    const { values } = parseCliArgs(args, {
      port: { type: 'string' },
      host: { type: 'string' },
      ak: { type: 'string' },
      sk: { type: 'string' },
      key: { type: 'string' },
      instances: { type: 'string' },
      quiet: { type: 'boolean' },
    });
    const port = Number(values.port ?? 9100);
    if (!/^\d+$/.test(values.port ?? '9100') || port > 65535) throw new UsageError('--port must be 0..65535');
    for (const name of ['ak', 'sk', 'key', 'host'] as const) if (values[name] === '') throw new UsageError(`--${name} is empty`);
    if (values.instances !== undefined && values.instances !== 'any' && values.instances !== 'registered') throw new UsageError('--instances must be any or registered');
    const generated: string[] = [];
    const pick = (given: string | undefined, fromEnv: string | undefined, name: string, make: () => string): string => {
      const v = given ?? fromEnv;
      if (v) return v;
      generated.push(name);
      return make();
    };
    const ak = pick(values.ak, io.env.KG_OPENAPI_AK, 'ak', () => `DEVAK${randomBytes(8).toString('hex').toUpperCase()}`);
    const sk = pick(values.sk, io.env.KG_OPENAPI_SK, 'sk', () => randomBytes(20).toString('base64url'));
    const key = pick(values.key, io.env.KG_ACCESS_KEY?.split(',')[0]?.trim(), 'key', () => `dev-${randomBytes(12).toString('hex')}`);
    const fake = await startFakeOpenApi({
      ak,
      sk,
      key,
      port,
      ...(values.host ? { host: values.host } : {}),
      knownInstances: values.instances === 'registered' ? 'registered' : 'any',
      ...(values.quiet ? {} : { log: (line: string) => io.err(`openapi: ${line}\n`) }),
    });
    io.out(`fake KooGallery open API listening on ${fake.url} (instances: ${fake.api.knownInstances})\n`);
    if (generated.includes('ak')) io.out(`dev AK (KG_OPENAPI_AK): ${ak}\n`);
    if (generated.includes('sk')) io.out(`dev SK (KG_OPENAPI_SK): ${sk}\n`);
    if (generated.includes('key')) io.out(`dev basic-interface key (KG_ACCESS_KEY): ${key}\n`);
    io.out(`server settings: KG_OPENAPI_ENDPOINT=${fake.url} and the same KG_OPENAPI_AK / KG_OPENAPI_SK / KG_ACCESS_KEY\n`);
    await new Promise<void>((resolve) => {
      const stop = () => { void fake.close().then(resolve); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return EXIT.ok;
  },
};
