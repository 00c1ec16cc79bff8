import { randomBytes } from 'node:crypto';
import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';
import type { Catalogue } from '../../content/catalogue.js';
import type { Difficulty, Pack } from '../../content/schema.js';
import { createChannelQueues } from '../../core/channel-queues.js';
import type { Logger } from '../../core/logger.js';
import { createTimers } from '../../core/timers.js';
import type { ChannelMessages } from '../../discord-kit/channel-messages.js';
import { createReconcileLoop } from '../../runtime/reconcile-loop.js';
import type { GuildStore } from '../../store/index.js';
import * as engine from './engine.js';
import { type AnswerResult, createProgressStore } from './progress-store.js';
import { ASSIGNMENT_PREFIX, homeworkAssignmentRecord, homeworkIndexRecord } from './records.js';
import { renderCard } from './render.js';
import { ASSIGNMENT_ID, type Assignment, INDEX_SIZE, type IndexEntry, type Progress, type QuizItems } from './state.js';

/**
 * Runs homework: the pure engine over the store (progress-store.ts), plus the
 * one thing that happens in the channel, the card. The assignment record is
 * the outbox for it: a card not yet posted, or one that no longer shows what
 * it should (due time passed, closed by the host), is owed, and one reconcile
 * per assignment does it, after every change, on a timer armed for the due
 * time, after a failure (with backoff) and at start-up. So a card closes at
 * its due time even when the bot was down then.
 */

/** Retry delays after a failed Discord call or store write: 1 s, doubling, at most 30 s. */
/** setTimeout's longest delay (about 24.8 days); a later due time re-arms when it fires. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;
const ID_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const ID_LENGTH = 5;

export interface HomeworkRuntimeDeps {
  store: GuildStore;
  catalogue: Catalogue;
  messages: ChannelMessages;
  logger: Logger;
  now: () => number;
}

export interface AssignOptions {
  readonly questions: number | null;
  readonly difficulty: Difficulty | null;
  readonly dueAt: number;
  readonly late: boolean;
}

export type AssignOutcome =
  | {
      readonly kind: 'assigned';
      readonly assignment: Assignment;
      readonly fewer: { asked: number; available: number } | null;
    }
  | { readonly kind: 'error'; readonly error: 'empty-bank' | 'count' };

/** An assignment with the content it is about. */
export interface Loaded {
  readonly assignment: Assignment;
  readonly pack: Pack;
  readonly items: QuizItems;
}

export type HomeworkRuntime = ReturnType<typeof createHomeworkRuntime>;

function isUnknownMessage(error: unknown): boolean {
  return error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownMessage;
}

