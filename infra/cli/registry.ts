/**
 * Every `kg` sub-command, in the order `kg --help` lists them. One module per command.
 * @module
 */
import type { CliCommand } from './command';
import { command as sign } from './commands/sign';
import { command as verify } from './commands/verify';
import { command as encrypt } from './commands/encrypt';
import { command as decrypt } from './commands/decrypt';
import { command as keygen } from './commands/keygen';
import { command as serve } from './commands/serve';
import { command as simulate } from './commands/simulate';
import { command as idp } from './commands/idp';
import { command as openapi } from './commands/openapi';
import { command as log } from './commands/log';
import { command as failures } from './commands/failures';
import { command as report } from './commands/report';
import { command as reconcile } from './commands/reconcile';
import { command as watch } from './commands/watch';
import { command as kit } from './commands/kit';
import { command as worker } from './commands/worker';
import { command as order } from './commands/order';
import { command as usage } from './commands/usage';
import { command as doctor } from './commands/doctor';
import { command as build } from './commands/build';
import { command as deploy } from './commands/deploy';
import { command as rollback } from './commands/rollback';
import { command as bench } from './commands/bench';
import { command as apig } from '../apig/command';

export const commands: CliCommand[] = [
  sign, verify, encrypt, decrypt, keygen, serve, simulate, idp, openapi, log, failures, report, watch, reconcile, kit, worker, order, usage, doctor, build, deploy, rollback, bench, apig,
];
