import { describe, expect, test } from 'vitest';
import { LEVELS, type Level, type Question, QuestionSchema, type Theme } from '../src/content/schema.js';
import { choosePrompts } from '../src/features/session/choose-prompts.js';

function makeQuestion(id: string, theme: Theme, level: Level): Question {
  return QuestionSchema.parse({ id, prompt: `Prompt ${id}?`, theme, level, followUps: ['Why?'] });
}

const BANK: Question[] = [
  makeQuestion('history-recall', 'history', 'recall'),
  makeQuestion('motives-understand', 'motives', 'understand'),
  makeQuestion('sanctions-analyze', 'sanctions-and-law', 'analyze'),
  makeQuestion('evidence-evaluate', 'evidence-and-media-literacy', 'evaluate'),
  makeQuestion('perspectives-create', 'perspectives', 'create'),
  makeQuestion('consequences-analyze', 'consequences', 'analyze'),
  makeQuestion('motives-recall', 'motives', 'recall'),
  makeQuestion('history-understand', 'history', 'understand'),
];
const ALL_IDS = BANK.map((q) => q.id);
const byId = new Map(BANK.map((q) => [q.id, q]));

function themesOf(ids: readonly string[]): (Theme | undefined)[] {
  return ids.map((id) => byId.get(id)?.theme);
}
function levelsOf(ids: readonly string[]): (Level | undefined)[] {
  return ids.map((id) => byId.get(id)?.level);
}

describe('choosePrompts', () => {
  test.each([1, 2, 3, 7, 42, 1234])(
    'GIVEN no filters and seed %i THEN five prompts cover five themes and rise recall to create',
    (seed) => {
      const choice = choosePrompts(BANK, [], { count: 5 }, seed);
      expect(choice.promptIds).toHaveLength(5);
      expect(new Set(themesOf(choice.promptIds)).size).toBe(5);
      expect(levelsOf(choice.promptIds)).toEqual([...LEVELS]);
      expect(choice.used).toHaveLength(5);
      expect(new Set(choice.used)).toEqual(new Set(choice.promptIds));
      expect(choice.note).toBeNull();
    },
  );

  test('GIVEN the same seed THEN the choice is the same; other seeds vary it', () => {
    const first = choosePrompts(BANK, [], { count: 3 }, 99);
    expect(choosePrompts(BANK, [], { count: 3 }, 99)).toEqual(first);
    const others = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => choosePrompts(BANK, [], { count: 3 }, seed).promptIds.join());
    expect(new Set(others).size).toBeGreaterThan(1);
  });

  test('GIVEN more prompts than themes THEN levels still rise and nothing repeats', () => {
    const choice = choosePrompts(BANK, [], { count: 8 }, 5);
    expect(new Set(choice.promptIds)).toEqual(new Set(ALL_IDS));
    const ranks = levelsOf(choice.promptIds).map((l) => (l === undefined ? -1 : LEVELS.indexOf(l)));
    expect(ranks).toEqual([0, 0, 1, 1, 2, 2, 3, 4]);
  });

  test.each<{ name: string; theme?: Theme; level?: Level; count: number; ids: string[]; note: unknown }>([
    {
      name: 'a theme',
      theme: 'motives',
      count: 5,
      ids: ['motives-recall', 'motives-understand'],
      note: { asked: 5, available: 2 },
    },
    {
      name: 'a level',
      level: 'understand',
      count: 2,
      ids: ['motives-understand', 'history-understand'],
      note: null,
    },
    { name: 'a theme and a level', theme: 'history', level: 'recall', count: 1, ids: ['history-recall'], note: null },
    {
      name: 'a filter nothing matches',
      theme: 'consequences',
      level: 'create',
      count: 3,
      ids: [],
      note: { asked: 3, available: 0 },
    },
  ])('GIVEN $name THEN only matching prompts are chosen', ({ theme, level, count, ids, note }) => {
    const choice = choosePrompts(BANK, [], { count, theme, level }, 11);
    expect(new Set(choice.promptIds)).toEqual(new Set(ids));
    expect(choice.promptIds).toHaveLength(ids.length);
    expect(choice.note).toEqual(note);
  });

  test('GIVEN a theme filter THEN the prompts are ordered by level', () => {
    expect(choosePrompts(BANK, [], { count: 2, theme: 'history' }, 3).promptIds).toEqual([
      'history-recall',
      'history-understand',
    ]);
  });

  test('GIVEN sessions in a row THEN no prompt repeats until the bank is used, then a new cycle starts', () => {
    const first = choosePrompts(BANK, [], { count: 4 }, 1);
    const second = choosePrompts(BANK, first.used, { count: 4 }, 2);
    expect(second.promptIds.filter((id) => first.promptIds.includes(id))).toEqual([]);
    expect(new Set([...first.promptIds, ...second.promptIds])).toEqual(new Set(ALL_IDS));
    expect(second.used).toHaveLength(8);

    const third = choosePrompts(BANK, second.used, { count: 2 }, 3);
    expect(third.promptIds).toHaveLength(2);
    expect(new Set(third.used)).toEqual(new Set(third.promptIds));
    expect(third.note).toBeNull();
  });

  test('GIVEN a bank that runs out mid-choice THEN the unused come first and the cycle restarts with the rest', () => {
    const used = ALL_IDS.slice(0, 6);
    const choice = choosePrompts(BANK, ['other-pack-question', ...used], { count: 4 }, 8);
    expect(choice.promptIds).toHaveLength(4);
    expect(new Set(choice.promptIds).size).toBe(4);
    expect(choice.promptIds).toEqual(expect.arrayContaining(['motives-recall', 'history-understand']));
    const again = choice.promptIds.filter((id) => used.includes(id));
    expect(again).toHaveLength(2);
    // Ids outside the bank are kept; the new cycle holds all four, so none returns next session.
    expect(choice.used).toHaveLength(5);
    expect(choice.used[0]).toBe('other-pack-question');
    expect(new Set(choice.used.slice(1))).toEqual(new Set(choice.promptIds));
    const following = choosePrompts(BANK, choice.used, { count: 4 }, 9);
    expect(following.promptIds.filter((id) => choice.promptIds.includes(id))).toEqual([]);
  });

  test('GIVEN used ids from other filters THEN they are kept in the used list', () => {
    const choice = choosePrompts(BANK, ['history-recall'], { count: 1, theme: 'motives' }, 4);
    expect(choice.used).toEqual(['history-recall', ...choice.promptIds]);
  });

  test('GIVEN more prompts asked than the bank holds THEN every prompt once and a note', () => {
    const choice = choosePrompts(BANK, [], { count: 12 }, 6);
    expect(choice.promptIds).toHaveLength(8);
    expect(new Set(choice.promptIds).size).toBe(8);
    expect(choice.note).toEqual({ asked: 12, available: 8 });
  });
});
