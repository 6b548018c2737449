/**
 * From parsed requests to lifecycle {@link Command}s: V2 through the protocol's mapping, V1 (validated
 * by its schema first) through the lifecycle's V1 table. `businessId` is kept as an attribute so the
 * provisioner (and provision-worker, later) can see it.
 * @module
 */
import { mapV1Command } from '../lifecycle/v1Mapping';
import type { Command } from '../lifecycle/types';
import { InvalidParamError } from '../protocol/errors';
import type { V2BasicRequest } from '../protocol/schemas/v2Basic';
import { v2BasicToCommand } from '../protocol/toCommand';

function withBusinessId(cmd: Command): Command {
  return cmd.activity === 'newInstance' ? { ...cmd, attributes: { ...cmd.attributes, businessId: cmd.businessId } } : cmd;
}

/** Maps a parsed V2 basic request. */
export function commandFromV2(req: V2BasicRequest): Command {
  return withBusinessId(v2BasicToCommand(req));
}

/** Maps V1 parameters (already validated by `parseV1Basic`). */
export function commandFromV1(params: Record<string, string>): Command {
  const mapped = mapV1Command(params);
  if (!mapped.ok) throw new InvalidParamError(mapped.resultMsg);
  return withBusinessId(mapped.command);
}
