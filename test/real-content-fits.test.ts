import { describe, expect, test } from 'vitest';
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
