import { randomBytes } from 'node:crypto';
import type { Pack, QuizItem } from '../../content/schema.js';
import { plural } from '../../core/plural.js';
import { editIfThere, editOrPost } from '../../discord-kit/channel-messages.js';
import type { MessageView } from '../../discord-kit/reply.js';
import { type ChannelStart, createKernel, type RuntimeDeps } from '../../runtime/kernel.js';
import { type AnswerLog, createAnswerLog } from './answer-log.js';
import { choiceOrder } from './choice-order.js';
import * as engine from './engine.js';
import { migrateLegacyLive } from './legacy.js';
import { quizAnswersRecord, quizArchiveRecord, quizRoundRecord, quizTotalsRecord, quizUsedRecord } from './records.js';
import { renderQuestion, renderReveal, renderStandings, TOP_AFTER_REVEAL } from './render.js';
import { personalResult, personalResults, personalResultText, topWithMovement } from './results.js';
import { revealView } from './reveal.js';
import { createHistoryEntry, foldRound, roundScores, roundStandings } from './standings.js';
import type { Answer, QuizControl, QuizItems, QuizRound } from './state.js';

/**
 * Runs quiz rounds. State is split by how it grows: each channel's round is a
 * small control record, rewritten only when the round changes step; answers are
 * chunks appended per question (see answer-log.ts), so a click costs the same at
 * any count. The control record is the outbox: one reconcile per channel reads
 * what it still owes (a question to post, a reveal to show, the next question,
 * scores to file, standings to post) and does it, after every event, on the
 * channel's one timer, after a failure (with backoff) and at start-up.
 *
 * Everything in memory here (answer logs, timers) assumes this process owns the
 * server's state: the ownership lease taken at start-up (see startup.ts) makes it so.
 */

export const HISTORY_SIZE = 50;
/** How often, at most, a question's "answered" count is edited. */
export const COUNT_REFRESH_MS = 3000;
/** How many chunk keys one store round trip asks for when a question's answers are read back. */
const CHUNK_PAGE = 32;
/**
 * Personal results edited into acknowledgements per reveal, and how many at
 * once. Past the cap (a school-wide round) the rest use the reveal's "My result"
 * button: the edits must not hold up the next question.
 */
export const PERSONAL_EDITS = { max: 5000, concurrency: 16 } as const;
/** Interaction tokens last 15 minutes; an acknowledgement older than this is left alone. */
const ACK_TTL_MS = 14 * 60_000;

/** A student's ephemeral acknowledgement, to edit their result into at the reveal. */
/** A click's reply, with the clicked question's choice order (empty when unknown) so the reply names the letter the student saw. */
export interface AnswerOutcome {
  readonly reply: engine.AnswerReply;
  readonly order: readonly number[];
}

export interface AnswerAck {
  readonly applicationId: string;
  readonly token: string;
}

export type StartOutcome =
  | { kind: 'started'; round: QuizControl; note: string | null }
  | { kind: 'busy'; round: QuizControl; messageId: string | null; reposted: boolean }
  | { kind: 'error'; error: engine.StartError };

export type QuizRuntimeDeps = RuntimeDeps;

export type QuizRuntime = ReturnType<typeof createQuizRuntime>;

