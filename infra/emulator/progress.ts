/**
 * The live progress line on stderr: rewritten in place with `\r` on a terminal; on a pipe, one line
 * per finished scenario so CI logs stay short.
 * @module
 */
import type { StepRecord } from './report';

/** Returns a step listener that writes progress through `write`, and `end` to finish the output. */
export function progressPrinter(write: (text: string) => void, tty: boolean) {
  let scenario: string | undefined;
  let steps = 0;
  let failed = 0;
  let width = 0;
  const flushScenario = () => {
    if (!tty && scenario !== undefined) write(`simulate: ${scenario}: ${steps} steps, ${failed} failed\n`);
  };
  return {
    onStep(record: StepRecord, done: number): void {
      if (record.scenario !== scenario) {
        flushScenario();
        scenario = record.scenario;
        steps = 0;
        failed = 0;
      }
      steps++;
      if (!record.pass) failed++;
      if (tty) {
        const line = `simulate: ${done} steps [${record.scenario}] ${record.step}: ${record.skipped ? 'skipped' : record.pass ? 'ok' : 'FAILED'}`.slice(0, 110);
        write(`\r${line.padEnd(width)}`);
        width = line.length;
      }
    },
    end(): void {
      if (tty) write(`\r${' '.repeat(width)}\r`);
      else flushScenario();
    },
  };
}
