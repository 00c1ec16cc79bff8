import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { parse } from 'yaml';
import { runCheck } from '../src/bin/content-check.js';
import { formatContentError } from '../src/content/errors.js';
import { loadCatalogue } from '../src/content/load.js';
import { citingSchemas } from '../src/content/schema.js';
import { copyContent, REAL_CONTENT, removeTempDirs } from './fixtures/content-fixture.js';

afterEach(removeTempDirs);

/** The editorial packs are checked whatever their names: the first one in the folder stands for all. */
async function firstSlug(): Promise<string> {
  const result = await loadCatalogue(REAL_CONTENT);
  const slug = result.ok ? result.catalogue.packs[0]?.slug : undefined;
  if (!slug) throw new Error('the real content folder has no pack');
  return slug;
}

test('GIVEN the real content folder THEN it has no errors', async () => {
  const result = await loadCatalogue(REAL_CONTENT);
  expect(result.ok ? [] : result.errors.map(formatContentError)).toEqual([]);
});

test('GIVEN the real content folder THEN content:check prints a summary line for each pack', async () => {
  const lines: string[] = [];
  expect(await runCheck(REAL_CONTENT, (line) => lines.push(line))).toBe(0);
  const result = await loadCatalogue(REAL_CONTENT);
  const slugs = result.ok ? result.catalogue.packs.map((p) => p.slug) : [];
  expect(lines).toHaveLength(slugs.length);
  for (const [i, slug] of slugs.entries()) {
    expect(lines[i]).toMatch(
      new RegExp(
        `^${slug}: \\d+ sources, \\d+ claims, \\d+ questions, \\d+ quiz items, \\d+ terms; the answer is the longest choice in \\d+ of \\d+ quiz items \\(\\d+%\\)$`,
      ),
    );
  }
});

test('GIVEN a corrupted quote in a copy of the real pack THEN the error names its file and line', async () => {
  const slug = await firstSlug();
  const dir = await copyContent(REAL_CONTENT);
  const file = join(dir, slug, 'claims.yaml');
  const source = await readFile(file, 'utf8');

  // The first `quote:` key in the file belongs to claims[0]; corrupt one word of its value.
  const lines = source.split('\n');
  const line = lines.findIndex((l) => /^\s*(?:- )?quote:/.test(l));
  const column = (lines[line]?.indexOf('quote:') ?? -1) + 1;
  // Without a source list the citations are not looked up: only the quote is needed here.
  const quote = citingSchemas(undefined).claims.parse(parse(source)).claims[0]?.quote ?? '';
  const word = /[A-Za-z]{4,}/.exec(quote)?.[0];
  if (line < 0 || !word) throw new Error('claims.yaml has no quote to corrupt');
  const keyOffset = lines.slice(0, line).join('\n').length + column + 'quote:'.length;
  const at = source.indexOf(word, keyOffset);
  await writeFile(file, `${source.slice(0, at)}Xyzzy${source.slice(at + word.length)}`);

  const result = await loadCatalogue(dir);
  expect(result.ok ? [] : result.errors.map(formatContentError)).toEqual([
    `${dir}/${slug}/claims.yaml:${line + 1}:${column} claims[0].quote: not found in the article text`,
  ]);
});
