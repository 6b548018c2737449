/**
 * One result of a `kg doctor` check: how bad, what was found, and how to fix it.
 * @module
 */

/** `error` makes `kg doctor` exit 1. */
export type Level = 'ok' | 'warn' | 'error';

/** One line of the doctor's report. Never carries a secret value. */
export interface Finding {
  level: Level;
  /** The area checked, e.g. `config`, `keys`, `redis`, `production-url`. */
  area: string;
  what: string;
  /** What to do about it; empty for `ok`. */
  fix: string;
}

/** Shorthand constructors. */
export const ok = (area: string, what: string): Finding => ({ level: 'ok', area, what, fix: '' });
export const warn = (area: string, what: string, fix: string): Finding => ({ level: 'warn', area, what, fix });
export const error = (area: string, what: string, fix: string): Finding => ({ level: 'error', area, what, fix });

/** The report as text: one line per finding, the fix indented below it. */
export function formatFindings(findings: Finding[]): string {
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`[${f.level.padEnd(5)}] ${f.area}: ${f.what}`);
    if (f.fix) lines.push(`        fix: ${f.fix}`);
  }
  const errors = findings.filter((f) => f.level === 'error').length;
  const warnings = findings.filter((f) => f.level === 'warn').length;
  lines.push(`${errors} error(s), ${warnings} warning(s)`);
  return `${lines.join('\n')}\n`;
}
