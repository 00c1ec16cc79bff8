import { randomBytes } from 'node:crypto';
import type { Difficulty, Pack } from '../../content/schema.js';
import { editOrPost } from '../../discord-kit/channel-messages.js';
import { type ChannelStart, createKernel, type RuntimeDeps } from '../../runtime/kernel.js';
import * as engine from './engine.js';
import { type AnswerResult, createProgressStore } from './progress-store.js';
import { ASSIGNMENT_PREFIX, homeworkAssignmentRecord, homeworkIndexRecord } from './records.js';
import { renderCard } from './render.js';
import {
  ASSIGNMENT_ID,
  type Assignment,
  type CardState,
  INDEX_SIZE,
  type IndexEntry,
  type Progress,
  type QuizItems,
} from './state.js';

/**
 * Runs homework: the pure engine over the store (progress-store.ts), plus the
 * one thing that happens in the channel, the card. The assignment record is
 * the outbox for it: a card not yet posted, or one that no longer shows what
 * it should (due time passed, closed by the host), is owed, and one reconcile
 * per assignment does it, after every change, on a timer armed for the due
 * time, after a failure (with backoff) and at start-up. So a card closes at
 * its due time even when the bot was down then.
 */

const ID_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const ID_LENGTH = 5;

export type HomeworkRuntimeDeps = RuntimeDeps;

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

function newId(): string {
  const bytes = randomBytes(ID_LENGTH);
  return Array.from(bytes, (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
}

export function createHomeworkRuntime(deps: HomeworkRuntimeDeps) {
  const { store, catalogue, messages, logger, now } = deps;
  const progress = createProgressStore(store);
  const itemsCache = new WeakMap<Pack, QuizItems>();

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

  // The assignment record is the outbox: the kernel posts or edits the card `engine.cardOwed` reads from it.
  const kernel = createKernel<Loaded, { readonly card: 'post' | 'edit'; readonly shows: CardState }>(
    {
      name: 'homework card',
      read: load,
      owed: ({ assignment }, at) => {
        const card = engine.cardOwed(assignment, at);
        return card && { card, shows: engine.cardState(assignment, at) };
      },
      perform: (guildId, loaded, work) => showCard(guildId, loaded, work.shows),
      wakeAt: ({ assignment }, at) => engine.cardWakeAt(assignment, at),
    },
    { logger, now, field: 'assignmentId', queueOf: (assignmentId) => `homework:${assignmentId}` },
  );
  const { kick } = kernel;

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

  /** Shows `shows` on the card, editing it in place; a card that is gone (or not posted yet) is posted. */
  async function showCard(guildId: string, { assignment, pack }: Loaded, shows: CardState) {
    const view = renderCard(assignment, pack, shows);
    const messageId = await editOrPost(messages, assignment.channelId, assignment.cardMessageId, view, () =>
      logger.info({ guildId, assignmentId: assignment.id }, 'homework card is gone; posting it again'),
    );
    await setCard(guildId, assignment.id, messageId, shows);
  }

  async function freshId(guildId: string, index: readonly IndexEntry[]): Promise<string> {
    for (;;) {
      const id = newId();
      if (index.some((e) => e.id === id)) continue;
      if (!(await store.read(guildId, homeworkAssignmentRecord(id)))) return id;
    }
  }

  return {
    async assign(input: ChannelStart<AssignOptions>): Promise<AssignOutcome> {
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

    /** Does at once what waits for a retry (the store is back after an outage), instead of at the backoff's end. */
    retryNow(): void {
      kernel.retryNow();
    },

    /** Resolves once no card is queued, being posted, or waiting to be retried. */
    idle(): Promise<void> {
      return kernel.idle();
    },

    /** After a start or restart: every card catches up (a due time passed while down) and its timer is armed. */
    async resume(owns: (guildId: string) => boolean): Promise<number> {
      let count = 0;
      for (const { guildId, key } of await store.listRecords(ASSIGNMENT_PREFIX)) {
        if (!owns(guildId)) continue;
        count += 1;
        kick(guildId, key.slice(ASSIGNMENT_PREFIX.length));
      }
      return count;
    },

    shutdown(): Promise<void> {
      return kernel.stop();
    },
  };
}
