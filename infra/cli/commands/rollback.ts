/**
 * `kg rollback`: points the alias `live` of each function back at an earlier version (the one before
 * the live one in .kg/deploy-history.json, or `--to`). APIG routes call the alias, so traffic follows
 * at once; nothing is rebuilt or redeployed.
 * @module
 */
import { join, resolve } from 'node:path';
import { projectRoot } from '../../build/projectRoot';
import { aliasCall, historyPath, LIVE_ALIAS, previousVersion, readHistory, resolveS, runS, writeHistory } from '../../build/serverlessDevs';
import { EXIT, parseCliArgs, UsageError, type CliCommand } from '../command';

const usage = `kg rollback [--only NAME,NAME] [--to VERSION] [--dry-run]

Moves the alias live of each deployed function back: to the version published before the live one
(.kg/deploy-history.json, written by kg deploy), or to --to VERSION. Runs
  s <fn> alias publish --alias-name live --version-name <version>
with the project's pinned Serverless Devs. APIG routes target the alias, so no route changes.

  --only LIST     comma-separated functions (default: every function in the history)
  --to VERSION    version to point live at (any published version)
  --dry-run       print what would move, change nothing
  --syaml FILE    s.yaml (default: s.yaml of the project)
`;

export const command: CliCommand = {
  name: 'rollback',
  summary: 'move the alias live of each function back to the previous (or a given) version',
  usage,
  run: async (args, io) => {
    const { values } = parseCliArgs(args, {
      only: { type: 'string' },
      to: { type: 'string' },
      'dry-run': { type: 'boolean' },
      syaml: { type: 'string' },
    });
    const root = projectRoot(io.env);
    const syamlPath = values.syaml ? resolve(values.syaml) : join(root, 's.yaml');
    const history = readHistory(root);
    const names = values.only ? values.only.split(',').map((s) => s.trim()).filter((s) => s !== '') : Object.keys(history);
    if (names.length === 0) throw new UsageError(`nothing to roll back: ${historyPath(root)} lists no deployment (pass --only and --to)`);
    const moves: Array<{ service: string; from: string | undefined; to: string }> = [];
    for (const service of names) {
      const entry = history[service];
      const to = values.to ?? previousVersion(entry);
      if (!to) throw new UsageError(`${service}: no earlier version recorded; pass --to VERSION`);
      moves.push({ service, from: entry?.live, to });
    }
    for (const m of moves) io.out(`${values['dry-run'] ? 'would move' : 'moving'} ${m.service} ${LIVE_ALIAS}: ${m.from ?? '(unknown)'} -> ${m.to}\n`);
    if (values['dry-run']) return EXIT.ok;
    const s = resolveS(root, io.env);
    if (!s) {
      io.err('kg rollback: Serverless Devs not found: `npm ci` installs the pinned @serverless-devs/s\n');
      return EXIT.failed;
    }
    if (!s.pinned) io.err(`warning: using ${s.path} from PATH, not the project's pinned @serverless-devs/s (run npm ci)\n`);
    for (const m of moves) {
      const r = runS(s, aliasCall(m.service, syamlPath, m.to), root, io.env);
      if (r.status !== 0) {
        io.err(r.output.slice(-4000));
        io.err(`kg rollback: alias publish failed (exit ${r.status}) for ${m.service}\n`);
        writeHistory(root, history);
        return EXIT.failed;
      }
      const entry = history[m.service] ?? { versions: [m.to], live: m.to };
      if (!entry.versions.includes(m.to)) entry.versions.unshift(m.to);
      entry.live = m.to;
      history[m.service] = entry;
    }
    writeHistory(root, history);
    io.out(`${moves.length} function(s) rolled back\n`);
    return EXIT.ok;
  },
};
