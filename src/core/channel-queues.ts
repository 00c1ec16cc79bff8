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
