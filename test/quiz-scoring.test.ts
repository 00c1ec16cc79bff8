import { describe, expect, test } from 'vitest';
import { chooseQuestions } from '../src/features/quiz/choose-questions.js';
import { computePoints, computeSpeedPoints } from '../src/features/quiz/scoring.js';
import type { Settings } from '../src/features/quiz/state.js';

describe('computeSpeedPoints', () => {
  test.each([
    [0, 20_000, 1000],
    [10_000, 20_000, 750],
    [20_000, 20_000, 500],
    [25_000, 20_000, 500],
    [-300, 20_000, 1000],
    [10_000, 30_000, 833],
    [20, 20_000, 1000], // 999.5 rounds up
    [5_140, 20_000, 872], // 871.5 exactly; 1000 * (1 - e / d / 2) in floating point gives 871
    [1, 120_000, 1000],
    [119_999, 120_000, 500],
  ])('GIVEN %i ms of %i THEN %i points', (elapsed, duration, points) => {
    expect(computeSpeedPoints(elapsed, duration)).toBe(points);
  });

  test('never leaves 500..1000 and never grows with time', () => {
    let previous = 1000;
    for (let e = 0; e <= 20_000; e += 7) {
      const p = computeSpeedPoints(e, 20_000);
      expect(p).toBeGreaterThanOrEqual(500);
      expect(p).toBeLessThanOrEqual(previous);
      previous = p;
    }
  });
});

describe('computePoints', () => {
  const speed: Settings = { count: 10, seconds: 20, scoring: 'speed', difficulty: null, auto: false, hostPlays: false };
  const simple: Settings = { ...speed, seconds: 0, scoring: 'simple' };
  test.each<[string, Settings, boolean, number, number]>([
    ['speed, right, at once', speed, true, 0, 1000],
    ['speed, wrong', speed, false, 0, 0],
    ['simple, right, late', simple, true, 99_000, 1],
    ['simple, wrong', simple, false, 0, 0],
  ])('%s', (_name, settings, correct, elapsed, points) => {
    expect(computePoints(settings, correct, elapsed)).toBe(points);
  });
});

describe('chooseQuestions', () => {
  const bank = ['a', 'b', 'c', 'd', 'e'];

  test('GIVEN successive rounds THEN nothing repeats until the whole bank was used', () => {
    const first = chooseQuestions(bank, [], 2, 1);
    // The used list is what the store keeps across rounds and restarts.
    const second = chooseQuestions(bank, first.used, 2, 2);
    const third = chooseQuestions(bank, second.used, 2, 3);
    expect(first.picked).toHaveLength(2);
    expect(second.picked).toHaveLength(2);
    expect(third.picked).toHaveLength(2);
    const cycle = [...first.picked, ...second.picked, third.picked[0]];
    expect([...cycle].sort()).toEqual(bank);
    // The last pick of round three starts a new cycle but not with its own first pick.
    expect(third.picked[1]).not.toBe(third.picked[0]);
    expect(third.used).toEqual([third.picked[1]]);
    expect([first.note, second.note, third.note]).toEqual([null, null, null]);
  });

  test('GIVEN fewer questions than asked THEN all of them, once, with a note', () => {
    const out = chooseQuestions(['a', 'b', 'c', 'a'], [], 10, 5);
    expect([...out.picked].sort()).toEqual(['a', 'b', 'c']);
    expect(out.note).toEqual({ asked: 10, available: 3 });
  });

  test('GIVEN a partly used short bank THEN unused ones come first', () => {
    const out = chooseQuestions(['a', 'b', 'c'], ['a', 'b'], 2, 5);
    expect(out.picked[0]).toBe('c');
    expect(out.picked).toHaveLength(2);
    expect(out.note).toBeNull();
  });

  test('ids used from another difficulty are kept in the used list', () => {
    const out = chooseQuestions(['a', 'b'], ['hard-1'], 1, 9);
    expect(out.used).toEqual(['hard-1', out.picked[0]]);
  });

  test('the same seed draws the same questions', () => {
    expect(chooseQuestions(bank, ['a'], 3, 77)).toEqual(chooseQuestions(bank, ['a'], 3, 77));
  });
});
