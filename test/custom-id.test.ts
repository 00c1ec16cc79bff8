import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { decodeId, encodeId, parseArgs } from '../src/discord-kit/custom-id.js';
import { UserError } from '../src/discord-kit/errors.js';

describe('encodeId and decodeId', () => {
  test.each([
    ['quiz-answer', ['r1a2b3', 0, 3], 'quiz-answer:r1a2b3:0:3'],
    ['article-page', [2, '0', 'kim-putin-2023'], 'article-page:2:0:kim-putin-2023'],
    [
      'question-next',
      ['kim-putin-2023', 'evidence-and-media-literacy', '-'],
      'question-next:kim-putin-2023:evidence-and-media-literacy:-',
    ],
    ['help', [], 'help'],
    ['quiz-stop', [''], 'quiz-stop:'],
    ['x', [1.5, -2, 'A_b.C'], 'x:1.5:-2:A_b.C'],
  ] as const)('GIVEN %s with %j THEN the id is %s and decodes back to the same parts', (action, args, id) => {
    expect(encodeId(action, ...args)).toBe(id);
    expect(decodeId(id)).toEqual({ action, args: args.map(String) });
  });

  test('GIVEN an id of exactly 100 characters THEN it encodes and decodes', () => {
    const arg = 'a'.repeat(100 - 'quiz-reset:'.length);
    const id = encodeId('quiz-reset', arg);
    expect(id).toHaveLength(100);
    expect(decodeId(id)).toEqual({ action: 'quiz-reset', args: [arg] });
  });

  test.each([
    ['an upper-case action', () => encodeId('Quiz', 1), 'invalid component action Quiz'],
    ['an action starting with a digit', () => encodeId('1quiz'), 'invalid component action 1quiz'],
    ['an action of 21 characters', () => encodeId('a'.repeat(21)), `invalid component action ${'a'.repeat(21)}`],
    ['an argument holding the separator', () => encodeId('quiz', 'a:b'), 'invalid component id part a:b'],
    ['an argument with a space', () => encodeId('quiz', 'a b'), 'invalid component id part a b'],
    ['an id of 101 characters', () => encodeId('quiz', 'a'.repeat(96)), /^component id too long: /],
  ])('GIVEN %s THEN encodeId refuses to build a button that could not work', (_, build, message) => {
    expect(build).toThrow(message);
  });

  test.each([
    ['an empty id', ''],
    ['an id over 100 characters', `quiz:${'a'.repeat(96)}`],
    ['an upper-case action', 'QUIZ-ANSWER:r1:0:1'],
    ['an empty action', ':r1:0'],
    ['an action with a dot', 'quiz.answer:r1'],
    ['an argument with a space', 'quiz-answer:r1:0:1 2'],
    ['an argument with a slash', 'article-page:0:0:../secret'],
    ['an argument with a non-ASCII letter', 'article-page:0:0:kïm'],
    ['a JSON blob', '{"action":"quiz-reset"}'],
  ])('GIVEN %s (forged or malformed) THEN decodeId returns null', (_, id) => {
    expect(decodeId(id)).toBeNull();
  });
});

describe('parseArgs', () => {
  const Args = z.tuple([z.string().min(1), z.string().regex(/^\d+$/).transform(Number)]);

  test('GIVEN arguments matching the schema THEN they come back parsed', () => {
    expect(parseArgs(Args, ['r1', '3'])).toEqual(['r1', 3]);
  });

  test.each([
    ['too few arguments', ['r1']],
    ['too many arguments', ['r1', '3', 'extra']],
    ['a word where a number belongs', ['r1', 'three']],
    ['an empty argument', ['', '3']],
  ])('GIVEN %s THEN a UserError tells the student to run the command again', (_, args) => {
    let thrown: unknown;
    try {
      parseArgs(Args, args);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UserError);
    expect(thrown instanceof Error && thrown.message).toBe(
      'This button is not one Roundtable understands. Run the command again to get a fresh one.',
    );
  });
});
