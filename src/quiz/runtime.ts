import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { createChannelQueues } from '../channel-queues.js';
import type { Catalogue } from '../content/catalogue.js';
import type { Pack, QuizItem } from '../content/schema.js';
import type { ChannelMessages } from '../discord/channel-messages.js';
import type { Logger } from '../logger.js';
import { defineRecord, type GuildStore } from '../store/index.js';
import { createTimers } from '../timers.js';
import * as engine from './engine.js';
import { renderQuestion, renderReveal, renderStandings } from './render.js';
import { revealView } from './reveal.js';
import { createHistoryEntry, foldRound, roundScores, roundStandings } from './standings.js';
import { AllTimeScoresSchema, HistoryEntrySchema, type QuizItems, type QuizRound, QuizRoundSchema } from './state.js';

/**
 * Runs quiz rounds: feeds events to the pure engine inside the store's
 * serialised update, then carries out the engine's effects (messages, timers,
 * bookkeeping) in order, one channel at a time.
 */

/** Rounds in play and the questions already used, in one record so a start is atomic. */
const LiveSchema = z.object({
  rounds: z.record(z.string(), QuizRoundSchema),
  used: z.record(z.string(), z.array(z.string())),
});
type Live = z.infer<typeof LiveSchema>;
export const quizLiveRecord = defineRecord<Live>({
  key: 'quiz:live',
  version: 1,
  schema: LiveSchema,
  initial: () => ({ rounds: {}, used: {} }),
});

/** All-time scores and the last rounds, together so a round is counted exactly once. */
const TotalsSchema = z.object({ scores: AllTimeScoresSchema, history: z.array(HistoryEntrySchema) });
export type QuizTotals = z.infer<typeof TotalsSchema>;
export const quizTotalsRecord = defineRecord<QuizTotals>({
  key: 'quiz:totals',
  version: 1,
  schema: TotalsSchema,
  initial: () => ({ scores: {}, history: [] }),
});

/** Finished rounds with every answer, for the CSV report. */
export const quizArchiveRecord = defineRecord({
  key: (roundId: string) => `quiz:archive:${roundId}`,
  version: 1,
  schema: QuizRoundSchema.nullable(),
  initial: (): QuizRound | null => null,
});

export const HISTORY_SIZE = 50;
/** How often, at most, a question's "answered" count is edited. */
export const COUNT_REFRESH_MS = 3000;

export type StartOutcome =
  | { kind: 'started'; round: QuizRound; note: string | null }
  | { kind: 'busy'; round: QuizRound; messageId: string | null }
  | { kind: 'error'; error: engine.StartError };

export interface QuizRuntimeDeps {
  store: GuildStore;
  catalogue: Catalogue;
  messages: ChannelMessages;
  logger: Logger;
  now: () => number;
}

export type QuizRuntime = ReturnType<typeof createQuizRuntime>;