function newId(): string {
  const bytes = randomBytes(ID_LENGTH);
  return Array.from(bytes, (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
}

export function createHomeworkRuntime(deps: HomeworkRuntimeDeps) {
  const { store, catalogue, messages, logger, now } = deps;
  const progress = createProgressStore(store);
  const timers = createTimers();
  const { enqueue, drain } = createChannelQueues(logger, 'homework card');
  const itemsCache = new WeakMap<Pack, QuizItems>();
  let stopping = false;

  function itemsOf(pack: Pack): QuizItems {
    let items = itemsCache.get(pack);
    if (!items) {
      items = new Map(pack.quiz.map((item) => [item.id, item]));
      itemsCache.set(pack, items);
    }
    return items;
  }

  async function load(guildId: string, assignmentId: string): Promise<Loaded | null> {
    const assignment = await store.read(guildId, homeworkAssignmentRecord(assignmentId));
    const pack = assignment ? catalogue.pack(assignment.article) : undefined;
    if (!assignment || !pack) return null;
    return { assignment, pack, items: itemsOf(pack) };
  }

  const loop = createReconcileLoop({
    logger,
    failure: 'homework card failed; retrying',
    field: 'assignmentId',
    enqueue,
    queueOf: (assignmentId) => `homework:${assignmentId}`,
    timers,
    timerOf: (guildId, assignmentId) => `${guildId}:${assignmentId}`,
    stopping: () => stopping,
    reconcile: (guildId, assignmentId) => reconcile(guildId, assignmentId),
  });
  const { kick } = loop;

  /** Kicks the card's reconcile when it no longer shows what it should at `at`. */
  function kickIfOwed(guildId: string, assignment: Assignment, at: number): void {
    if (engine.cardOwed(assignment, Math.max(at, now()))) kick(guildId, assignment.id);
  }

  async function setCard(guildId: string, assignmentId: string, messageId: string, shows: Assignment['cardShows']) {
    await store.update(guildId, homeworkAssignmentRecord(assignmentId), (a) => ({
      value: a ? { ...a, cardMessageId: messageId, cardShows: shows } : a,
      result: null,
    }));
  }

  /** Does what the card owes until it owes nothing now; then arms the timer for the due time. */
  async function reconcile(guildId: string, assignmentId: string): Promise<void> {
    const key = `${guildId}:${assignmentId}`;
    for (;;) {
      const loaded = await load(guildId, assignmentId);
      if (!loaded) {
        timers.clear(key);
        return;
      }
      const { assignment, pack } = loaded;
      const at = now();
      const owed = engine.cardOwed(assignment, at);
      if (!owed) {
        const wake = engine.cardWakeAt(assignment, at);
        if (wake === null) timers.clear(key);
        else timers.set(key, Math.min(wake - at, LONGEST_TIMER_MS), () => kick(guildId, assignmentId));
        return;
      }
      const state = engine.cardState(assignment, at);
      const view = renderCard(assignment, pack, state);
      let messageId = assignment.cardMessageId;
      if (messageId !== null) {
        try {
          await messages.edit(assignment.channelId, messageId, view);
        } catch (error) {
          if (!isUnknownMessage(error)) throw error;
          logger.info({ guildId, assignmentId }, 'homework card is gone; posting it again');
          messageId = null;
        }
      }
      messageId ??= await messages.send(assignment.channelId, view);
      await setCard(guildId, assignmentId, messageId, state);
    }
  }

  async function freshId(guildId: string, index: readonly IndexEntry[]): Promise<string> {
    for (;;) {
      const id = newId();
      if (index.some((e) => e.id === id)) continue;
      if (!(await store.read(guildId, homeworkAssignmentRecord(id)))) return id;
    }
  }

  return {
    async assign(input: {
      guildId: string;
      channelId: string;
      hostId: string;
      pack: Pack;
      options: AssignOptions;
    }): Promise<AssignOutcome> {
      const { guildId, channelId, pack, options } = input;
      const at = now();
      const id = await freshId(guildId, await store.read(guildId, homeworkIndexRecord));
      const made = engine.createAssignment(
        {
          id,
          article: pack.slug,
          channelId,
          hostId: input.hostId,
          items: pack.quiz,
          questions: options.questions,
          difficulty: options.difficulty,
          dueAt: options.dueAt,
          late: options.late,
          seed: randomBytes(4).readUInt32BE(0),
        },
        at,
      );
      if (!made.ok) return { kind: 'error', error: made.error };
      const { assignment } = made;
      await store.put(guildId, homeworkAssignmentRecord(id), assignment);
      const entry: IndexEntry = { id, channelId, article: pack.slug, createdAt: at, dueAt: assignment.dueAt };
      await store.update(guildId, homeworkIndexRecord, (index) => ({
        value: [entry, ...index].slice(0, INDEX_SIZE),
        result: null,
      }));
      kick(guildId, id);
      return { kind: 'assigned', assignment, fewer: made.fewer };
    },

    /** Pressing Start (or My result) on the card; null when the assignment is unknown here. */
    async begin(
      guildId: string,
      assignmentId: string,
      student: engine.Student,
      at: number,
    ): Promise<(Loaded & { readonly outcome: engine.BeginOutcome }) | null> {
      const loaded = await load(guildId, assignmentId);
      if (!loaded) return null;
      kickIfOwed(guildId, loaded.assignment, at);
      return { ...loaded, outcome: await progress.begin(guildId, loaded.assignment, student, at) };
    },

    async answer(
      guildId: string,
      assignmentId: string,
      userId: string,
      event: { readonly position: number; readonly choice: number },
      at: number,
    ): Promise<(Loaded & AnswerResult) | null> {
      const loaded = await load(guildId, assignmentId);
      if (!loaded) return null;
      kickIfOwed(guildId, loaded.assignment, at);
      return { ...loaded, ...(await progress.answer(guildId, loaded.assignment, userId, event, loaded.items, at)) };
    },

    /** A student's progress, for Next, Review and their score. */
    async progressOf(
      guildId: string,
      assignmentId: string,
      userId: string,
    ): Promise<(Loaded & { readonly progress: Progress | null }) | null> {
      const loaded = await load(guildId, assignmentId);
      if (!loaded) return null;
      kickIfOwed(guildId, loaded.assignment, now());
      return { ...loaded, progress: await progress.read(guildId, assignmentId, userId) };
    },

    /** The assignment and every student's progress, for status and report; brings the card up to date too. */
    async everyone(
      guildId: string,
      assignmentId: string,
    ): Promise<(Loaded & { readonly progresses: Progress[] }) | null> {
      const loaded = await load(guildId, assignmentId);
      if (!loaded) return null;
      kickIfOwed(guildId, loaded.assignment, now());
      return { ...loaded, progresses: await progress.readAll(guildId, assignmentId) };
    },

    /** Stops taking answers now; false when it was closed already, null when unknown. */
    async close(guildId: string, assignmentId: string): Promise<boolean | null> {
      const at = now();
      const closed = await store.update(guildId, homeworkAssignmentRecord(assignmentId), (a) => {
        if (!a) return { value: a, result: null };
        if (engine.cardState(a, at) === 'closed' && a.closedAt !== null) return { value: a, result: false };
        return { value: { ...a, closedAt: at }, result: true };
      });
      if (closed !== null) kick(guildId, assignmentId);
      return closed;
    },

    /** The assignment asked for, else the newest one in this channel, else the newest on the server. */
    async find(guildId: string, wanted: string | null, channelId: string): Promise<Assignment | null> {
      if (wanted) {
        const id = wanted.trim().toLowerCase();
        return ASSIGNMENT_ID.test(id) ? store.read(guildId, homeworkAssignmentRecord(id)) : null;
      }
      const index = await store.read(guildId, homeworkIndexRecord);
      const entry = index.find((e) => e.channelId === channelId) ?? index[0];
      return entry ? store.read(guildId, homeworkAssignmentRecord(entry.id)) : null;
    },

    async list(guildId: string): Promise<readonly IndexEntry[]> {
      return store.read(guildId, homeworkIndexRecord);
    },

    /** After a start or restart: every card catches up (a due time passed while down) and its timer is armed. */
    /** Does at once what waits for a retry (the store is back after an outage), instead of at the backoff's end. */
    retryNow(): void {
      loop.retryNow();
    },

    async resume(owns: (guildId: string) => boolean): Promise<number> {
      let count = 0;
      for (const { guildId, key } of await store.listRecords(ASSIGNMENT_PREFIX)) {
        if (!owns(guildId)) continue;
        count += 1;
        kick(guildId, key.slice(ASSIGNMENT_PREFIX.length));
      }
      return count;
    },

    async shutdown(): Promise<void> {
      stopping = true;
      timers.clearAll();
      await drain();
    },
  };
}
