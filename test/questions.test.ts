import { beforeAll, describe, expect, test } from 'vitest';
import { type Pack, QuestionSchema } from '../src/content/schema.js';
import { drawQuestion, matchingQuestions } from '../src/features/reading/questions.js';
import type { QuestionFilter } from '../src/features/reading/render.js';
import { loadFixturePack } from './fixtures/fixture-pack.js';

/**
 * More questions than the fixture's two, so that filters match several and cycles mean something.
 * They live here, not in the fixture, because the session tests play the fixture's two questions.
 */
const EXTRA = [
  ['why-vote-for', 'motives', 'understand', 'Why did seven councillors vote to keep the light?'],
  ['who-benefits', 'motives', 'analyze', 'Who gains most from keeping the light lit?'],
  ['mayor-motives', 'motives', 'evaluate', 'Is the mayor right that the light keeps faith with the families?'],
  ['listed-building', 'sanctions-and-law', 'evaluate', 'Should a town be bound to keep a listed building?'],
  ['whose-numbers', 'evidence-and-media-literacy', 'analyze', 'Which figures in the article come with a source?'],
  ['keeper-date', 'evidence-and-media-literacy', 'evaluate', 'Which record of the keeper would you trust?'],
  ['fishers-view', 'perspectives', 'analyze', 'How might a fisher see the vote differently from a visitor?'],
  ['visitors-view', 'perspectives', 'analyze', 'What would a summer visitor say about the vote?'],
  ['new-use', 'perspectives', 'create', 'Design a new use for the tower that both sides could accept.'],
  ['lighthouse-history', 'history', 'understand', 'How has the way the light is run changed since 1871?'],
  ['plan-ten-years', 'consequences', 'create', 'Plan what the town should decide when the ten years are up.'],
].map(([id, theme, level, prompt]) => QuestionSchema.parse({ id, theme, level, prompt, followUps: ['Why?'] }));

let pack: Pack;
beforeAll(async () => {
  const fixture = await loadFixturePack();
  pack = { ...fixture, questions: [...fixture.questions, ...EXTRA] };
});

const ANY: QuestionFilter = { theme: null, level: null };

/** Draws `times` questions in a row the way the bot does: the used list carried from one draw to the next. */
function drawMany(filter: QuestionFilter, times: number, used: string[] = []) {
  const draws: { id: string; cycled: boolean }[] = [];
  let current = used;
  for (let i = 0; i < times; i++) {
    const result = drawQuestion(pack, current, filter, 1000 + i);
    if (!result.ok) throw new Error(`draw ${i} found no question`);
    draws.push({ id: result.question.id, cycled: result.cycled });
    current = result.used;
  }
  return { draws, used: current };
}

describe('matchingQuestions', () => {
  test.each([
    ['no filter', ANY, null],
    ['a theme', { theme: 'motives', level: null }, ['why-vote-for', 'who-benefits', 'mayor-motives']],
    [
      'a level',
      { theme: null, level: 'evaluate' },
      ['worth-the-cost', 'mayor-motives', 'listed-building', 'keeper-date'],
    ],
    ['a theme and a level', { theme: 'sanctions-and-law', level: 'evaluate' }, ['listed-building']],
  ] as const)('GIVEN %s THEN exactly the questions of the pack that fit it, in pack order', (_, filter, ids) => {
    const matching = matchingQuestions(pack, filter);
    if (ids) expect(matching.map((q) => q.id)).toEqual(ids);
    expect(matching).toEqual(
      pack.questions.filter(
        (q) =>
          (filter.theme === null || q.theme === filter.theme) && (filter.level === null || q.level === filter.level),
      ),
    );
  });
});

describe('drawQuestion', () => {
  test('GIVEN the same used list and seed THEN the same question (a restart changes nothing)', () => {
    expect(drawQuestion(pack, [], ANY, 5)).toEqual(drawQuestion(pack, [], ANY, 5));
  });

  test('GIVEN no filter THEN every question comes once before any repeats, and only the repeat is flagged', () => {
    const total = pack.questions.length;
    const { draws } = drawMany(ANY, total + 1);
    const firstCycle = draws.slice(0, total);
    expect(new Set(firstCycle.map((d) => d.id)).size).toBe(total);
    expect(firstCycle.every((d) => !d.cycled)).toBe(true);
    expect(draws[total]?.cycled).toBe(true);
  });

  test.each([
    ['a theme', { theme: 'motives', level: null }],
    ['a level', { theme: null, level: 'create' }],
    ['a theme and a level', { theme: 'perspectives', level: 'analyze' }],
  ] as const)('GIVEN %s THEN only matching questions, none repeated until all were drawn', (_, filter) => {
    const matching = matchingQuestions(pack, filter).map((q) => q.id);
    const { draws } = drawMany(filter, matching.length * 2);
    for (const d of draws) expect(matching).toContain(d.id);
    expect(new Set(draws.slice(0, matching.length).map((d) => d.id))).toEqual(new Set(matching));
    expect(new Set(draws.slice(matching.length).map((d) => d.id))).toEqual(new Set(matching));
    expect(draws.map((d) => d.cycled)).toEqual(draws.map((_, i) => i === matching.length));
  });

  test('GIVEN questions used under another filter THEN they are remembered across a new cycle of this filter', () => {
    const history = drawMany({ theme: 'history', level: null }, 2);
    const motives = matchingQuestions(pack, { theme: 'motives', level: null }).length;
    const after = drawMany({ theme: 'motives', level: null }, motives + 1, history.used);
    for (const d of history.draws) expect(after.used).toContain(d.id);
    // And the next unfiltered draw skips every question already used in this cycle.
    const next = drawQuestion(pack, after.used, ANY, 77);
    expect(next.ok).toBe(true);
    expect(next.ok && after.used.includes(next.question.id)).toBe(false);
  });

  test('GIVEN a filter no question matches THEN nothing is drawn', () => {
    // The pack has no recall-level question on perspectives.
    expect(matchingQuestions(pack, { theme: 'perspectives', level: 'recall' })).toEqual([]);
    expect(drawQuestion(pack, [], { theme: 'perspectives', level: 'recall' }, 1)).toEqual({ ok: false });
  });

  test('GIVEN used ids no longer in the pack THEN they do not block a draw', () => {
    const result = drawQuestion(pack, ['removed-question', 'another-removed'], ANY, 3);
    expect(result.ok).toBe(true);
    expect(result.ok && result.cycled).toBe(false);
  });
});
