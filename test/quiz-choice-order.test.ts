import { describe, expect, test } from 'vitest';
import { choiceOrder, shownLetter } from '../src/features/quiz/choice-order.js';

const IDENTITY = [0, 1, 2, 3];

describe('choiceOrder', () => {
  test('GIVEN the same round and question THEN the same order every time (a restart shows what was shown)', () => {
    expect(choiceOrder('lnx8k2ab3f9c', 0, 4)).toEqual(choiceOrder('lnx8k2ab3f9c', 0, 4));
    expect(choiceOrder('lnx8k2ab3f9c', 0, 4)).toEqual([2, 3, 0, 1]);
  });

  test('GIVEN any round THEN the order is a permutation of the choices', () => {
    for (let r = 0; r < 200; r++) {
      for (const count of [1, 2, 3, 4]) {
        const order = choiceOrder(`round${r}`, r % 7, count);
        expect([...order].sort()).toEqual(IDENTITY.slice(0, count));
      }
    }
  });

  test('GIVEN different rounds or questions THEN the orders differ, and the right answer is not always in one place', () => {
    const orders = Array.from({ length: 50 }, (_, r) => choiceOrder(`round${r}`, 0, 4).join(''));
    expect(new Set(orders).size).toBeGreaterThan(10);
    expect(choiceOrder('lnx8k2ab3f9c', 1, 4)).not.toEqual(choiceOrder('lnx8k2ab3f9c', 0, 4));
    // Where choice 0 lands: every position over enough rounds.
    const places = new Set(Array.from({ length: 50 }, (_, r) => choiceOrder(`round${r}`, 0, 4).indexOf(0)));
    expect(places).toEqual(new Set(IDENTITY));
  });

  test('GIVEN no choices THEN an empty order', () => {
    expect(choiceOrder('r', 0, 0)).toEqual([]);
  });
});

describe('shownLetter', () => {
  test('GIVEN an order THEN the letter of the place the choice was shown in', () => {
    expect(shownLetter([2, 0, 3, 1], 2)).toBe('A');
    expect(shownLetter([2, 0, 3, 1], 1)).toBe('D');
  });

  test('GIVEN no order (unknown question) THEN the choice keeps its own letter', () => {
    expect(shownLetter([], 1)).toBe('B');
  });
});
