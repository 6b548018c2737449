/**
 * `kg deploy`: the whole FunctionGraph deployment in one pass. Resolves what each s.yaml service will
 * get, refuses on a missing secret, an unexpanded `${...}` or any other doctor error, builds, then per
 * function runs the pinned Serverless Devs (`s`): deploy, configuration (secrets) awaited, publish a
 * version, move the alias `live` to it. `--dry-run` prints the plan with secrets masked.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BundleError, bundleFunctions } from '../../build/bundle';
import { mask, resolveDeployment, type ResolvedFunction } from '../../build/deploySettings';
import { checkDeployment } from '../../build/doctor/deploymentChecks';
import { formatFindings } from '../../build/doctor/finding';
import { listFunctionNames } from '../../build/functionNames';
import { projectRoot } from '../../build/projectRoot';
import { extractMerchantBlock, renderSyaml } from '../../build/renderSyaml';
import { deployCalls, LIVE_ALIAS, readHistory, resolveS, runS, versionName, writeHistory } from '../../build/serverlessDevs';
import { EXIT, parseCliArgs, UsageError, type CliCommand, type CliIo } from '../command';

const usage = `kg deploy [--only NAME,NAME] [--dry-run] [--version-name NAME] [--no-build]

Deploys the functions of s.yaml in one pass. First resolves each service's settings (vars of the
merchant block of s.yaml, \${env(NAME)} from this shell) and runs the kg doctor checks on them: a
secret not exported, a value still holding \${...}, a template placeholder or any other error stops it
before anything is built or sent. Then builds (kg build) and, per function, runs the project's pinned
Serverless Devs (node_modules/.bin/s, what npx s runs):
  s <fn> deploy                        code and configuration (creates the function)
  s <fn> deploy --type config          configuration again, so the secrets are applied on a first deploy
  s <fn> version publish               an immutable version
  s <fn> alias publish --alias-name live   the alias APIG routes call (kg apig)
Secrets travel only in the environment of those calls. Versions are recorded in
.kg/deploy-history.json for kg rollback.

  --only LIST          comma-separated functions (s.yaml services) to deploy (default: all)
  --dry-run            print the plan and each function's settings (secrets masked); change nothing
  --version-name NAME  version to publish (default v<UTC timestamp>)
  --no-build           deploy dist/ as it is
  --syaml FILE         s.yaml to deploy (default: s.yaml of the project)
`;

function planText(fns: ResolvedFunction[], version: string, calls: (service: string) => string[][]): string {
  const lines: string[] = [];
  for (const fn of fns) {
    lines.push(`${fn.service}: ${fn.functionName} in ${fn.region ?? '(no region)'}, version ${version}, alias ${LIVE_ALIAS}`);
    for (const s of fn.settings) {
      const shown = s.secret ? mask(s.value) : s.value === undefined ? '(not set)' : JSON.stringify(s.value);
      lines.push(`    ${s.secret ? 'secret' : 'plain '} ${s.name} = ${shown}   <- ${s.source}`);
    }
    for (const c of calls(fn.service)) lines.push(`    $ s ${c.join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Reads s.yaml and refuses one whose generated part is stale (the plan changed since it was written). */
function readFreshSyaml(root: string, syamlPath: string): string {
  if (!existsSync(syamlPath)) throw new UsageError(`${syamlPath} not found: run \`kg build --write-syaml\``);
  const text = readFileSync(syamlPath, 'utf8');
  if (syamlPath === join(root, 's.yaml')) {
    const folders = listFunctionNames(join(root, 'functions'));
    if (folders.length > 0 && renderSyaml(folders, extractMerchantBlock(text)) !== text) {
      throw new UsageError('the generated part of s.yaml does not match functions/ and infra/build/deployPlan.ts: run `kg build --write-syaml` (your vars are kept)');
    }
  }
  return text;
}

function selectFunctions(all: ResolvedFunction[], only: string | undefined): ResolvedFunction[] {
  if (!only) return all;
  const names = only.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !all.some((f) => f.service === n));
  if (unknown.length > 0) throw new UsageError(`not a service of s.yaml: ${unknown.join(', ')}`);
  return all.filter((f) => names.includes(f.service));
}

