import { describe, expect, test } from 'vitest';
import { type ChunkWriter, createAnswerLog } from '../src/features/quiz/answer-log.js';
import type { Answer } from '../src/features/quiz/state.js';

const T0 = 1_700_000_000_000;

function reply(userId: string, choice = 0, ms = 1_000): Answer {
  return { userId, displayName: `Name ${userId}`, choice, at: T0 + ms, elapsedMs: ms, points: 0, correct: false };
}

interface HeldWrite {
  readonly chunk: number;
  readonly answers: readonly Answer[];
  readonly succeed: () => void;
  readonly fail: (error: unknown) => void;
}

/** A writer whose every chunk waits until the test lets it succeed or fail. */
function heldWriter(): { writes: HeldWrite[]; write: ChunkWriter } {
  const writes: HeldWrite[] = [];
  const write: ChunkWriter = (chunk, answers) =>
    new Promise<void>((resolve, reject) => {
      writes.push({ chunk, answers: [...answers], succeed: () => resolve(), fail: reject });
    });
  return { writes, write };
}

type Outcome = { state: 'pending' } | { state: 'resolved' } | { state: 'rejected'; error: unknown };

/** Watches a promise without letting a rejection go unhandled. */
function watch(promise: Promise<void>): { readonly outcome: Outcome } {
  const watched: { outcome: Outcome } = { outcome: { state: 'pending' } };
  promise.then(
    () => {
      watched.outcome = { state: 'resolved' };
    },
    (error: unknown) => {
      watched.outcome = { state: 'rejected', error };
    },
  );
  return watched;
}

