/**
 * `kg order <orderId> [--line ID] [--json]`: what KooGallery's query order says about an order (charging mode,
 * period, expiry), signed with the seller's AK/SK (KG_OPENAPI_AK / KG_OPENAPI_SK, KG_OPENAPI_ENDPOINT).
 * @module
 */
import { MarketplaceError } from '../../../shared/marketplace/errors';
import { openApiClientFrom } from '../../../shared/marketplace/fromConfig';
import { queryOrder, type OrderInfo } from '../../../shared/marketplace/orderQuery';
import { loadConfig, settingSource } from '../../../shared/platform/config';
import { EXIT, parseCliArgs, UsageError, type CliCommand } from '../command';

/** `yyyyMMddHHmmss` -> `yyyy-MM-dd HH:mm:ss UTC` (anything else as given). */
function when(compact: unknown): string {
  if (typeof compact !== 'string') return '-';
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(compact);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]} UTC` : compact;
}

/** The human form of an order. */
function formatOrder(order: OrderInfo): string {
  const lines = [`order ${order.orderId}  type ${String(order.orderType ?? '-')}  placed ${when(order.createTime)}`];
  for (const l of order.orderLine) {
    const period = l.periodType ? `  ${String(l.periodNumber ?? '?')} ${l.periodType}` : '';
    const expiry = l.expireTime ? `  expires ${when(l.expireTime)}` : '';
    lines.push(`  line ${l.orderLineId}  ${String(l.chargingMode ?? '-')}${period}${expiry}`);
  }
  return `${lines.join('\n')}\n`;
}

export const command: CliCommand = {
  name: 'order',
  summary: 'query an order through the KooGallery open API (charging mode, period, expiry)',
  usage: `kg order <orderId> [--line ORDER_LINE_ID] [--json]

Asks KooGallery's query order (GET /api/mkp-openapi-public/global/v1/order/query), AK/SK-signed.
Settings: KG_OPENAPI_AK, KG_OPENAPI_SK (the seller's access key), KG_OPENAPI_ENDPOINT (default the China
site), KG_OPENAPI_TIMEOUT_MS. Test with the documented MOCK orders (MOCKONDEMAND, MOCKPERIODYEARNEW, ...).
Exit status: 0 found, 1 refused or unreachable (the marketplace's code is printed), 2 bad arguments.`,
  run: async (args, io) => {
    const { values, positionals } = parseCliArgs(args, { line: { type: 'string' }, json: { type: 'boolean' } }, true);
    const orderId = positionals[0];
    if (!orderId || positionals.length > 1) throw new UsageError('expected one order id');
    if (orderId.length > 64) throw new UsageError('the order id is longer than 64 characters');
    if (values.line !== undefined && (values.line === '' || values.line.length > 64)) throw new UsageError('--line must be 1 to 64 characters');
    const client = openApiClientFrom(loadConfig(settingSource(io.env)));
    try {
      const order = await queryOrder(client, orderId, values.line);
      io.out(values.json ? `${JSON.stringify(order)}\n` : formatOrder(order));
      return EXIT.ok;
    } catch (err) {
      if (!(err instanceof MarketplaceError)) throw err;
      if (values.json) io.out(`${JSON.stringify({ error: err.name, code: err.code, httpStatus: err.httpStatus ?? null, message: err.message })}\n`);
      io.err(`kg order: ${err.name} ${err.code}${err.httpStatus ? ` (HTTP ${err.httpStatus})` : ''}: ${err.message}\n`);
      return EXIT.failed;
    }
  },
};