export function createQuizRuntime(deps: QuizRuntimeDeps) {
  const { store, catalogue, messages, logger, now } = deps;
  const itemsCache = new WeakMap<Pack, QuizItems>();
  const logs = new Map<string, Promise<AnswerLog>>();
  // Channels with a round this process is running, per server: for findRound and shutdown.
  const liveChannels = new Map<string, Set<string>>();
  // The answered count each question or reveal message last showed, to skip edits that change nothing.
  const shownCounts = new Map<string, number>();
  // Acknowledgements per question (guild:round:index), first answer only; in memory: a token is a short-lived secret.
  const acks = new Map<string, Map<string, AnswerAck & { at: number }>>();
  const notifying = new Set<Promise<void>>();

  function itemsOf(slug: string): { pack: Pack | undefined; items: QuizItems } {
    const pack = catalogue.pack(slug);
    if (!pack) return { pack, items: new Map() };
    let items = itemsCache.get(pack);
    if (!items) {
      items = new Map(pack.quiz.map((item) => [item.id, item]));
      itemsCache.set(pack, items);
    }
    return { pack, items };
  }

  function itemAt(round: QuizControl, index: number): { item: QuizItem | undefined; title: string } {
    const { pack, items } = itemsOf(round.article);
    return { item: items.get(round.questionIds[index] ?? ''), title: pack?.article.shortTitle ?? round.article };
  }

  async function readChunks(guildId: string, roundId: string, index: number): Promise<Answer[][]> {
    const chunks: Answer[][] = [];
    for (;;) {
      const page = Array.from({ length: CHUNK_PAGE }, (_, i) => quizAnswersRecord(roundId, index, chunks.length + i));
      const found = await store.readMany(guildId, page);
      for (const chunk of found) {
        if (chunk === undefined) return chunks;
        chunks.push(chunk);
      }
    }
  }

  /** The answer log of one question, read back from its chunks the first time it is needed. */
  function logOf(guildId: string, roundId: string, index: number): Promise<AnswerLog> {
    const key = `${guildId}:${roundId}:${index}`;
    let log = logs.get(key);
    if (!log) {
      log = readChunks(guildId, roundId, index).then((chunks) =>
        createAnswerLog(chunks, (chunk, answers) =>
          store.put(guildId, quizAnswersRecord(roundId, index, chunk), [...answers]),
        ),
      );
      // A failed read is not cached: the next click tries again.
      log.catch(() => logs.delete(key));
      logs.set(key, log);
    }
    return log;
  }

  function forgetLogs(guildId: string, roundId: string): void {
    const prefix = `${guildId}:${roundId}:`;
    for (const key of logs.keys()) if (key.startsWith(prefix)) logs.delete(key);
    for (const key of shownCounts.keys()) if (key.startsWith(prefix)) shownCounts.delete(key);
    for (const key of acks.keys()) if (key.startsWith(prefix)) acks.delete(key);
  }

  /** The archive holds every answer now: the chunks would only slow down start-up listings. */
  async function dropChunks(guildId: string, round: QuizControl): Promise<void> {
    for (let index = 0; index <= round.index; index++) {
      const log = await logOf(guildId, round.roundId, index);
      await Promise.all(
        Array.from({ length: log.chunks }, (_, chunk) =>
          store.delete(guildId, quizAnswersRecord(round.roundId, index, chunk)),
        ),
      );
    }
  }

  /** The round with every answer given so far. */
  async function assemble(guildId: string, round: QuizControl): Promise<QuizRound> {
    const answers = await Promise.all(
      round.questionIds.map(async (_, i) => {
        if (i > round.index) return [];
        const log = await logOf(guildId, round.roundId, i);
        await log.settled();
        return [...log.answers];
      }),
    );
    return { ...round, answers };
  }

  /** The round as the current question's message shows it: only that question's answers are needed. */
  function withCurrentAnswers(round: QuizControl, answers: readonly Answer[]): QuizRound {
    return { ...round, answers: round.questionIds.map((_, i) => (i === round.index ? [...answers] : [])) };
  }

  function track(guildId: string, channelId: string, live: boolean): void {
    const channels = liveChannels.get(guildId);
    if (live) {
      if (channels) channels.add(channelId);
      else liveChannels.set(guildId, new Set([channelId]));
    } else {
      channels?.delete(channelId);
      if (channels?.size === 0) liveChannels.delete(guildId);
    }
  }

  async function write(
    guildId: string,
    channelId: string,
    change: (round: QuizControl) => QuizControl,
    roundId: string,
  ): Promise<void> {
    await store.update(guildId, quizRoundRecord(channelId), (round) => {
      if (!round || round.roundId !== roundId) return { value: round, result: null };
      return { value: change(round), result: null };
    });
  }

  // The round record is the outbox: the kernel runs `perform` for what `engine.owed` reads from it.
  const kernel = createKernel<QuizControl, engine.Owed>(
    {
      name: 'quiz round',
      read: (guildId, channelId) => store.read(guildId, quizRoundRecord(channelId)),
      seen: (guildId, channelId, round) => track(guildId, channelId, round !== null),
      owed: engine.owed,
      perform: (guildId, round, work) => perform(guildId, round, work),
      wakeAt: engine.wakeAt,
    },
    {
      logger,
      now,
      inFlight: () => [...notifying, ...[...logs.values()].map(async (log) => (await log).settled())],
    },
  );
  const { kick, timers } = kernel;

  async function perform(guildId: string, round: QuizControl, work: engine.Owed): Promise<void> {
    const { channelId, roundId } = round;
    switch (work.kind) {
      case 'post-question': {
        const { item } = itemAt(round, work.index);
        if (!item) {
          // The content changed under a running round: skip to the reveal so the round can go on.
          logger.warn({ guildId, roundId, index: work.index }, 'quiz item missing from the content');
          await write(
            guildId,
            channelId,
            (r) => engine.close(r, { index: work.index, by: 'host' }, now()).state,
            roundId,
          );
          return;
        }
        const rendered = await renderCurrent(guildId, round, await logOf(guildId, roundId, work.index));
        if (!rendered) return;
        const messageId = await messages.send(channelId, rendered);
        await write(guildId, channelId, (r) => engine.setQuestionMessage(r, { index: work.index, messageId }), roundId);
        return;
      }
      case 'close':
        await write(
          guildId,
          channelId,
          (r) => engine.close(r, { index: work.index, by: 'timer' }, now()).state,
          roundId,
        );
        return;
      case 'show-reveal': {
        await showReveal(guildId, round, work.index);
        await write(guildId, channelId, (r) => engine.markRevealShown(r, work.index), roundId);
        notifyResults(guildId, round, work.index);
        return;
      }
      case 'retire-previous': {
        await retire(guildId, round, work.index, work.messageId);
        await write(guildId, channelId, (r) => engine.markPreviousRetired(r, work.messageId), roundId);
        return;
      }
      case 'advance':
        await write(guildId, channelId, (r) => engine.next(r, { index: work.index }, now()).state, roundId);
        return;
      case 'file':
        await file(guildId, round);
        await write(guildId, channelId, engine.markFiled, roundId);
        return;
      case 'post-standings': {
        const full = await assemble(guildId, round);
        await messages.send(channelId, renderStandings(full, roundStandings(full), roundScores(full).length));
        await write(guildId, channelId, engine.markStandingsShown, roundId);
        return;
      }
      case 'remove':
        await store.update(guildId, quizRoundRecord(channelId), (r) => ({
          value: r?.roundId === roundId ? null : r,
          result: null,
        }));
        timers.clear(`${guildId}:${channelId}:count`);
        await dropChunks(guildId, round);
        forgetLogs(guildId, roundId);
        return;
    }
  }

  /**
   * The current question's message as it should look now: the question while it
   * is open, its reveal once closed. Notes the count it shows, so a refresh that
   * would change nothing is skipped. Null when the item left the content.
   */
  async function renderCurrent(guildId: string, round: QuizControl, log: AnswerLog): Promise<MessageView | null> {
    const { item, title } = itemAt(round, round.index);
    if (!item) return null;
    shownCounts.set(`${guildId}:${round.roundId}:${round.index}`, log.answers.length);
    if (round.phase === 'question-open') return renderQuestion(withCurrentAnswers(round, log.answers), item, title);
    return renderRevealOf(await assemble(guildId, round), round.index);
  }

  /** The reveal of question `index`; its host buttons show only while it is the current question of a live round. */
  function renderRevealOf(full: QuizRound, index: number): MessageView | null {
    const { item, title } = itemAt(full, index);
    const view = revealView(full, index, itemsOf(full.article).items);
    if (!item || !view) return null;
    return renderReveal(full, item, view, title, topWithMovement(full, index, TOP_AFTER_REVEAL));
  }

  /** The previous question's reveal without its host buttons; one already gone is left gone. */
  async function retire(guildId: string, round: QuizControl, index: number, messageId: string): Promise<void> {
    const rendered = renderRevealOf(await assemble(guildId, round), index);
    if (rendered) await editIfThere(messages, round.channelId, messageId, rendered);
  }

  /**
   * Tells each student who answered question `index` how they did, in their own
   * acknowledgement. Best effort and off the round's path: a failed edit leaves
   * the "My result" button, and nothing here delays the next step.
   */
  function notifyResults(guildId: string, round: QuizControl, index: number): void {
    const key = `${guildId}:${round.roundId}:${index}`;
    const pending = acks.get(key);
    if (!pending || pending.size === 0) return;
    acks.delete(key);
    const task = (async () => {
      const full = await assemble(guildId, round);
      const items = itemsOf(round.article).items;
      const fresh = [...pending].filter(([, ack]) => now() - ack.at < ACK_TTL_MS).slice(0, PERSONAL_EDITS.max);
      const results = personalResults(
        full,
        index,
        fresh.map(([userId]) => userId),
        items,
      );
      let next = 0;
      let failed = 0;
      const worker = async () => {
        while (next < fresh.length && !kernel.stopping) {
          const entry = fresh[next++];
          if (!entry) break;
          const [userId, ack] = entry;
          const result = results.get(userId);
          if (!result) continue;
          const content = personalResultText(result);
          try {
            await messages.editOriginal(ack.applicationId, ack.token, { content, components: [] });
          } catch {
            failed += 1;
          }
        }
      };
      await Promise.all(Array.from({ length: PERSONAL_EDITS.concurrency }, worker));
      if (failed > 0 || pending.size > fresh.length) {
        logger.info(
          {
            guildId,
            roundId: round.roundId,
            index,
            edited: fresh.length - failed,
            skipped: pending.size - fresh.length + failed,
          },
          'some personal results left to the My result button',
        );
      }
    })().catch((error: unknown) =>
      logger.warn({ err: error, guildId, roundId: round.roundId }, 'personal results failed'),
    );
    notifying.add(task);
    void task.finally(() => notifying.delete(task));
  }

  /** Edits the question into its reveal; a question message that is gone gets the reveal as a new message. */
  async function showReveal(guildId: string, round: QuizControl, index: number): Promise<void> {
    const log = await logOf(guildId, round.roundId, index);
    // Answers still being written belong in the reveal.
    await log.settled();
    const rendered = await renderCurrent(guildId, round, log);
    if (!rendered) return;
    const messageId = await editOrPost(messages, round.channelId, round.questionMessageId, rendered, () =>
      logger.info({ guildId, roundId: round.roundId, index }, 'question message is gone; posting the reveal anew'),
    );
    if (messageId === round.questionMessageId) return;
    await write(guildId, round.channelId, (r) => engine.setQuestionMessage(r, { index, messageId }), round.roundId);
  }

  /** Files a finished round: archive, then totals (once, keyed by round id). */
  async function file(guildId: string, control: QuizControl): Promise<void> {
    const round = await assemble(guildId, control);
    await store.put(guildId, quizArchiveRecord(round.roundId), round);
    const dropped = await store.update(guildId, quizTotalsRecord, (totals) => {
      if (totals.history.some((h) => h.roundId === round.roundId)) return { value: totals, result: [] };
      const entry = createHistoryEntry(round);
      if (!entry) return { value: totals, result: [] };
      const history = [entry, ...totals.history];
      return {
        value: { scores: foldRound(totals.scores, round), history: history.slice(0, HISTORY_SIZE) },
        result: history.slice(HISTORY_SIZE).map((h) => h.roundId),
      };
    });
    for (const old of dropped) await store.delete(guildId, quizArchiveRecord(old));
  }

  /** Re-renders the current question (or its reveal) when answers arrived since it was last shown. */
  function scheduleCountRefresh(guildId: string, channelId: string): void {
    const key = `${guildId}:${channelId}:count`;
    if (timers.has(key) || kernel.stopping) return;
    timers.set(key, COUNT_REFRESH_MS, () => {
      void kernel.run(guildId, channelId, async () => {
        const round = await store.read(guildId, quizRoundRecord(channelId));
        if (!round || round.phase === 'finished' || round.questionMessageId === null) return;
        if (round.phase === 'question-closed' && !round.revealShown) return;
        const log = await logOf(guildId, round.roundId, round.index);
        if (shownCounts.get(`${guildId}:${round.roundId}:${round.index}`) === log.answers.length) return;
        const rendered = await renderCurrent(guildId, round, log);
        // Only a count: one whose message is gone waits for the next step of the round.
        if (rendered) await editIfThere(messages, channelId, round.questionMessageId, rendered);
      });
    });
  }

  /**
   * A running round whose current message is gone (deleted by a moderator) owes
   * it again: reconcile reposts the question, or its reveal. True when it did.
   */
  async function repair(guildId: string, round: QuizControl): Promise<boolean> {
    const messageId = round.questionMessageId;
    if (messageId === null || (await messages.exists(round.channelId, messageId))) return false;
    logger.info({ guildId, roundId: round.roundId, index: round.index }, 'question message is gone; posting it again');
    await write(guildId, round.channelId, (r) => engine.messageLost(r, messageId), round.roundId);
    kick(guildId, round.channelId);
    return true;
  }

  /** Applies a host event to the channel's round, then lets reconcile carry out what it owes. */
  function step<R>(
    guildId: string,
    channelId: string,
    event: (round: QuizControl) => engine.Outcome<R>,
  ): Promise<R | null> {
    return kernel.act(guildId, channelId, () =>
      store.update(guildId, quizRoundRecord(channelId), (round) => {
        if (!round) return { value: round, result: null };
        const outcome = event(round);
        return { value: outcome.state, result: outcome.reply };
      }),
    );
  }

  return {
    async start(input: ChannelStart<engine.StartOptions>): Promise<StartOutcome> {
      const { guildId, channelId, pack } = input;
      const record = quizRoundRecord(channelId);
      const busy = async (round: QuizControl): Promise<StartOutcome> => ({
        kind: 'busy',
        round,
        messageId: round.questionMessageId,
        reposted: await repair(guildId, round),
      });
      const running = await store.read(guildId, record);
      if (running && engine.isRoundActive(running)) return busy(running);
      const difficulty = input.options.difficulty ?? null;
      const bank = pack.quiz.filter((i) => difficulty === null || i.difficulty === difficulty).map((i) => i.id);
      const at = now();
      const started = await store.update(guildId, quizUsedRecord, (used) => {
        const result = engine.startRound(
          {
            roundId: `${at.toString(36)}${randomBytes(2).toString('hex')}`,
            article: pack.slug,
            channelId,
            hostId: input.hostId,
            options: input.options,
            bank,
            used: used[pack.slug] ?? [],
            seed: randomBytes(4).readUInt32BE(0),
          },
          at,
        );
        return { value: result.ok ? { ...used, [pack.slug]: result.used } : used, result };
      });
      if (!started.ok) return { kind: 'error', error: started.error };
      const taken = await store.update(guildId, record, (current) =>
        current && engine.isRoundActive(current)
          ? { value: current, result: current }
          : { value: started.state, result: null },
      );
      if (taken) return busy(taken);
      track(guildId, channelId, true);
      const note = started.bankNote
        ? `This article has ${plural(started.bankNote.available, 'question')}${difficulty ? ` at this difficulty` : ''}, so the round uses ${started.bankNote.available} instead of ${started.bankNote.asked}.`
        : null;
      return { kind: 'started', round: started.state, note };
    },

    /** A student's result for question `index` of a round (`index` past the last: the whole round); null when the round is unknown. */
    async myResult(guildId: string, roundId: string, index: number, userId: string): Promise<string | null> {
      const round = await this.findRound(guildId, roundId);
      if (!round) return null;
      const items = itemsOf(round.article).items;
      if (index >= round.questionIds.length) return personalResultText(personalResult(round, null, userId, items));
      if (index > round.index || (index === round.index && round.phase === 'question-open')) return null;
      return personalResultText(personalResult(round, index, userId, items));
    },

    /** Carries out what a channel's round owes now (the first question after the host's start reply, say). */
    reconcile(guildId: string, channelId: string): void {
      kick(guildId, channelId);
    },

    /**
     * A student's click. `clickedAt` is the interaction's own time, clamped to its
     * arrival: whether it was in time does not depend on how long it queued here.
     */
    async answer(
      guildId: string,
      channelId: string,
      event: engine.AnswerEvent,
      clickedAt: number,
      ack?: AnswerAck,
    ): Promise<AnswerOutcome> {
      const round = await store.read(guildId, quizRoundRecord(channelId));
      if (!round) return { reply: { kind: 'round-ended' }, order: [] };
      const current = round.roundId === event.roundId && round.index === event.index;
      const log = current ? await logOf(guildId, round.roundId, round.index) : null;
      const items = itemsOf(round.article).items;
      const item = items.get(round.questionIds[round.index] ?? '');
      const order = current && item ? choiceOrder(round.roundId, round.index, item.choices.length) : [];
      const decision = engine.answer(round, event, clickedAt, items, log?.get(event.userId));
      if (decision.kind !== 'record') return { reply: decision, order };
      if (!log) return { reply: { kind: 'round-ended' }, order };
      try {
        await log.add(decision.answer);
      } catch (error) {
        logger.error({ err: error, guildId, channelId, roundId: round.roundId }, 'answer not saved');
        return { reply: { kind: 'store-unavailable' }, order };
      }
      if (ack) {
        const key = `${guildId}:${round.roundId}:${round.index}`;
        let forQuestion = acks.get(key);
        if (!forQuestion) {
          forQuestion = new Map();
          acks.set(key, forQuestion);
        }
        forQuestion.set(event.userId, { ...ack, at: now() });
      }
      scheduleCountRefresh(guildId, channelId);
      return { reply: { kind: 'accepted', choice: decision.answer.choice }, order };
    },

    async reveal(guildId: string, channelId: string, roundId: string, index: number): Promise<engine.CloseReply> {
      const reply = await step(guildId, channelId, (round) =>
        round.roundId === roundId ? engine.close(round, { index, by: 'host' }, now()) : refused(round),
      );
      return reply ?? { kind: 'round-ended' };
    },

    async next(guildId: string, channelId: string, roundId: string, index: number): Promise<engine.NextReply> {
      const reply = await step(guildId, channelId, (round) =>
        round.roundId === roundId ? engine.next(round, { index }, now()) : refused(round),
      );
      return reply ?? { kind: 'round-ended' };
    },

    async stop(guildId: string, channelId: string, roundId: string | null): Promise<engine.StopReply> {
      const reply = await step(guildId, channelId, (round) =>
        roundId === null || round.roundId === roundId ? engine.stop(round, now()) : refused(round),
      );
      return reply ?? { kind: 'round-ended' };
    },

    async activeRound(guildId: string, channelId: string): Promise<QuizControl | null> {
      const round = await store.read(guildId, quizRoundRecord(channelId));
      return round && engine.isRoundActive(round) ? round : null;
    },

    /** The round running in a channel, or the last one played there (even while it is being filed). */
    async latestRound(guildId: string, channelId: string): Promise<QuizRound | null> {
      const live = await store.read(guildId, quizRoundRecord(channelId));
      if (live) return assemble(guildId, live);
      const totals = await store.read(guildId, quizTotalsRecord);
      const latest = totals.history.find((h) => h.channelId === channelId);
      return latest ? store.read(guildId, quizArchiveRecord(latest.roundId)) : null;
    },

    /** A round by id: in play in this server, or kept in the archive. */
    async findRound(guildId: string, roundId: string): Promise<QuizRound | null> {
      for (const channelId of liveChannels.get(guildId) ?? []) {
        const round = await store.read(guildId, quizRoundRecord(channelId));
        if (round?.roundId === roundId) return assemble(guildId, round);
      }
      return store.read(guildId, quizArchiveRecord(roundId));
    },

    /**
     * Picks up every stored round of the servers this process owns, after a
     * start or restart: reconcile does what fell due while the bot was down and
     * arms the timers for the rest.
     */
    async resume(owns: (guildId: string) => boolean): Promise<number> {
      await migrateLegacyLive(store, logger, owns);
      let resumed = 0;
      for (const { guildId, key } of await store.listRecords('quiz:round:')) {
        if (!owns(guildId)) continue;
        const channelId = key.slice('quiz:round:'.length);
        const round = await store.read(guildId, quizRoundRecord(channelId));
        if (!round) continue;
        if (engine.isRoundActive(round)) resumed += 1;
        track(guildId, channelId, true);
        kick(guildId, channelId);
      }
      return resumed;
    },

    /** Does at once what waits for a retry (the store is back after an outage), instead of at the backoff's end. */
    retryNow(): void {
      kernel.retryNow();
    },

    /** Resolves once nothing is queued or in flight: no step, no retry waiting, no answer or result being written. */
    idle(): Promise<void> {
      return kernel.idle();
    },

    /** Stops every timer and waits for the steps and answers in flight (stored deadlines bring the rest back). */
    async shutdown(): Promise<void> {
      await kernel.stop();
      await Promise.allSettled([...notifying]);
      await Promise.allSettled(
        [...logs.values()].map(async (log) => {
          await (await log).settled();
        }),
      );
    },
  };
}

function refused(round: QuizControl): engine.Outcome<{ readonly kind: 'round-ended' }> {
  return { state: round, reply: { kind: 'round-ended' } };
}
