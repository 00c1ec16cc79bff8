import pino from 'pino';
import { describe, expect, test } from 'vitest';
import { createKernel } from '../src/runtime/kernel.js';

/**
 * The kernel over a feature whose stored state is a list of jobs still owed,
 * with an optional deadline at which one more job falls due.
 */
interface Stored {
  owed: string[];
  dueAt: number | null;
  dueJob: string;
}

function setUp(options: { failures?: number; stuck?: string } = {}) {
  const stored = new Map<string, Stored>();
  const done: string[] = [];
  let failures = options.failures ?? 0;
  const kernel = createKernel<Stored, string>(
    {
      name: 'test',
      read: async (_guildId, id) => stored.get(id) ?? null,
      owed: (state, now) => {
        if (state.dueAt !== null && now >= state.dueAt) return state.dueJob;
        return state.owed[0] ?? null;
      },
      async perform(_guildId, state, job) {
        if (failures > 0) {
          failures -= 1;
          throw new Error('Discord is down');
        }
        done.push(job);
        // A job that cannot be done (its content is gone) is left owed.
        if (job === options.stuck) return;
        if (job === state.dueJob && state.dueAt !== null) state.dueAt = null;
        else state.owed.shift();
      },
      wakeAt: (state) => state.dueAt,
    },
    { logger: pino({ level: 'silent' }), now: Date.now, retry: { first: 5, max: 20 } },
  );
  return { stored, done, kernel };
}

describe('the runtime kernel', () => {
  test('GIVEN jobs owed and a deadline THEN one pass does them in order, and the deadline brings the next', async () => {
    const { stored, done, kernel } = setUp();
    stored.set('c1', { owed: ['post', 'edit'], dueAt: Date.now() + 40, dueJob: 'reveal' });
    kernel.kick('g', 'c1');
    kernel.kick('g', 'c1');
    await kernel.idle();
    expect(done).toEqual(['post', 'edit']);
    for (let i = 0; i < 50 && done.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(done).toEqual(['post', 'edit', 'reveal']);
    await kernel.stop();
  });

  test('GIVEN a job that fails twice THEN it is retried with backoff, and idle waits until it is done', async () => {
    const { stored, done, kernel } = setUp({ failures: 2 });
    stored.set('c1', { owed: ['post'], dueAt: null, dueJob: '' });
    kernel.kick('g', 'c1');
    await kernel.idle();
    expect(done).toEqual(['post']);
    await kernel.stop();
  });

  test('GIVEN a job its work leaves owed THEN the pass does it once and stops instead of spinning', async () => {
    const { stored, done, kernel } = setUp({ stuck: 'post' });
    stored.set('c1', { owed: ['post', 'edit'], dueAt: null, dueJob: '' });
    kernel.kick('g', 'c1');
    await kernel.idle();
    expect(done).toEqual(['post']);
    // The next event tries it again.
    kernel.kick('g', 'c1');
    await kernel.idle();
    expect(done).toEqual(['post', 'post']);
    await kernel.stop();
  });

  test('GIVEN the kernel stopped THEN no pass starts, and what is owed stays stored for start-up', async () => {
    const { stored, done, kernel } = setUp();
    await kernel.stop();
    stored.set('c1', { owed: ['post'], dueAt: null, dueJob: '' });
    kernel.kick('g', 'c1');
    await kernel.idle();
    expect(done).toEqual([]);
    expect(stored.get('c1')?.owed).toEqual(['post']);
  });
});
