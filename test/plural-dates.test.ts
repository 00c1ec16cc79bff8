import { describe, expect, test } from 'vitest';
import { formatCount, plural } from '../src/core/plural.js';
import { longDate } from '../src/features/reading/render.js';

describe('counts as a reader sees them', () => {
  test.each([
    [0, '0'],
    [7, '7'],
    [999, '999'],
    [1000, '1,000'],
    [12345, '12,345'],
    [1234567, '1,234,567'],
    [-4200, '-4,200'],
    [2.5, '2.5'],
  ])('GIVEN %d THEN it reads %j', (count, text) => {
    expect(formatCount(count)).toBe(text);
    expect(formatCount(count)).toBe(count.toLocaleString('en-US'));
  });

  test('GIVEN one and many THEN the noun agrees', () => {
    expect(plural(1, 'player')).toBe('1 player');
    expect(plural(5000, 'player')).toBe('5,000 players');
    expect(plural(2, 'reply', 'replies')).toBe('2 replies');
  });
});

describe('dates as a reader sees them', () => {
  test.each([
    ['2023-09-15', '15 September 2023'],
    ['2024-01-03', '3 January 2024'],
    ['2023-12', 'December 2023'],
    ['2020', '2020'],
  ])('GIVEN %s THEN it reads %j', (date, text) => {
    expect(longDate(date)).toBe(text);
  });
});
