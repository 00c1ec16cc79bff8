/** A problem in the content folder, located at the YAML node that caused it. */
export interface ContentError {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

/** `content/kim-putin-2023/quiz.yaml:41:5 quiz[6].quote: not found in the article text` */
export function formatContentError(e: ContentError): string {
  return `${e.file}:${e.line}:${e.column} ${e.path}: ${e.message}`;
}

/** `['quiz', 6, 'quote']` -> `quiz[6].quote`; the empty path is `(root)`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? '(root)' : out;
}

export function compareContentErrors(a: ContentError, b: ContentError): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}
