import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { choiceIndex, decodeId, defineButton, encodeId, idNumber } from '../src/discord-kit/custom-id.js';

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

describe('defineButton', () => {
  const codec = defineButton('quiz-answer', { roundId: z.string().min(1), index: idNumber(2), choice: choiceIndex });

  test('GIVEN arguments THEN the id carries them in the order of the shape, as ids already posted do', () => {
    const id = codec.encode({ roundId: 'r1', index: 3, choice: 2 });
    expect(id).toBe('quiz-answer:r1:3:2');
    expect(codec.decode(decodeId(id)?.args ?? [])).toEqual({ roundId: 'r1', index: 3, choice: 2 });
  });

  test.each([
    ['too few parts', ['r1', '3']],
    ['too many parts', ['r1', '3', '2', 'extra']],
    ['a word where a number belongs', ['r1', 'three', '2']],
    ['a choice past D', ['r1', '3', '4']],
    ['an empty part', ['', '3', '2']],
  ])('GIVEN %s (forged or outdated) THEN decode returns null', (_, parts) => {
    expect(codec.decode(parts)).toBeNull();
  });

  test('GIVEN a value the id cannot carry THEN encode refuses to build the button', () => {
    expect(() => codec.encode({ roundId: 'a:b', index: 1, choice: 0 })).toThrow('invalid component id part a:b');
  });
});
