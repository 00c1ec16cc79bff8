import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { VALID_CONTENT } from './fixtures/content-fixture.js';

const run = promisify(execFile);
const TSX = join('node_modules', '.bin', 'tsx');

test('GIVEN the CLI with a content dir THEN it checks that dir and exits 0', async () => {
  const { stdout } = await run(TSX, ['src/bin/content-check.ts', VALID_CONTENT]);
  expect(stdout).toBe(
    'harbour-vote: 11 sources, 13 claims, 2 questions, 8 quiz items, 17 terms; the answer is the longest choice in 2 of 8 quiz items (25%)\n',
  );
});

test('GIVEN the CLI with a missing dir THEN it prints the error, no stack trace, and exits 1', async () => {
  const failure = await run(TSX, ['src/bin/content-check.ts', 'no-such-content']).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toMatchObject({
    code: 1,
    stdout: 'no-such-content:1:1 (root): content folder not found\n',
    stderr: '',
  });
});
