import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { formatContentError } from '../src/content/errors.js';
import { type LoadResult, loadCatalogue } from '../src/content/load.js';
import { createParseCache, projectParseCache } from '../src/content/parse-cache.js';
import { copyContent, createTempDir, removeTempDirs, replaceLine } from './fixtures/content-fixture.js';

afterEach(removeTempDirs);

function errorsOf(result: LoadResult, dir: string): string[] {
  return result.ok ? [] : result.errors.map((e) => formatContentError(e).replace(`${dir}/`, ''));
}

async function cacheFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.json'));
}

describe('the parse cache of start-up', () => {
  test('GIVEN a warm cache THEN the catalogue is the one a fresh parse gives', async () => {
    const content = await copyContent();
    const cacheDir = await createTempDir();
    const parseCache = createParseCache(cacheDir);
    const cold = await loadCatalogue(content, { parseCache });
    expect(await cacheFiles(cacheDir)).toHaveLength(7);
    const warm = await loadCatalogue(content, { parseCache });
    const uncached = await loadCatalogue(content);
    expect(warm.ok && uncached.ok && cold.ok).toBe(true);
    expect(warm.ok && warm.catalogue.packs).toEqual(uncached.ok && uncached.catalogue.packs);
  });

  test('GIVEN a file edited after it was cached THEN the edit is what loads', async () => {
    const content = await copyContent();
    const parseCache = createParseCache(await createTempDir());
    const before = await loadCatalogue(content, { parseCache });
    const file = join(content, 'harbour-vote', 'quiz.yaml');
    const text = await readFile(file, 'utf8');
    const first = before.ok ? before.catalogue.packs[0]?.quiz[0] : undefined;
    expect(first).toBeDefined();
    await writeFile(file, text.replace(first?.question ?? '', 'How many councillors voted for the plan?'));
    const after = await loadCatalogue(content, { parseCache });
    expect(after.ok && after.catalogue.packs[0]?.quiz[0]?.question).toBe('How many councillors voted for the plan?');
  });

  test('GIVEN a cached file that breaks a rule THEN the error still names its line', async () => {
    const content = await copyContent();
    const parseCache = createParseCache(await createTempDir());
    await replaceLine(join(content, 'harbour-vote', 'quiz.yaml'), 8, '    answer: 7 to 2', '    answer: 7-2');
    const expected = ['harbour-vote/quiz.yaml:8:5 quiz[0].answer: must be one of the choices'];
    expect(errorsOf(await loadCatalogue(content, { parseCache }), content)).toEqual(expected);
    // The second load reads the cached data and builds the document only to locate the error.
    expect(errorsOf(await loadCatalogue(content, { parseCache }), content)).toEqual(expected);
  });

  test('GIVEN cache files that are garbage or cut short THEN the content loads as if there were none', async () => {
    const content = await copyContent();
    const cacheDir = await createTempDir();
    const parseCache = createParseCache(cacheDir);
    await loadCatalogue(content, { parseCache });
    const files = await cacheFiles(cacheDir);
    await Promise.all(files.map((f, i) => writeFile(join(cacheDir, f), i % 2 ? '{"article": ' : 'not json')));
    const result = await loadCatalogue(content, { parseCache });
    const uncached = await loadCatalogue(content);
    expect(result.ok && result.catalogue.packs).toEqual(uncached.ok && uncached.catalogue.packs);
  });

  test('GIVEN a cache folder that cannot be written THEN the content still loads', async () => {
    const content = await copyContent();
    const blocker = join(await createTempDir(), 'a-file');
    await writeFile(blocker, 'not a folder');
    const result = await loadCatalogue(content, { parseCache: createParseCache(join(blocker, 'cache')) });
    expect(errorsOf(result, content)).toEqual([]);
    expect(result.ok && result.catalogue.packs.map((p) => p.slug)).toEqual(['harbour-vote']);
  });

  test('GIVEN a folder without node_modules THEN no project cache is made there', async () => {
    expect(projectParseCache(await createTempDir())).toBeUndefined();
    expect(projectParseCache(process.cwd())).toBeDefined();
  });
});
