import { describe, expect, test } from 'vitest';
import { paginate, truncate } from '../src/discord-kit/limits.js';

describe('truncate', () => {
  test.each([
    ['text shorter than the limit', 'Kim met Putin.', 20, 'Kim met Putin.'],
    ['text exactly at the limit', 'Kim met Putin.', 14, 'Kim met Putin.'],
    ['an empty text', '', 5, ''],
    ['text over the limit, cut at a space', 'Kim Jong Un visited Russia', 22, 'Kim Jong Un visited…'],
    ['one long word', 'Antidisestablishmentarianism', 10, 'Antidises…'],
    ['a space early in the text only', 'Kim Antidisestablishmentarianism', 12, 'Kim Antidis…'],
    ['a limit of 1', 'Kim', 1, '…'],
    ['an emoji at the cut', 'Verdict:✅✅😀😀', 12, 'Verdict:✅✅…'],
  ])('GIVEN %s THEN %j cut to %d is %j', (_, text, max, expected) => {
    expect(truncate(text, max)).toBe(expected);
  });

  test.each([1, 2, 7, 40, 99, 100, 256, 1024])('GIVEN any text and a limit of %d THEN the result fits', (max) => {
    const words = 'The two old allies, isolated by the West, have been forced to come together again. '.repeat(30);
    for (const text of [words, words.replaceAll(' ', ''), `${'x'.repeat(max)} y`]) {
      const cut = truncate(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      if (text.length > max) expect(cut.endsWith('…')).toBe(true);
    }
  });
});

describe('paginate', () => {
  const block = (n: number, size: number) => `${n}`.padEnd(size, '.');

  test.each([
    ['blocks that fit one page', [block(1, 10), block(2, 10)], 30, [`${block(1, 10)}\n\n${block(2, 10)}`]],
    ['blocks that fit exactly', [block(1, 10), block(2, 10)], 22, [`${block(1, 10)}\n\n${block(2, 10)}`]],
    ['blocks one character too long together', [block(1, 10), block(2, 10)], 21, [block(1, 10), block(2, 10)]],
    ['no blocks', [], 100, ['']],
  ])('GIVEN %s THEN the pages are as expected', (_, blocks, max, pages) => {
    expect(paginate(blocks, max)).toEqual(pages);
  });

  test('GIVEN blocks that each fit THEN none is split, their order is kept and no page is over the limit', () => {
    const blocks = Array.from({ length: 40 }, (_, i) => block(i, 50 + ((i * 37) % 200)));
    const pages = paginate(blocks, 600);
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(600);
    expect(pages.flatMap((page) => page.split('\n\n'))).toEqual(blocks);
  });

  test('GIVEN a custom separator THEN pages join blocks with it', () => {
    expect(paginate(['a', 'b', 'c'], 3, '\n')).toEqual(['a\nb', 'c']);
  });

  test('GIVEN one block longer than a page THEN it is split at spaces, each part within the limit', () => {
    const sentence = 'Moscow and Pyongyang could move toward a more pragmatic military partnership. ';
    const long = sentence.repeat(20).trim();
    const pages = paginate(['Intro.', long, 'Outro.'], 300);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(300);
    expect(pages.length).toBeGreaterThan(5);
    // Only whitespace is lost at the cuts: every word survives, in order.
    expect(pages.join(' ').split(/\s+/)).toEqual(['Intro.', ...long.split(' '), 'Outro.']);
  });

  test('GIVEN a block with no spaces longer than a page THEN it is cut hard at the limit', () => {
    expect(paginate(['x'.repeat(25)], 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });
});
