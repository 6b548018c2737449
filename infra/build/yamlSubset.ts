/**
 * A reader for the YAML subset s.yaml is written in: nested block mappings with two-space indents,
 * plain, single- or double-quoted scalars, and full-line comments. Anything else (lists, flow
 * collections, anchors, block scalars, tabs) is rejected with its line number, so the file cannot drift
 * into YAML this reader would misread. Scalars stay strings; no type coercion.
 * @module
 */

/** A parsed mapping: string scalars and nested mappings. */
export interface YamlMap {
  [key: string]: string | YamlMap;
}

/** The text is outside the supported subset. */
export class YamlSubsetError extends Error {
  override name = 'YamlSubsetError';
}

function scalar(raw: string, line: number): string {
  const text = raw.trim();
  if (text.startsWith('"')) {
    if (!/^"(?:[^"\\]|\\.)*"$/.test(text)) throw new YamlSubsetError(`line ${line}: unterminated double-quoted scalar`);
    try {
      return JSON.parse(text) as string;
    } catch {
      throw new YamlSubsetError(`line ${line}: unsupported escape in double-quoted scalar`);
    }
  }
  if (text.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(text)) throw new YamlSubsetError(`line ${line}: unterminated single-quoted scalar`);
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (/^[[{&*!|>%@`-]/.test(text) && !/^-[^ ]/.test(text)) {
    throw new YamlSubsetError(`line ${line}: unsupported YAML construct "${text.slice(0, 20)}"`);
  }
  // A plain scalar ends at " #" (a trailing comment).
  const hash = text.search(/\s#/);
  return (hash >= 0 ? text.slice(0, hash) : text).trim();
}

/** Parses `text`; throws {@link YamlSubsetError} naming the line on anything outside the subset. */
export function parseYamlSubset(text: string): YamlMap {
  const root: YamlMap = {};
  // Stack of open mappings with the indent of their keys.
  const stack: Array<{ indent: number; map: YamlMap }> = [{ indent: 0, map: root }];
  let pendingChild: { indent: number; map: YamlMap } | null = null;
  const lines = text.split(/\r?\n/);
  lines.forEach((rawLine, i) => {
    const lineNo = i + 1;
    if (rawLine.trim() === '' || rawLine.trim().startsWith('#')) return;
    if (rawLine.includes('\t')) throw new YamlSubsetError(`line ${lineNo}: tabs are not allowed`);
    const indent = rawLine.length - rawLine.trimStart().length;
    const body = rawLine.trim();
    if (body === '---' || body === '...') throw new YamlSubsetError(`line ${lineNo}: multiple documents are not supported`);
    if (body.startsWith('- ') || body === '-') throw new YamlSubsetError(`line ${lineNo}: lists are not supported`);
    const m = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[A-Za-z0-9_.$-][^:]*?)\s*:(?:\s+(.*))?$/.exec(body);
    if (!m) throw new YamlSubsetError(`line ${lineNo}: expected "key: value" or "key:"`);
    const key = m[1]!.startsWith('"') || m[1]!.startsWith("'") ? scalar(m[1]!, lineNo) : m[1]!;
    if (pendingChild) {
      if (indent <= stack[stack.length - 1]!.indent) throw new YamlSubsetError(`line ${lineNo}: empty mapping above (a key with no value)`);
      pendingChild.indent = indent;
      stack.push(pendingChild);
      pendingChild = null;
    }
    while (stack.length > 1 && indent < stack[stack.length - 1]!.indent) stack.pop();
    const top = stack[stack.length - 1]!;
    if (indent !== top.indent) throw new YamlSubsetError(`line ${lineNo}: inconsistent indentation`);
    if (Object.prototype.hasOwnProperty.call(top.map, key)) throw new YamlSubsetError(`line ${lineNo}: duplicate key "${key}"`);
    const value = m[2];
    if (value === undefined || value.trim() === '' || value.trim().startsWith('#')) {
      const child: YamlMap = {};
      top.map[key] = child;
      pendingChild = { indent: -1, map: child };
    } else {
      top.map[key] = scalar(value, lineNo);
    }
  });
  if (pendingChild) throw new YamlSubsetError('last key has no value');
  return root;
}

/** The mapping at `path`, or an error naming the missing key. */
export function mapAt(root: YamlMap, ...path: string[]): YamlMap {
  let node: string | YamlMap = root;
  for (const key of path) {
    if (typeof node === 'string' || !(key in node)) throw new YamlSubsetError(`missing mapping ${path.join('.')}`);
    node = node[key]!;
  }
  if (typeof node === 'string') throw new YamlSubsetError(`${path.join('.')} is a scalar, not a mapping`);
  return node;
}

/** The scalar at `path`, or undefined when absent. */
export function scalarAt(root: YamlMap, ...path: string[]): string | undefined {
  let node: string | YamlMap = root;
  for (const key of path) {
    if (typeof node === 'string' || !(key in node)) return undefined;
    node = node[key]!;
  }
  return typeof node === 'string' ? node : undefined;
}
