import type { Logger } from './logger.js';

/**
 * Effect work (posting, editing, filing) runs strictly in order per channel, so
 * a reveal never overtakes the question it edits; a failure is logged with its
 * context, never thrown at a user, and the queue goes on.
 */
export function createChannelQueues(logger: Logger, what: string) {
  const queues = new Map<string, Promise<void>>();
  return {
    enqueue(guildId: string, channelId: string, work: () => Promise<void>): Promise<void> {
      const key = `${guildId}:${channelId}`;
      const run = (queues.get(key) ?? Promise.resolve()).then(work).catch((error: unknown) => {
        logger.error({ err: error, guildId, channelId }, `${what} failed`);
      });
      queues.set(key, run);
      void run.finally(() => {
        if (queues.get(key) === run) queues.delete(key);
      });
      return run;
    },
    /** Whether any work is queued or running. */
    busy(): boolean {
      return queues.size > 0;
    },
    /** Resolves when every queued piece of work has run. */
    async drain(): Promise<void> {
      await Promise.allSettled([...queues.values()]);
    },
  };
}

/**
 * Runs tasks of one key one after another, each handing back its own result
 * (or error) to its caller; a failed task does not stop the ones behind it.
 */
export function createSerial() {
  const chains = new Map<string, Promise<void>>();
  return function serially<R>(key: string, task: () => Promise<R>): Promise<R> {
    const run = (chains.get(key) ?? Promise.resolve()).then(task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    chains.set(key, settled);
    void settled.then(() => {
      if (chains.get(key) === settled) chains.delete(key);
    });
    return run;
  };
}
