import type { Catalogue } from '../content/catalogue.js';
import type { Pack } from '../content/schema.js';
import { createChannelQueues } from '../core/channel-queues.js';
import type { Logger } from '../core/logger.js';
import { createTimers } from '../core/timers.js';
import type { ChannelMessages } from '../discord-kit/channel-messages.js';
import type { GuildStore } from '../store/index.js';
import { createReconcileLoop, RETRY_MS, type RetryDelays } from './reconcile-loop.js';

/** setTimeout's longest delay (about 24.8 days); a later deadline re-arms when the timer fires. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;
/** How often `idle` looks again while a failed pass waits out its backoff. */
const IDLE_POLL_MS = 10;

/** What the runtime of every feature that acts in channels is made with. */
export interface RuntimeDeps {
  store: GuildStore;
  catalogue: Catalogue;
  messages: ChannelMessages;
  logger: Logger;
  now: () => number;
}

/** A host starting a round, a session or an assignment in a channel, with the feature's own options. */
export interface ChannelStart<O> {
  guildId: string;
  channelId: string;
  hostId: string;
  pack: Pack;
  options: O;
}

/**
 * What a feature tells the kernel: how to read its stored state, what that
 * state still owes, how to do it, and when it will owe something next. The
 * feature's own code never decides when to act; the kernel runs `perform`.
 */
export interface Feature<S, W> {
  /** Names it in logs: "quiz round", "session". */
  readonly name: string;
  read(guildId: string, id: string): Promise<S | null>;
  /** The next piece of owed work, or null when nothing is owed now. Pure. */
  owed(state: S, now: number): W | null;
  /**
   * Does `work`, storing that it is done; throws to be retried with backoff.
   * Work that leaves itself owed (its content is gone, say) is not tried again
   * in the same pass.
   */
  perform(guildId: string, state: S, work: W): Promise<void>;
  /** When this state will next owe something by itself (a stored deadline), or null. */
  wakeAt(state: S, now: number): number | null;
  /** Told of the state each pass reads (null: nothing is stored any more). */
  seen?(guildId: string, id: string, state: S | null): void;
}

export interface KernelOptions {
  readonly logger: Logger;
  readonly now: () => number;
  /** The log field naming what is reconciled (default `channelId`). */
  readonly field?: string;
  /** The queue an id's passes run on (default: the id itself, a channel). */
  readonly queueOf?: (id: string) => string;
  readonly retry?: RetryDelays;
  /** The feature's own work in flight outside passes (writes, edits), for `idle`. */
  readonly inFlight?: () => Iterable<Promise<unknown>>;
}

export type Kernel = ReturnType<typeof createKernel>;

/**
 * The runtime kernel of quiz rounds, discussion sessions and homework cards.
 * The stored state is the outbox: one pass per id reads it, does what it owes
 * (`Feature.owed` → `perform`) until it owes nothing now, then arms the id's one
 * timer from its stored deadline (`wakeAt`). A pass that throws is retried with
 * backoff. Passes of one id run in order on its queue, with any other work
 * `run` puts there, so two never overlap. The same pass runs after every event
 * (`act`, `kick`), on the timer, after a failure and at start-up.
 */
export function createKernel<S, W>(feature: Feature<S, W>, options: KernelOptions) {
  const { logger, now } = options;
  const field = options.field ?? 'channelId';
  const queueOf = options.queueOf ?? ((id: string) => id);
  const timers = createTimers();
  const queues = createChannelQueues(logger, `${feature.name} reconcile`);
  const wake = (guildId: string, id: string) => `${guildId}:${id}:wake`;
  let stopping = false;

  const loop = createReconcileLoop({
    logger,
    failure: `${feature.name} step failed; retrying`,
    field,
    enqueue: queues.enqueue,
    queueOf,
    timers,
    timerOf: wake,
    stopping: () => stopping,
    reconcile: pass,
    retry: options.retry ?? RETRY_MS,
  });

  async function pass(guildId: string, id: string): Promise<void> {
    const done = new Set<string>();
    for (;;) {
      const state = await feature.read(guildId, id);
      feature.seen?.(guildId, id, state);
      if (state === null) {
        timers.clear(wake(guildId, id));
        return;
      }
      const at = now();
      const work = feature.owed(state, at);
      const key = work === null ? null : JSON.stringify(work);
      if (work === null || key === null || done.has(key)) {
        arm(guildId, id, feature.wakeAt(state, at), at);
        return;
      }
      done.add(key);
      await feature.perform(guildId, state, work);
    }
  }

  function arm(guildId: string, id: string, next: number | null, at: number): void {
    if (next === null) timers.clear(wake(guildId, id));
    else timers.set(wake(guildId, id), Math.min(next - at, LONGEST_TIMER_MS), () => loop.kick(guildId, id));
  }

  return {
    /** Schedules a pass (a burst of kicks needs only one more). */
    kick: loop.kick,
    /** Runs at once every pass that waits out a backoff (the store is back after an outage). */
    retryNow: loop.retryNow,
    /** Named timers of the feature's own (a count refresh, say); stopped with the kernel. */
    timers,
    /** Runs other work of an id on its queue, in order with its passes. */
    run(guildId: string, id: string, work: () => Promise<void>): Promise<void> {
      return queues.enqueue(guildId, queueOf(id), work);
    },
    /** Resolves once what is queued for an id now has run. */
    settled(guildId: string, id: string): Promise<void> {
      return queues.enqueue(guildId, queueOf(id), async () => {});
    },
    /** An event: stores what it changes, then a pass carries out what the change owes. */
    async act<R>(guildId: string, id: string, change: () => Promise<R>): Promise<R> {
      const result = await change();
      loop.kick(guildId, id);
      return result;
    },
    get stopping(): boolean {
      return stopping;
    },
    /**
     * Resolves once nothing is queued, in flight, or waiting out a backoff to be
     * tried again; a pass that keeps failing keeps it waiting. Armed deadlines
     * do not count: they owe nothing yet.
     */
    async idle(): Promise<void> {
      for (;;) {
        await queues.drain();
        await Promise.allSettled(options.inFlight?.() ?? []);
        if (queues.busy()) continue;
        if (stopping || !loop.waiting()) return;
        await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
      }
    },
    /** No pass starts any more; waits for those in flight (the stored state keeps the rest). */
    async stop(): Promise<void> {
      stopping = true;
      timers.clearAll();
      await queues.drain();
      // A pass that failed while draining armed its retry: the stored state keeps that too.
      timers.clearAll();
    },
  };
}
