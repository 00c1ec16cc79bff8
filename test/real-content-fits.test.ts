import { beforeAll, describe, expect, test } from 'vitest';
import type { Pack } from '../src/content/schema.js';
import {
  articleProblems,
  claimListProblems,
  claimProblems,
  glossaryProblems,
  homeworkProblems,
  questionProblems,
  quizProblems,
  sessionProblems,
  summaryProblems,
} from './fixtures/content-properties.js';
import { loadFixturePack } from './fixtures/fixture-pack.js';
import { loadRealCatalogue } from './fixtures/real-pack.js';

/**
 * The editorial packs in content/, checked only for what must hold for any content:
 * every view fits Discord's limits, with its pager, and shows all it is made of.
 * These tests name no item and pin no text, so an editor may rename, add or remove
 * anything; exact output is pinned on the fixture pack in the other view tests.
 */

const { packs } = await loadRealCatalogue();

test('GIVEN the content folder THEN it holds at least one pack to check', () => {
  expect(packs.length).toBeGreaterThan(0);
});

const properties: [string, (pack: Pack) => string[]][] = [
  ['the article, every page with its pager, shows each paragraph once and fits', articleProblems],
  ['every summary shows all its sentences and fits', summaryProblems],
  ['the claim list, whole and by kind, lists each claim once, every page fitting with its pager', claimListProblems],
  ['every claim shows its quote, hedges, verdict and sources, and fits', claimProblems],
  ['every glossary entry and the glossary list with its pager fit and show each term', glossaryProblems],
  ['every discussion question fits with any filter, and its button decodes', questionProblems],
  ['every quiz item, asked, answered by 40 and revealed, fits, with the right answer marked', quizProblems],
  ['a session with every prompt and every claim polled fits, recap included', sessionProblems],
  ['a homework run through every quiz item fits at every step', homeworkProblems],
];

describe.each(packs.map((pack) => [pack.slug, pack] as const))('the pack %s in content/', (_, pack) => {
  test.each(properties)('THEN %s', (_, problems) => {
    expect(problems(pack)).toEqual([]);
  });
});

describe('the checks above, on broken copies of the fixture pack (so a pass means something)', () => {
  let pack: Pack;
  beforeAll(async () => {
    pack = await loadFixturePack();
  });

  test('GIVEN a detailed summary too long for one embed THEN its cut-off sentences are reported', () => {
    const detailed = Array.from({ length: 10 }, (_, i) => ({
      text: `Point ${i}. ${'Very long. '.repeat(45)}`,
      paragraphs: [1],
    }));
    const long: Pack = { ...pack, summaries: { ...pack.summaries, detailed } };
    expect(summaryProblems(long)).toContain(`detailed summary: missing "${detailed[9]?.text}"`);
  });

  test('GIVEN a hedge missing from its quote THEN it is reported', () => {
    const [first, ...rest] = pack.claims;
    if (!first) throw new Error('the fixture pack has no claims');
    const broken: Pack = { ...pack, claims: [{ ...first, hedges: ['perhaps'] }, ...rest] };
    expect(claimProblems(broken)).toEqual([
      `${first.id}: not every hedge is underlined`,
      `${first.id}: "perhaps" is not underlined`,
    ]);
  });

  test('GIVEN two terms of one name THEN the list is reported', () => {
    const [first] = pack.terms;
    if (!first) throw new Error('the fixture pack has no terms');
    const twice: Pack = { ...pack, terms: [...pack.terms, { ...first, id: 'council-again' }] };
    expect(glossaryProblems(twice)).toEqual([
      `the list does not show ${first.id} once`,
      'the list does not show council-again once',
    ]);
  });

  test('GIVEN an answer that is none of the choices THEN the reveal is reported', () => {
    const [first, ...rest] = pack.quiz;
    if (!first) throw new Error('the fixture pack has no quiz items');
    const broken: Pack = { ...pack, quiz: [{ ...first, answer: 'none of these' }, ...rest] };
    expect(quizProblems(broken)).toEqual([`${first.id} the reveal does not mark the right answer`]);
  });
});
