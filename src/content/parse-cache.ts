import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

/**
 * YAML text to plain data, remembered by the text's hash. Parsing YAML was
 * most of start-up's content load (and most of what it allocated), and a
 * restart meets the same files. Only the parse is remembered: every load still
 * checks the data with the schemas and the pack rules, and a file whose check
 * fails is parsed again for the lines of its errors. Anything wrong with the
 * cache (missing, unreadable, not JSON) is a miss, never an error.
 */
export interface ParseCache {
  get(source: string): Promise<{ readonly data: unknown } | undefined>;
  set(source: string, data: unknown): Promise<void>;
}

/** Bump when the same YAML text should give different data (parse options changed). */
const FORMAT = 1;

function yamlVersion(): string {
  const manifest: unknown = createRequire(import.meta.url)('yaml/package.json');
  return typeof manifest === 'object' && manifest !== null && 'version' in manifest ? String(manifest.version) : '?';
}

export function createParseCache(dir: string): ParseCache {
  const salt = `${FORMAT}\0${yamlVersion()}\0`;
  const pathOf = (source: string) =>
    join(dir, `${createHash('sha256').update(salt).update(source).digest('hex')}.json`);
  let made: Promise<unknown> | undefined;
  return {
    async get(source) {
      try {
        return { data: JSON.parse(await readFile(pathOf(source), 'utf8')) };
      } catch {
        return undefined;
      }
    },
    async set(source, data) {
      const json = JSON.stringify(data);
      // Only data JSON carries exactly (YAML can also give dates, Infinity, undefined).
      if (json === undefined || !isDeepStrictEqual(JSON.parse(json), data)) return;
      const path = pathOf(source);
      const temporary = `${path}.${process.pid}.tmp`;
      try {
        made ??= mkdir(dir, { recursive: true });
        await made;
        // Written aside and renamed, so a reader never sees half a file.
        await writeFile(temporary, json);
        await rename(temporary, path);
      } catch {
        // A read-only checkout still starts; it parses every time.
      }
    },
  };
}

/**
 * `node_modules/.cache/roundtable` of the folder the bot runs in (npm runs
 * scripts at the project's root), as tools such as Babel and ESLint keep theirs;
 * none where there is no node_modules, so no folder is created anywhere else.
 */
export function projectParseCache(cwd: string): ParseCache | undefined {
  const modules = join(cwd, 'node_modules');
  return existsSync(modules) ? createParseCache(join(modules, '.cache', 'roundtable', 'content')) : undefined;
}
