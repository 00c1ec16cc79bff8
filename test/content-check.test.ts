import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { runCheck } from '../src/bin/content-check.js';
import { copyContent, removeTempDirs, replaceLine, VALID_CONTENT } from './fixtures/content-fixture.js';

afterEach(removeTempDirs);

async function check(dir: string): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runCheck(dir, (line) => lines.push(line));
  return { code, lines };
}

test('GIVEN valid content THEN it prints one line per pack and returns 0', async () => {
  expect(await check(VALID_CONTENT)).toEqual({
    code: 0,
    lines: [
      'harbour-vote: 11 sources, 13 claims, 2 questions, 8 quiz items, 17 terms; the answer is the longest choice in 2 of 8 quiz items (25%)',
    ],
  });
});

test('GIVEN broken content THEN it prints each error and returns 1', async () => {
  const dir = await copyContent();
  await replaceLine(join(dir, 'harbour-vote', 'quiz.yaml'), 8, '    answer: 7 to 2', '    answer: 7-2');
  await replaceLine(join(dir, 'harbour-vote', 'claims.yaml'), 21, '    hedges: [about]', '    hedges: [roughly]');
  expect(await check(dir)).toEqual({
    code: 1,
    lines: [
      `${dir}/harbour-vote/claims.yaml:21:14 claims[1].hedges[0]: "roughly" not found in the claim's quote`,
      `${dir}/harbour-vote/quiz.yaml:8:5 quiz[0].answer: must be one of the choices`,
    ],
  });
});

test('GIVEN a missing content dir THEN it prints the error and returns 1', async () => {
  expect(await check('no-such-content')).toEqual({
    code: 1,
    lines: ['no-such-content:1:1 (root): content folder not found'],
  });
});