/** Lets every pending promise callback run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function at(writes: readonly HeldWrite[], i: number): HeldWrite {
  const write = writes[i];
  if (!write) throw new Error(`no write #${i} (only ${writes.length})`);
  return write;
}

const users = (answers: readonly Answer[]) => answers.map((a) => a.userId);

describe('createAnswerLog: group commit', () => {
  test('GIVEN a burst of 100 answers while the first write is held THEN two writes: the first answer alone, then 99', async () => {
    const { writes, write } = heldWriter();
    const log = createAnswerLog([], write);
    const names = Array.from({ length: 100 }, (_, i) => `u${i}`);
    const added = names.map((name, i) => watch(log.add(reply(name, i % 4, i))));
    await settle();
    expect(writes).toHaveLength(1);
    at(writes, 0).succeed();
    await settle();
    expect(writes).toHaveLength(2);
    at(writes, 1).succeed();
    await settle();
    expect(writes.map((w) => [w.chunk, w.answers.length])).toEqual([
      [0, 1],
      [1, 99],
    ]);
    expect(users(at(writes, 0).answers)).toEqual(['u0']);
    expect(users(at(writes, 1).answers)).toEqual(names.slice(1));
    expect(added.every((a) => a.outcome.state === 'resolved')).toBe(true);
    expect(users(log.answers)).toEqual(names);
  });

  test('GIVEN answers waiting for their chunk THEN each add resolves only once its own chunk is written', async () => {
    const { writes, write } = heldWriter();
    const log = createAnswerLog([], write);
    const first = watch(log.add(reply('ann')));
    const later = ['bo', 'cy', 'di'].map((name) => watch(log.add(reply(name))));
    await settle();
    expect(first.outcome.state).toBe('pending');
    expect(later.map((a) => a.outcome.state)).toEqual(['pending', 'pending', 'pending']);
    // On their way but not durable: known to get, not among the answers yet.
    expect(log.get('cy')).toMatchObject({ userId: 'cy' });
    expect(log.answers).toEqual([]);

    at(writes, 0).succeed();
    await settle();
    expect(first.outcome.state).toBe('resolved');
    expect(later.map((a) => a.outcome.state)).toEqual(['pending', 'pending', 'pending']);
    expect(users(log.answers)).toEqual(['ann']);
    expect(users(at(writes, 1).answers)).toEqual(['bo', 'cy', 'di']);

    at(writes, 1).succeed();
    await settle();
    expect(later.map((a) => a.outcome.state)).toEqual(['resolved', 'resolved', 'resolved']);
    expect(users(log.answers)).toEqual(['ann', 'bo', 'cy', 'di']);
    expect(writes).toHaveLength(2);
  });

  test('GIVEN a failing write THEN exactly its batch is rejected and forgotten, and the next batch reuses its chunk number', async () => {
    const { writes, write } = heldWriter();
    const log = createAnswerLog([], write);
    const ann = watch(log.add(reply('ann')));
    const batch = ['bo', 'cy'].map((name) => watch(log.add(reply(name))));
    at(writes, 0).succeed();
    await settle();
    expect(at(writes, 1).chunk).toBe(1);
    // Arrives while chunk 1 is being written: it waits for the next chunk.
    const di = watch(log.add(reply('di')));
    const error = new Error('store down');
    at(writes, 1).fail(error);
    await settle();

    expect(ann.outcome).toEqual({ state: 'resolved' });
    expect(batch.map((a) => a.outcome)).toEqual([
      { state: 'rejected', error },
      { state: 'rejected', error },
    ]);
    expect(di.outcome.state).toBe('pending');
    expect(log.get('bo')).toBeUndefined();
    expect(log.get('cy')).toBeUndefined();
    expect(log.get('ann')).toMatchObject({ userId: 'ann' });
    expect(log.get('di')).toMatchObject({ userId: 'di' });
    expect(users(log.answers)).toEqual(['ann']);

    // The failed chunk number goes to the next batch: chunks stay gapless.
    expect(at(writes, 2)).toMatchObject({ chunk: 1 });
    expect(users(at(writes, 2).answers)).toEqual(['di']);
    at(writes, 2).succeed();
    await settle();
    expect(di.outcome.state).toBe('resolved');

    // A forgotten student can answer again, and this time it sticks.
    const again = watch(log.add(reply('bo', 3)));
    await settle();
    expect(at(writes, 3)).toMatchObject({ chunk: 2 });
    at(writes, 3).succeed();
    await settle();
    expect(again.outcome.state).toBe('resolved');
    expect(log.get('bo')?.choice).toBe(3);
    expect(users(log.answers)).toEqual(['ann', 'di', 'bo']);
    expect(writes.map((w) => w.chunk)).toEqual([0, 1, 1, 2]);
  });

  test('GIVEN the very first write fails THEN chunk 0 is written again by the next answer', async () => {
    const { writes, write } = heldWriter();
    const log = createAnswerLog([], write);
    const ann = watch(log.add(reply('ann')));
    at(writes, 0).fail(new Error('timeout'));
    await settle();
    expect(ann.outcome.state).toBe('rejected');
    expect(log.get('ann')).toBeUndefined();
    const bo = watch(log.add(reply('bo')));
    expect(at(writes, 1)).toMatchObject({ chunk: 0 });
    at(writes, 1).succeed();
    await settle();
    expect(bo.outcome.state).toBe('resolved');
    expect(users(log.answers)).toEqual(['bo']);
  });
});

describe('createAnswerLog: stored chunks', () => {
  test('GIVEN stored chunks THEN loaded in order, a student’s first answer winning, new chunks numbered after them', async () => {
    const stored: Answer[][] = [
      [reply('ann', 1, 100), reply('bo', 2, 200)],
      [reply('ann', 3, 300), reply('cy', 0, 400)],
      [reply('di', 1, 500)],
    ];
    const { writes, write } = heldWriter();
    const log = createAnswerLog(stored, write);
    expect(log.answers.map((a) => [a.userId, a.choice])).toEqual([
      ['ann', 1],
      ['bo', 2],
      ['cy', 0],
      ['di', 1],
    ]);
    expect(log.get('ann')).toEqual(reply('ann', 1, 100));
    expect(log.get('ed')).toBeUndefined();
    expect(writes).toEqual([]);

    const ed = watch(log.add(reply('ed')));
    expect(at(writes, 0)).toMatchObject({ chunk: 3 });
    at(writes, 0).succeed();
    await settle();
    expect(ed.outcome.state).toBe('resolved');
    expect(users(log.answers)).toEqual(['ann', 'bo', 'cy', 'di', 'ed']);
  });

  test('GIVEN no stored chunks THEN an empty log whose first chunk is 0', () => {
    const { writes, write } = heldWriter();
    const log = createAnswerLog([], write);
    expect(log.answers).toEqual([]);
    void log.add(reply('ann'));
    expect(writes.map((w) => w.chunk)).toEqual([0]);
    at(writes, 0).succeed();
  });
});

describe('createAnswerLog: settled', () => {
  test('GIVEN nothing written THEN settled resolves at once', async () => {
    const log = createAnswerLog([[reply('ann')]], heldWriter().write);
    await expect(log.settled()).resolves.toBeUndefined();
  });

  test('GIVEN writes in flight and waiting THEN settled resolves only after all of them, whatever their outcome', async () => {
    const { writes, write } = heldWriter();
    const log = createAnswerLog([], write);
    const ann = watch(log.add(reply('ann')));
    const bo = watch(log.add(reply('bo')));
    const settled = watch(log.settled());
    await settle();
    expect(settled.outcome.state).toBe('pending');

    at(writes, 0).succeed();
    await settle();
    // Bo's chunk went out after Ann's: still in flight.
    expect(ann.outcome.state).toBe('resolved');
    expect(settled.outcome.state).toBe('pending');

    at(writes, 1).fail(new Error('store down'));
    await settle();
    expect(bo.outcome.state).toBe('rejected');
    expect(settled.outcome.state).toBe('resolved');
    expect(users(log.answers)).toEqual(['ann']);
  });

  test('GIVEN settled resolved THEN every answer added before it is durable', async () => {
    const { writes, write } = heldWriter();
    const log = createAnswerLog([], write);
    const names = ['ann', 'bo', 'cy'];
    for (const name of names) void log.add(reply(name));
    const done = log.settled();
    // Let each chunk go through as it is written.
    const release = setInterval(() => {
      for (const w of writes) w.succeed();
    }, 1);
    await done;
    clearInterval(release);
    expect(users(log.answers)).toEqual(names);
  });
});
