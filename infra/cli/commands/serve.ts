/**
 * `kg serve`: the local production interface (also `npm start`).
 * @module
 */
import { EXIT, parseCliArgs, UsageError, type CliCommand } from '../command';
import { startLocalServer } from '../../server/localServer';
// The same merchant definition the deployed functions use, so a custom provisioner is rehearsed too.
import { merchant } from '../../../functions/merchant';

export const command: CliCommand = {
  name: 'serve',
  summary: 'run the production interface locally (MemoryStore, or Redis when configured)',
  usage: `kg serve [--port P] [--host H] [--quiet]

Runs the same handlers FunctionGraph runs behind a local HTTP server:
  POST /?signature=..&timestamp=..&nonce=..   V2 basic interfaces
  GET  /?activity=..&authToken=..&timeStamp=.. V1 basic interfaces
  POST /produceAPI/v2/<name>, /produceAPI/<name> the 联营 kit (tenantSync, applicationSync, authSync,
                                               singleOrgSync, allOrgSync)
  POST /usage                                  on-demand usage from your back end (x-kg-signature,
                                               KG_USAGE_INGEST_KEY); usage-push runs every second when
                                               KG_OPENAPI_ENDPOINT is set (e.g. a \`kg openapi\` fake)
  GET /sso/login, /sso/callback, /sso/session, GET|POST /sso/logout   联营 SSO
  POST /v1/chat/completions                    the API product template (Agents gateway JWT,
                                               KG_GATEWAY_KEYS ak:sk; a dev pair is generated if unset)
Settings come from the environment (KG_ACCESS_KEY, KG_REDIS_URL, ...; see README "Configuration").
Without KG_ACCESS_KEY, KG_KIT_ACCESS_KEY, KG_RSA_PRIVATE_KEY or KG_DATA_KEY a dev value is generated and printed.
SSO defaults to KG_SSO_APP_ID=dev-sso-app and this server as KG_SSO_CALLBACK_URL and KG_SSO_APP_URL. Default port: $PORT or 8080.`,
  run: async (args, io) => {
    const { values } = parseCliArgs(args, {
      port: { type: 'string' },
      host: { type: 'string' },
      quiet: { type: 'boolean' },
    });
    const port = Number(values.port ?? io.env.PORT ?? 8080);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0..65535');
    const server = await startLocalServer({
      port,
      ...(values.host ? { host: values.host } : {}),
      env: io.env,
      merchant,
      ...(values.quiet ? {} : { log: (line: string) => io.err(`${line}\n`) }),
    });
    const store = server.store.info().kind;
    io.out(`KooGallery production interface listening on ${server.url} (store: ${store})\n`);
    if (server.generated.includes('KG_ACCESS_KEY')) io.out(`dev access key (KG_ACCESS_KEY): ${server.settings.KG_ACCESS_KEY}\n`);
    if (server.generated.includes('KG_KIT_ACCESS_KEY')) io.out(`dev kit key (KG_KIT_ACCESS_KEY): ${server.settings.KG_KIT_ACCESS_KEY}\n`);
    if (server.rsaPublicKeyFile) io.out(`generated an RSA pair for applicationSync (KG_RSA_PRIVATE_KEY); public key: ${server.rsaPublicKeyFile}\n`);
    if (server.generated.includes('KG_DATA_KEY')) io.out('generated a data key for this run (KG_DATA_KEY): stored credentials will not survive a restart\n');
    if (server.generated.includes('KG_USAGE_INGEST_KEY')) io.out(`dev usage ingest key (KG_USAGE_INGEST_KEY, signs POST /usage): ${server.settings.KG_USAGE_INGEST_KEY}\n`);
    if (server.generated.includes('KG_GATEWAY_KEYS')) io.out(`dev gateway key pair (KG_GATEWAY_KEYS, ak:sk for kg simulate --scenario api-product --gateway-key): ${server.settings.KG_GATEWAY_KEYS}\n`);
    io.out(`SSO: appId ${server.settings.KG_SSO_APP_ID} (KG_SSO_APP_ID), callback ${server.settings.KG_SSO_CALLBACK_URL}, app ${server.settings.KG_SSO_APP_URL}\n`);
    io.out(`try: npx kg simulate --url ${server.url} --key <KG_ACCESS_KEY> --kit-key <KG_KIT_ACCESS_KEY>${server.rsaPublicKeyFile ? ` --rsa-public-key ${server.rsaPublicKeyFile}` : ''} --scenario all\n`);
    await new Promise<void>((resolve) => {
      const stop = () => { void server.close().then(resolve); };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return EXIT.ok;
  },
};
