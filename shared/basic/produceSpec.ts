/**
 * `produce` on the engine: every basic interface on the production address, V2 (`POST`,
 * `?signature&timestamp&nonce`, JSON body) and V1 (`GET`, `authToken`), dispatched on `activity`:
 * test answer | newInstance | query | mutation.
 * @module
 */
import { parseJsonOrUndefined } from '../core/json';
import { acceptedV2 } from '../callback/verified';
import type { CallbackDeps, CallbackSpec, CallSummary, Outcome, Verified } from '../callback/spec';
import { PRODUCE_ROUTES } from './routes';
import type { Command } from '../lifecycle/types';
import type { HttpRequest } from '../platform/apig';
import { MAX_BODY_BYTES } from '../platform/apig';
import { parseJsonBody, parseV1Basic, parseV2Basic } from '../protocol/parse';
import type { ResponseModel } from '../protocol/responseModel';
import { verifyV1AuthToken } from '../security/v1AuthToken';
import { verifyV2Signature } from '../security/v2Signature';
import { instanceTag } from '../store/keys';
import type { BasicCall } from './call';
import { commandFromV1, commandFromV2 } from './commands';
import { produceDeps, type BasicOptions, type ProduceDeps } from './deps';
import { runMutation } from './mutation';
import { runNewInstance } from './newInstance';
import { peekBasicRequest } from './peek';
import { runQuery } from './query';
import { commandInstanceId, runTestRequest } from './testRequest';
import { v1Responder, type BasicResponder } from './responder';

/** A V1 call is a GET carrying `authToken`; everything else is treated as V2. */
export function isV1Request(req: HttpRequest): boolean {
  return req.method === 'GET' || (req.query.authToken !== undefined && req.query.signature === undefined);
}

type BasicVerified = Verified<ResponseModel> & { responder: BasicResponder };

/** The spec of `produce`, with the merchant's provisioner (and instance-id deriver) if given. */
export function produceSpec(options: BasicOptions = {}): CallbackSpec<ProduceDeps, Command, ResponseModel> {
  return {
    name: 'produce',
    routes: PRODUCE_ROUTES,
    deps: (base: CallbackDeps) => produceDeps(base, options),
    protocolOf: (req) => (isV1Request(req) ? 'v1' : 'v2'),
    unverifiedResponder: (req, deps) => (isV1Request(req) ? v1Responder(deps.keys[0] ?? '', deps.config.KG_ENCRYPT_TYPE) : v2ResponderOf(deps, 0)),
    verify: (req, deps): BasicVerified => {
      if (isV1Request(req)) {
        const keyIndex = verifyV1AuthToken({ params: req.query, keys: deps.keys }).keyIndex;
        const key = deps.keys[keyIndex] ?? '';
        return { protocol: 'v1', keyIndex, key, responder: v1Responder(key, deps.config.KG_ENCRYPT_TYPE) };
      }
      // The body is read once: the signature check and parse share this JSON.parse.
      const body = req.body.toString('utf8');
      const json = parseJsonOrUndefined(body);
      const verdict = verifyV2Signature({
        body, json, query: req.query, keys: deps.keys, nowMs: deps.clock(), windowMs: deps.config.KG_CLOCK_SKEW_MS, rememberPayload: mayRepeat(json),
      });
      return acceptedV2(verdict, deps.keys, (_key, index) => v2ResponderOf(deps, index), req.query.nonce, json);
    },
    parse: (req, verified) => {
      if (verified.protocol === 'v1') {
        return commandFromV1(parseV1Basic(req.query));
      }
      return commandFromV2(parseV2Basic(parseJsonBody(req.body, MAX_BODY_BYTES, verified.json)));
    },
    tag: (cmd, deps) => instanceTag(commandInstanceId(cmd, deps.deriveInstanceId)),
    describe: (cmd, req, verified) => summarize(cmd, req, verified.nonce),
    run: (call) => run(call as BasicCall),
    peek: (req, deps) => peekBasicRequest(req, isV1Request(req), deps.deriveInstanceId),
  };
}

/**
 * Whether a V2 body may come again byte for byte: every retry of a renewal, upgrade, status change or query
 * does, while each delivery of a newInstance carries a new `businessId`, so remembering its payload would only
 * cost a lookup and an eviction.
 */
function mayRepeat(json: unknown): boolean {
  return !(typeof json === 'object' && json !== null && (json as { activity?: unknown }).activity === 'newInstance');
}

/** The V2 responder of key `index` of the ring (the ring is never empty: KG_ACCESS_KEY is required). */
function v2ResponderOf(deps: ProduceDeps, index: number): BasicResponder {
  return deps.v2Responders[index] as BasicResponder;
}

function run(call: BasicCall): Promise<Outcome> {
  const cmd = call.request;
  if (cmd.test) return runTestRequest(call, cmd);
  switch (cmd.activity) {
    case 'newInstance': return runNewInstance(call, cmd);
    case 'queryInstance': return runQuery(call, cmd);
    default: return runMutation(call, cmd);
  }
}

function summarize(cmd: Command, req: HttpRequest, nonce: string | undefined): CallSummary {
  // Built field by field in the order the audit entry has always had: no intermediate objects.
  const audit: CallSummary['audit'] = { activity: cmd.activity };
  const subject: CallSummary['subject'] = {};
  // Plain reads, not `in`: commands come in several shapes, and `in` over many shapes is a slow lookup.
  const { orderId, orderLineId } = cmd as { orderId?: string; orderLineId?: string };
  if (orderId) audit.orderId = subject.orderId = orderId;
  if (orderLineId) audit.orderLineId = orderLineId;
  if (cmd.activity === 'newInstance') audit.businessId = cmd.businessId;
  if (req.requestId) audit.requestId = req.requestId;
  if (nonce) audit.nonce = nonce;
  if (cmd.test) audit.test = true;
  return { activity: cmd.activity, audit, subject };
}
