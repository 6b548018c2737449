/**
 * The alert state of `store-unreachable`, which cannot live in the store it is about: a JSON file under the
 * machine's temporary directory, with the same shape and planner as the store's record
 * (shared/ops/alertState.ts). On FunctionGraph that directory belongs to one instance and goes with it: a cold
 * start, or a second instance running the watch while Redis is down, does not know what an earlier one sent and
 * may raise (or clear) the condition again. Within one process, runs take turns on the file.
 * @module
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { normalise, type AlertRecord, type AlertStateBackend, type StateChange } from './alertState';

/** The default file: `<tmpdir>/kg-ops-watch/store-unreachable.json`. */
export function defaultLocalStatePath(): string {
  return join(tmpdir(), 'kg-ops-watch', 'store-unreachable.json');
}

/** One turn per file at a time, within this process. */
const turns = new Map<string, Promise<unknown>>();

async function readState(path: string): Promise<AlertRecord> {
  try {
    return normalise(JSON.parse(await readFile(path, 'utf8')) as Partial<AlertRecord>);
  } catch {
    // Missing or unreadable: nothing was raised from this instance.
    return normalise(null);
  }
}

async function writeState(path: string, record: AlertRecord): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(record), { mode: 0o600 });
  await rename(temp, path);
}

/**
 * The file-backed state at `path`.
 * @example
 * const local = fileAlertBackend(defaultLocalStatePath());
 */
export function fileAlertBackend(path: string): AlertStateBackend {
  return {
    update: <T>(change: (current: AlertRecord) => StateChange<T>) => {
      const previous = turns.get(path) ?? Promise.resolve();
      const mine = previous.catch(() => undefined).then(async () => {
        const { next, changed, result } = change(await readState(path));
        if (changed) await writeState(path, next);
        return result;
      });
      const settled = mine.catch(() => undefined);
      turns.set(path, settled);
      void settled.then(() => { if (turns.get(path) === settled) turns.delete(path); });
      return mine;
    },
  };
}
