import { describe, expect, test } from 'vitest';
import { createRandom, drawWithoutRepeats, shuffle } from '../src/core/random.js';

const BANK = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const sorted = (list: readonly string[]) => [...list].sort();

describe('createRandom', () => {
  test('GIVEN the same seed THEN the same sequence, always in [0, 1)', () => {
    const first = createRandom(42);
    const second = createRandom(42);
    const values = Array.from({ length: 1000 }, () => first());
    expect(Array.from({ length: 1000 }, () => second())).toEqual(values);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  test('GIVEN different seeds THEN different sequences', () => {
    expect(createRandom(1)()).not.toBe(createRandom(2)());
  });
});

describe('shuffle', () => {
  test.each([0, 1, 42, 2 ** 31, -7])(
    'GIVEN seed %d THEN the same order every time, holding every item once',
    (seed) => {
      const once = shuffle(BANK, seed);
      expect(shuffle(BANK, seed)).toEqual(once);
      expect(sorted(once)).toEqual(BANK);
    },
  );

  test('GIVEN many seeds THEN the orders differ and each item lands first sometimes', () => {
    const orders = Array.from({ length: 200 }, (_, seed) => shuffle(BANK, seed));
    expect(new Set(orders.map((o) => o.join(''))).size).toBeGreaterThan(150);
    expect(new Set(orders.map((o) => o[0]))).toEqual(new Set(BANK));
  });

  test('GIVEN an input list THEN it is left unchanged', () => {
    const input = Object.freeze([...BANK]);
    shuffle(input, 3);
    expect(input).toEqual(BANK);
  });

  test.each([
    ['no items', []],
    ['one item', ['only']],
  ])('GIVEN %s THEN the same list comes back', (_, items) => {
    expect(shuffle(items, 9)).toEqual(items);
  });
});

describe('drawWithoutRepeats', () => {
  test('GIVEN the same inputs THEN the same draw (replayable after a restart)', () => {
    expect(drawWithoutRepeats(BANK, ['a'], 3, 11)).toEqual(drawWithoutRepeats(BANK, ['a'], 3, 11));
  });

  test.each([1, 2, 3, 5])('GIVEN draws of %d THEN nothing repeats until every candidate was used', (count) => {
    let used: string[] = [];
    const seen: string[] = [];
    for (let draw = 0; seen.length < BANK.length * 3; draw++) {
      const result = drawWithoutRepeats(BANK, used, count, draw);
      expect(result.picked).toHaveLength(count);
      expect(new Set(result.picked).size).toBe(count);
      seen.push(...result.picked);
      used = result.used;
    }
    // Read as cycles of the bank's size, the picks are each a permutation of it.
    for (let cycle = 0; cycle < 3; cycle++) {
      expect(sorted(seen.slice(cycle * BANK.length, (cycle + 1) * BANK.length))).toEqual(BANK);
    }
  });

  test('GIVEN unused candidates THEN only unused ones are picked and added to used', () => {
    const result = drawWithoutRepeats(BANK, ['a', 'b', 'c', 'd'], 3, 5);
    expect(sorted(result.picked)).toEqual(['e', 'f', 'g']);
    expect(result.used.slice(0, 4)).toEqual(['a', 'b', 'c', 'd']);
    expect(sorted(result.used)).toEqual(BANK);
  });

  test('GIVEN used ids of another filter THEN they are kept, also when the bank starts a new cycle', () => {
    const other = ['hard-1', 'hard-2'];
    const first = drawWithoutRepeats(['x', 'y'], other, 2, 1);
    expect(sorted(first.picked)).toEqual(['x', 'y']);
    expect(first.used.filter((id) => other.includes(id))).toEqual(other);

    const second = drawWithoutRepeats(['x', 'y'], first.used, 1, 2);
    expect(second.picked).toHaveLength(1);
    expect(second.used).toEqual([...other, ...second.picked]);
  });

  test('GIVEN the bank runs out mid-draw THEN the rest comes from a new cycle, never repeating within the draw', () => {
    const result = drawWithoutRepeats(BANK, ['a', 'b', 'c', 'd', 'e', 'f'], 3, 8);
    expect(result.picked[0]).toBe('g');
    expect(new Set(result.picked).size).toBe(3);
    // The new cycle has used exactly the two picked after `g`.
    expect(sorted(result.used)).toEqual(sorted(result.picked.slice(1)));
  });

  test('GIVEN more asked than there are candidates THEN each candidate once and a fresh cycle after', () => {
    const result = drawWithoutRepeats(['x', 'y', 'z'], ['other'], 5, 4);
    expect(sorted(result.picked)).toEqual(['x', 'y', 'z']);
    expect(result.used).toEqual(['other']);
  });

  test.each([
    ['no candidates', [], 3],
    ['a count of 0', BANK, 0],
  ])('GIVEN %s THEN nothing is picked and used is unchanged', (_, candidates, count) => {
    expect(drawWithoutRepeats(candidates, ['a', 'other'], count, 1)).toEqual({ picked: [], used: ['a', 'other'] });
  });
});