export function createQuizRuntime(deps: QuizRuntimeDeps) {
  const { store, catalogue, messages, logger, now } = deps;
  const timers = createTimers();
  const { enqueue, drain } = createChannelQueues(logger, 'quiz effect');
  // Message ids of posted questions, so a reveal edits the right one even after the round moved on.
  const questionMessages = new Map<string, string>();
  const itemsCache = new WeakMap<Pack, QuizItems>();

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

  function itemAt(round: QuizRound, index: number): { item: QuizItem | undefined; title: string } {
    const { pack, items } = itemsOf(round.article);
    return { item: items.get(round.questionIds[index] ?? ''), title: pack?.article.title ?? round.article };
  }

  async function step<R>(
    guildId: string,
    channelId: string,
    event: (round: QuizRound, items: QuizItems) => engine.Outcome<R>,
  ): Promise<R | null> {
    const outcome = await store.update(guildId, quizLiveRecord, (live) => {
      const round = live.rounds[channelId];
      if (!round) return { value: live, result: null };
      const result = event(round, itemsOf(round.article).items);
      if (result.state === round) return { value: live, result };
      return { value: { ...live, rounds: { ...live.rounds, [channelId]: result.state } }, result };
    });
    if (!outcome) return null;
    if (outcome.effects.length > 0)
      void enqueue(guildId, channelId, () => apply(guildId, outcome.state, outcome.effects));
    return outcome.reply;
  }

  async function apply(guildId: string, snapshot: QuizRound, effects: readonly engine.Effect[]): Promise<void> {
    const { channelId, roundId } = snapshot;
    // Scores are filed before the standings appear, so "/quiz score" right after them is already right.
    const ordered = [...effects.filter((e) => e.type === 'finished'), ...effects.filter((e) => e.type !== 'finished')];
    for (const effect of ordered) {
      switch (effect.type) {
        case 'show-question': {
          const { item, title } = itemAt(snapshot, effect.index);
          if (!item) {
            logger.warn({ guildId, roundId, index: effect.index }, 'quiz item missing from the content');
            break;
          }
          const messageId = await messages.send(channelId, renderQuestion(snapshot, item, title));
          questionMessages.set(`${roundId}:${effect.index}`, messageId);
          await store.update(guildId, quizLiveRecord, (live) => {
            const round = live.rounds[channelId];
            if (!round || round.roundId !== roundId) return { value: live, result: null };
            const updated = engine.setQuestionMessage(round, { index: effect.index, messageId });
            return updated === round
              ? { value: live, result: null }
              : { value: { ...live, rounds: { ...live.rounds, [channelId]: updated } }, result: null };
          });
          break;
        }
        case 'schedule-close':
          timers.set(`${guildId}:${channelId}:close`, effect.at - now(), () => {
            void step(guildId, channelId, (round) => engine.close(round, { index: effect.index, by: 'timer' }, now()));
          });
          break;
        case 'schedule-advance':
          timers.set(`${guildId}:${channelId}:advance`, effect.at - now(), () => {
            void step(guildId, channelId, (round) => engine.next(round, { index: effect.index }, now()));
          });
          break;
        case 'show-reveal': {
          timers.clear(`${guildId}:${channelId}:close`);
          timers.clear(`${guildId}:${channelId}:count`);
          const { item, title } = itemAt(snapshot, effect.index);
          const view = revealView(snapshot, effect.index, itemsOf(snapshot.article).items);
          if (!item || !view) break;
          const rendered = renderReveal(snapshot, item, view, title);
          const messageId =
            questionMessages.get(`${roundId}:${effect.index}`) ??
            (snapshot.index === effect.index ? snapshot.questionMessageId : null);
          if (messageId) await messages.edit(channelId, messageId, rendered);
          else await messages.send(channelId, rendered);
          break;
        }
        case 'show-standings':
          await messages.send(
            channelId,
            renderStandings(snapshot, roundStandings(snapshot), roundScores(snapshot).length),
          );
          break;
        case 'finished':
          await finish(guildId, snapshot);
          break;
      }
    }
  }

  /** Files a finished round: archive, totals (once, keyed by round id), then out of play. */
  async function finish(guildId: string, round: QuizRound): Promise<void> {
    const channelId = round.channelId;
    for (const kind of ['close', 'advance', 'count']) timers.clear(`${guildId}:${channelId}:${kind}`);
    await store.update(guildId, quizArchiveRecord(round.roundId), () => ({ value: round, result: null }));
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
    await store.update(guildId, quizLiveRecord, (live) => {
      if (live.rounds[channelId]?.roundId !== round.roundId) return { value: live, result: null };
      const { [channelId]: _finished, ...rounds } = live.rounds;
      return { value: { ...live, rounds }, result: null };
    });
    for (const key of questionMessages.keys()) if (key.startsWith(`${round.roundId}:`)) questionMessages.delete(key);
  }

  function scheduleCountRefresh(guildId: string, channelId: string): void {
    const key = `${guildId}:${channelId}:count`;
    if (timers.has(key)) return;
    timers.set(key, COUNT_REFRESH_MS, () => {
      void enqueue(guildId, channelId, async () => {
        const round = (await store.read(guildId, quizLiveRecord)).rounds[channelId];
        if (round?.phase !== 'question-open') return;
        const messageId = questionMessages.get(`${round.roundId}:${round.index}`) ?? round.questionMessageId;
        const { item, title } = itemAt(round, round.index);
        if (messageId && item) await messages.edit(channelId, messageId, renderQuestion(round, item, title));
      });
    });
  }

  return {
    async start(input: {
      guildId: string;
      channelId: string;
      hostId: string;
      pack: Pack;
      options: engine.StartOptions;
    }): Promise<StartOutcome> {
      const { guildId, channelId, pack } = input;
      const difficulty = input.options.difficulty ?? null;
      const bank = pack.quiz.filter((i) => difficulty === null || i.difficulty === difficulty).map((i) => i.id);
      const at = now();
      const outcome = await store.update<Live, StartOutcome & { effects?: readonly engine.Effect[] }>(
        guildId,
        quizLiveRecord,
        (live) => {
          const running = live.rounds[channelId];
          if (running && engine.isRoundActive(running)) {
            const messageId = questionMessages.get(`${running.roundId}:${running.index}`) ?? running.questionMessageId;
            return { value: live, result: { kind: 'busy', round: running, messageId } };
          }
          const started = engine.startRound(
            {
              roundId: `${at.toString(36)}${randomBytes(2).toString('hex')}`,
              article: pack.slug,
              channelId,
              hostId: input.hostId,
              options: input.options,
              bank,
              used: live.used[pack.slug] ?? [],
              seed: randomBytes(4).readUInt32BE(0),
            },
            at,
          );
          if (!started.ok) return { value: live, result: { kind: 'error', error: started.error } };
          const note = started.bankNote
            ? `This article has ${started.bankNote.available} questions${difficulty ? ` at this difficulty` : ''}, so the round uses ${started.bankNote.available} instead of ${started.bankNote.asked}.`
            : null;
          return {
            value: {
              rounds: { ...live.rounds, [channelId]: started.state },
              used: { ...live.used, [pack.slug]: started.used },
            },
            result: { kind: 'started', round: started.state, note, effects: started.effects },
          };
        },
      );
      if (outcome.kind === 'started' && outcome.effects) {
        const effects = outcome.effects;
        void enqueue(guildId, channelId, () => apply(guildId, outcome.round, effects));
        return { kind: 'started', round: outcome.round, note: outcome.note };
      }
      return outcome;
    },

    async answer(guildId: string, channelId: string, event: engine.AnswerEvent): Promise<engine.AnswerReply> {
      const reply = await step(guildId, channelId, (round, items) => engine.answer(round, event, now(), items));
      if (reply?.kind === 'accepted') scheduleCountRefresh(guildId, channelId);
      return reply ?? { kind: 'round-ended' };
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

    async activeRound(guildId: string, channelId: string): Promise<QuizRound | null> {
      const round = (await store.read(guildId, quizLiveRecord)).rounds[channelId];
      return round && engine.isRoundActive(round) ? round : null;
    },

    /** The round running in a channel, or the last one played there (even while it is being filed). */
    async latestRound(guildId: string, channelId: string): Promise<QuizRound | null> {
      const live = (await store.read(guildId, quizLiveRecord)).rounds[channelId];
      if (live) return live;
      const totals = await store.read(guildId, quizTotalsRecord);
      const latest = totals.history.find((h) => h.channelId === channelId);
      return latest ? store.read(guildId, quizArchiveRecord(latest.roundId)) : null;
    },

    /** A round by id: in play in this server, or kept in the archive. */
    async findRound(guildId: string, roundId: string): Promise<QuizRound | null> {
      const live = Object.values((await store.read(guildId, quizLiveRecord)).rounds).find((r) => r.roundId === roundId);
      return live ?? store.read(guildId, quizArchiveRecord(roundId));
    },

    /** Picks up every round of a server after a restart, from its stored deadlines. */
    async resumeGuild(guildId: string): Promise<number> {
      const live = await store.read(guildId, quizLiveRecord);
      let resumed = 0;
      for (const [channelId, round] of Object.entries(live.rounds)) {
        if (round.questionMessageId) questionMessages.set(`${round.roundId}:${round.index}`, round.questionMessageId);
        if (round.phase === 'finished') {
          void enqueue(guildId, channelId, () => finish(guildId, round));
          continue;
        }
        resumed += 1;
        await step(guildId, channelId, (current) => {
          const { state, effects } = engine.resume(current, now());
          return { state, effects, reply: null };
        });
      }
      return resumed;
    },

    /** Waits for pending messages and stops every timer (stored deadlines bring them back). */
    async shutdown(): Promise<void> {
      timers.clearAll();
      await drain();
    },
  };
}

function refused(round: QuizRound): engine.Outcome<{ readonly kind: 'round-ended' }> {
  return { state: round, effects: [], reply: { kind: 'round-ended' } };
}
