import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { ContentError } from './errors.js';

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Finds the node at a path; a path that does not exist gives its nearest existing parent. */
export type Locate = (path: readonly PropertyKey[]) => Position;

export type ParsedYaml =
  | { readonly ok: true; readonly data: unknown; readonly locate: Locate }
  | { readonly ok: false; readonly errors: ContentError[] };

export function parseYamlDocument(file: string, source: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  if (doc.errors.length > 0) {
    // Later errors on the same line are mostly echoes of the first.
    const byLine = new Map<number, ContentError>();
    for (const error of doc.errors) {
      const at = position(error.pos[0]);
      if (!byLine.has(at.line))
        byLine.set(at.line, { file, ...at, path: '(root)', message: `invalid YAML: ${error.message}` });
    }
    return { ok: false, errors: [...byLine.values()] };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [{ file, line: 1, column: 1, path: '(root)', message: `invalid YAML: ${message}` }] };
  }

  const locate: Locate = (path) => {
    let node: unknown = doc.contents;
    let offset = isNode(node) ? (node.range?.[0] ?? 0) : 0;
    for (const key of path) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
        if (!pair) break;
        // Point at the key: the value of `quote:` may start on a later line.
        const at = isNode(pair.key) ? pair.key.range?.[0] : undefined;
        if (at !== undefined) offset = at;
        node = pair.value;
      } else if (isSeq(node) && typeof key === 'number') {
        const item = node.items[key];
        if (!isNode(item)) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else {
        break;
      }
    }
    return position(offset);
  };

  return { ok: true, data, locate };
}
