import type { Logger } from '../core/logger.js';

/** A failed pass is tried again after 1 s, doubling to 30 s: an outage is waited out, not hammered. */
export const RETRY_MS: RetryDelays = { first: 1000, max: 30_000 };

export interface RetryDelays {
  readonly first: number;
  readonly max: number;
}

export interface ReconcileLoopOptions {
  readonly logger: Logger;
  /** The log line of a failed pass, e.g. "quiz round step failed; retrying". */
  readonly failure: string;
  /** The log field naming what is reconciled (`channelId`, `assignmentId`). */
  readonly field: string;
  /** Work in order per queue (see channel-queues.ts), so passes of one thing never overlap. */
  readonly enqueue: (guildId: string, queue: string, work: () => Promise<void>) => Promise<void>;
  readonly queueOf: (id: string) => string;
  readonly timers: { set(name: string, delayMs: number, run: () => void): void; clear(name: string): void };
  /** The timer a retry is armed on; the runtime's own wake-up timer, so one replaces the other. */
  readonly timerOf: (guildId: string, id: string) => string;
  readonly stopping: () => boolean;
  /** One pass: does what the stored state owes; throws to be retried with backoff. */
  readonly reconcile: (guildId: string, id: string) => Promise<void>;
  /** Backoff delays (default RETRY_MS). */
  readonly retry?: RetryDelays;
}

/**
 * The shared half of the quiz and homework runtimes: `kick` schedules one
 * reconcile pass (a burst of events needs only one more), and a pass that fails
 * is retried with backoff until one succeeds.
 */
export function createReconcileLoop(options: ReconcileLoopOptions) {
  const { logger, timers } = options;
  const retry = options.retry ?? RETRY_MS;
  const attempts = new Map<string, { guildId: string; id: string; count: number }>();
  const queued = new Set<string>();

  function kick(guildId: string, id: string): void {
    const key = `${guildId}:${id}`;
    if (options.stopping() || queued.has(key)) return;
    queued.add(key);
    void options.enqueue(guildId, options.queueOf(id), async () => {
      queued.delete(key);
      if (options.stopping()) return;
      try {
        await options.reconcile(guildId, id);
        attempts.delete(key);
      } catch (error) {
        const attempt = (attempts.get(key)?.count ?? 0) + 1;
        attempts.set(key, { guildId, id, count: attempt });
        const delay = Math.min(retry.max, retry.first * 2 ** (attempt - 1));
        logger.warn({ err: error, guildId, [options.field]: id, attempt, retryInMs: delay }, options.failure);
        timers.set(options.timerOf(guildId, id), delay, () => kick(guildId, id));
      }
    });
  }

  return {
    kick,
    /** Whether a failed pass waits to be tried again. */
    waiting(): boolean {
      return attempts.size > 0;
    },
    /** Runs at once every pass that waits out a backoff (the store is back after an outage). */
    retryNow(): void {
      for (const { guildId, id } of attempts.values()) {
        timers.clear(options.timerOf(guildId, id));
        kick(guildId, id);
      }
    },
  };
}
