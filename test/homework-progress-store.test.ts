import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { QuizItem } from '../src/content/schema.js';
import { createLogger } from '../src/core/logger.js';
import { createAssignment } from '../src/features/homework/engine.js';
import { createProgressStore } from '../src/features/homework/progress-store.js';
import { homeworkRosterRecord } from '../src/features/homework/records.js';
import { type Assignment, ROSTER_PAGE } from '../src/features/homework/state.js';
import { type GuildStore, openStore } from '../src/store/index.js';

/** Students' progress in a real SQLite store: the paged roster, and first answers under double clicks. */

const NOW = Date.UTC(2026, 11, 3, 12, 0);
const G = '100';

const ITEMS: QuizItem[] = ['q1', 'q2', 'q3'].map((id) => ({
  id,
  question: `${id}?`,
  choices: ['Right', 'Wrong'],
  answer: 'Right',
  explanation: 'e',
  quote: 'q',
  paragraph: 1,
  difficulty: 'easy',
  type: 'comprehension',
  sources: [],
}));
const MAP = new Map(ITEMS.map((i) => [i.id, i]));

let dir: string;
let store: GuildStore;
let assignment: Assignment;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roundtable-homework-'));
  store = await openStore(`sqlite://${join(dir, 'store.sqlite')}`, createLogger('silent'));
  const made = createAssignment(
    {
      id: 'ab12c',
      article: 'a',
      channelId: 'c',
      hostId: 'h',
      items: ITEMS,
      questions: 3,
      difficulty: null,
      dueAt: NOW + 3_600_000,
      late: false,
      seed: 3,
    },
    NOW,
  );
  if (!made.ok) throw new Error('cannot assign');
  assignment = made.assignment;
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the progress store', () => {
  test('GIVEN more students than a roster page holds THEN they fill pages in turn and all read back once, in order', async () => {
    const progress = createProgressStore(store);
    const count = ROSTER_PAGE * 2 + 50;
    const ids = Array.from({ length: count }, (_, i) => `u${i}`);
    for (const userId of ids) await progress.begin(G, assignment, { userId, displayName: userId }, NOW);
    // A second start by the first student changes nothing.
    expect((await progress.begin(G, assignment, { userId: 'u0', displayName: 'u0' }, NOW)).kind).toBe('resumed');
    const pages = await store.readMany(
      G,
      [0, 1, 2, 3].map((n) => homeworkRosterRecord(assignment.id, n)),
    );
    expect(pages.map((p) => p?.length)).toEqual([ROSTER_PAGE, ROSTER_PAGE, 50, undefined]);
    expect((await progress.readAll(G, assignment.id)).map((p) => p.userId)).toEqual(ids);
  });

  test('GIVEN a double click on one answer THEN one answer is stored and the other is told it was already answered', async () => {
    const progress = createProgressStore(store);
    await progress.begin(G, assignment, { userId: 'u1', displayName: 'u1' }, NOW);
    const [a, b] = await Promise.all([
      progress.answer(G, assignment, 'u1', { position: 0, choice: 1 }, MAP, NOW + 1),
      progress.answer(G, assignment, 'u1', { position: 0, choice: 0 }, MAP, NOW + 2),
    ]);
    expect(a.outcome.kind).toBe('recorded');
    expect(b.outcome).toEqual({ kind: 'already-answered', answer: a.progress?.answers[0] });
    expect((await progress.read(G, assignment.id, 'u1'))?.answers).toEqual([
      { questionId: a.progress?.order[0], choice: 1, correct: false, at: NOW + 1, late: false },
    ]);
  });

  test('GIVEN a student who never started THEN an answer is refused and nothing is stored', async () => {
    const progress = createProgressStore(store);
    const result = await progress.answer(G, assignment, 'nobody', { position: 0, choice: 0 }, MAP, NOW);
    expect(result).toEqual({ outcome: { kind: 'invalid' }, progress: null });
    expect(await progress.readAll(G, assignment.id)).toEqual([]);
  });
});
