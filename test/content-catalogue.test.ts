import { describe, expect, test } from 'vitest';
import { type Catalogue, createCatalogue } from '../src/content/catalogue.js';
import { loadCatalogue } from '../src/content/load.js';
import type { Pack } from '../src/content/schema.js';
import { VALID_CONTENT } from './fixtures/content-fixture.js';

async function loadValidCatalogue(): Promise<Catalogue> {
  const result = await loadCatalogue(VALID_CONTENT);
  if (!result.ok) throw new Error(`fixture does not load: ${JSON.stringify(result.errors)}`);
  return result.catalogue;
}

function renamePack(pack: Pack, slug: string): Pack {
  return { ...pack, slug };
}

describe('catalogue lookups', () => {
  test.each([
    {
      name: 'claim',
      find: (c: Catalogue) => c.claim('harbour-vote', 'light-cost')?.quote,
      value: 'the light costs about 40,000 euros a year',
    },
    { name: 'question', find: (c: Catalogue) => c.question('harbour-vote', 'who-decided')?.level, value: 'recall' },
    { name: 'quiz item', find: (c: Catalogue) => c.quizItem('harbour-vote', 'vote-margin')?.answer, value: '7 to 2' },
    {
      name: 'term',
      find: (c: Catalogue) => c.term('harbour-vote', 'council')?.definition,
      value: 'The elected body that governs a town.',
    },
    {
      name: 'paragraph',
      find: (c: Catalogue) => c.paragraph('harbour-vote', 3),
      value:
        "Supporters said the tower is part of the town's identity and reportedly draws thousands of visitors every summer.",
    },
    { name: 'pack', find: (c: Catalogue) => c.pack('harbour-vote')?.article.author, value: 'Ada Quill' },
  ])('GIVEN a known $name THEN it is found', async ({ find, value }) => {
    expect(find(await loadValidCatalogue())).toBe(value);
  });

  test.each([
    { name: 'an unknown pack', find: (c: Catalogue) => c.pack('nope') },
    { name: 'a claim of an unknown pack', find: (c: Catalogue) => c.claim('nope', 'light-cost') },
    { name: 'an unknown claim', find: (c: Catalogue) => c.claim('harbour-vote', 'nope') },
    { name: 'a question id used as a claim id', find: (c: Catalogue) => c.claim('harbour-vote', 'who-decided') },
    { name: 'an unknown question', find: (c: Catalogue) => c.question('harbour-vote', 'nope') },
    { name: 'an unknown quiz item', find: (c: Catalogue) => c.quizItem('harbour-vote', 'nope') },
    { name: 'an unknown term', find: (c: Catalogue) => c.term('harbour-vote', 'nope') },
    { name: 'paragraph 0', find: (c: Catalogue) => c.paragraph('harbour-vote', 0) },
    { name: 'a paragraph past the end', find: (c: Catalogue) => c.paragraph('harbour-vote', 9) },
  ])('GIVEN $name THEN it is undefined', async ({ find }) => {
    expect(find(await loadValidCatalogue())).toBeUndefined();
  });

  test('GIVEN packs out of order THEN packs are sorted by slug and each is indexed', async () => {
    const base = (await loadValidCatalogue()).packs[0];
    if (!base) throw new Error('fixture has no pack');
    const catalogue = createCatalogue([
      renamePack(base, 'zebra'),
      renamePack(base, 'apple'),
      renamePack(base, 'mango'),
    ]);
    expect(catalogue.packs.map((p) => p.slug)).toEqual(['apple', 'mango', 'zebra']);
    expect(catalogue.pack('mango')?.slug).toBe('mango');
    expect(catalogue.claim('zebra', 'vote-result')?.paragraph).toBe(1);
  });

  test('GIVEN two packs with one slug THEN createCatalogue refuses them', async () => {
    const base = (await loadValidCatalogue()).packs[0];
    if (!base) throw new Error('fixture has no pack');
    expect(() => createCatalogue([base, base])).toThrow('createCatalogue: duplicate pack slug "harbour-vote"');
  });
});

describe('catalogue immutability', () => {
  test('GIVEN a loaded catalogue THEN every level is frozen', async () => {
    const catalogue = await loadValidCatalogue();
    const pack = catalogue.pack('harbour-vote');
    expect(Object.isFrozen(catalogue)).toBe(true);
    expect(Object.isFrozen(catalogue.packs)).toBe(true);
    expect(Object.isFrozen(pack)).toBe(true);
    expect(Object.isFrozen(pack?.article.paragraphs)).toBe(true);
    expect(Object.isFrozen(pack?.article.paragraphs[0])).toBe(true);
    expect(Object.isFrozen(pack?.summaries.detailed[0]?.paragraphs)).toBe(true);
    expect(Object.isFrozen(catalogue.claim('harbour-vote', 'vote-result')?.check.sources[0])).toBe(true);
    expect(Object.isFrozen(catalogue.quizItem('harbour-vote', 'vote-margin')?.choices)).toBe(true);
  });

  test('GIVEN a write to a frozen item THEN it throws and nothing changes', async () => {
    const catalogue = await loadValidCatalogue();
    const item = catalogue.quizItem('harbour-vote', 'vote-margin');
    if (!item) throw new Error('fixture has no vote-margin');
    expect(() => {
      item.answer = '5 to 4';
    }).toThrow(TypeError);
    expect(() => item.choices.push('1 to 8')).toThrow(TypeError);
    expect(catalogue.quizItem('harbour-vote', 'vote-margin')?.answer).toBe('7 to 2');
    expect(catalogue.quizItem('harbour-vote', 'vote-margin')?.choices).toEqual(['7 to 2', '5 to 4', '9 to 0']);
  });

  test('GIVEN packs passed in THEN the catalogue copies them and leaves the caller its objects', async () => {
    const base = (await loadValidCatalogue()).packs[0];
    if (!base) throw new Error('fixture has no pack');
    const mine = structuredClone(base);
    const catalogue = createCatalogue([mine]);
    expect(Object.isFrozen(mine)).toBe(false);
    mine.article.paragraphs[0] = { n: 1, text: 'changed' };
    expect(catalogue.paragraph('harbour-vote', 1)).toMatch(/^The council of Port Ellery voted 7 to 2/);
  });
});