async function build(root: string, only: string[], io: CliIo): Promise<boolean> {
  try {
    const report = await bundleFunctions({ functionsDir: join(root, 'functions'), outDir: join(root, 'dist'), only });
    for (const f of report.functions) for (const w of f.warnings) io.err(`warning (${f.name}): ${w}\n`);
    io.out(`built ${report.functions.length} function(s) into dist/\n`);
    return true;
  } catch (err) {
    if (err instanceof BundleError) {
      io.err(`kg deploy: build failed: ${err.message}\n`);
      return false;
    }
    throw err;
  }
}

export const command: CliCommand = {
  name: 'deploy',
  summary: 'check, build and deploy every function with its secrets, publish a version, move alias live',
  usage,
  run: async (args, io) => {
    const { values } = parseCliArgs(args, {
      only: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'version-name': { type: 'string' },
      'no-build': { type: 'boolean' },
      syaml: { type: 'string' },
    });
    const root = projectRoot(io.env);
    const syamlPath = values.syaml ? resolve(values.syaml) : join(root, 's.yaml');
    const text = readFreshSyaml(root, syamlPath);
    const resolved = resolveDeployment(text, io.env);
    resolved.functions = selectFunctions(resolved.functions, values.only);
    const version = values['version-name'] ?? versionName(new Date());
    if (!/^[A-Za-z][A-Za-z0-9_-]{0,41}$/.test(version)) throw new UsageError('--version-name: a letter, then letters, digits, _ or -, 42 characters at most');
    const calls = (service: string) => deployCalls(service, syamlPath, version);

    const findings = checkDeployment(resolved);
    const errors = findings.filter((f) => f.level === 'error');
    if (values['dry-run']) {
      io.out(planText(resolved.functions, version, calls));
      io.out(formatFindings(findings));
      io.out(errors.length > 0 ? 'dry run: kg deploy would refuse to start (errors above)\n' : 'dry run: nothing was built or deployed\n');
      return errors.length > 0 ? EXIT.failed : EXIT.ok;
    }
    if (errors.length > 0) {
      io.err(formatFindings(errors));
      io.err(`kg deploy: refused: ${errors.length} error(s) above; nothing was built or deployed\n`);
      return EXIT.failed;
    }
    for (const w of findings.filter((f) => f.level === 'warn')) io.err(`warning: ${w.area}: ${w.what}\n`);

    const s = resolveS(root, io.env);
    if (!s) {
      io.err('kg deploy: Serverless Devs not found: `npm ci` installs the pinned @serverless-devs/s (package.json devDependencies)\n');
      return EXIT.failed;
    }
    if (!s.pinned) io.err(`warning: using ${s.path} from PATH, not the project's pinned @serverless-devs/s (run npm ci)\n`);
    if (!values['no-build'] && !(await build(root, resolved.functions.map((f) => f.service), io))) return EXIT.failed;

    const history = readHistory(root);
    const done: string[] = [];
    for (const fn of resolved.functions) {
      for (const call of calls(fn.service)) {
        const r = runS(s, call, root, io.env);
        if (r.status !== 0) {
          io.err(r.output.slice(-4000));
          io.err(`kg deploy: \`s ${call.slice(0, 3).join(' ')}\` failed (exit ${r.status}) for ${fn.service}; deployed before it: ${done.join(', ') || 'none'}. Fix and run kg deploy --only ${[fn.service, ...resolved.functions.map((f) => f.service).filter((n) => n !== fn.service && !done.includes(n))].join(',')}\n`);
          writeHistory(root, history);
          return EXIT.failed;
        }
      }
      const entry = history[fn.service] ?? { versions: [], live: version };
      if (!entry.versions.includes(version)) entry.versions.push(version);
      entry.live = version;
      history[fn.service] = entry;
      done.push(fn.service);
      io.out(`deployed ${fn.functionName}: version ${version}, alias ${LIVE_ALIAS} -> ${version}\n`);
    }
    writeHistory(root, history);
    io.out(`${done.length} function(s) deployed as ${version}; routes: kg apig (once), rollback: kg rollback\n`);
    return EXIT.ok;
  },
};
