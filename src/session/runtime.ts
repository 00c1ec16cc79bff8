import { randomBytes } from 'node:crypto';
import type { REST } from '@discordjs/rest';
import { Routes } from 'discord.js';
import { z } from 'zod';
import { createChannelQueues } from '../channel-queues.js';
import type { Catalogue } from '../content/catalogue.js';
import type { Level, Pack, Theme } from '../content/schema.js';
import type { ChannelMessages } from '../discord/channel-messages.js';
import type { Logger } from '../logger.js';
import { defineRecord, type GuildStore } from '../store/index.js';
import * as engine from './engine.js';
import {
  pollRequest,
  renderFollowUp,
  renderOpening,
  renderPollCard,
  renderPrompt,
  renderRecap,
  sessionIdOf,
  THREAD_ARCHIVE_MINUTES,
  threadName,
} from './render.js';
import { POLL_ANSWERS, type PollCounts, type SessionState, SessionStateSchema } from './state.js';
import { recapView } from './views.js';

/**
 * Runs discussion sessions: feeds events to the pure engine inside the store's
 * serialised update, then carries out the engine's effects (messages, threads,
 * polls, the recap) in order, one channel at a time.
 */

/** Sessions in play and the prompts already used per article, in one record so a start is atomic. */
const LiveSchema = z.object({
  sessions: z.record(z.string(), SessionStateSchema),
  used: z.record(z.string(), z.array(z.string())),
});
type Live = z.infer<typeof LiveSchema>;
export const sessionLiveRecord = defineRecord<Live>({
  key: 'session:live',
  version: 1,
  schema: LiveSchema,
  initial: () => ({ sessions: {}, used: {} }),
});

/** The last ended session of a channel, for `/session report`. */
export const sessionArchiveRecord = defineRecord({
  key: (channelId: string) => `session:archive:${channelId}`,
  version: 1,
  schema: SessionStateSchema.nullable(),
  initial: (): SessionState | null => null,
});

/** The Discord calls sessions need beyond plain channel messages. */
export interface SessionDiscord {
  /** Opens a public thread from a message; resolves to the thread's id. */
  createThread(channelId: string, messageId: string, name: string): Promise<string>;
  /** Closes a poll now; resolves to the finalized message. */
  expirePoll(channelId: string, messageId: string): Promise<unknown>;
  fetchMessage(channelId: string, messageId: string): Promise<unknown>;
}

const Created = z.object({ id: z.string().min(1) });

export function createSessionDiscord(rest: REST): SessionDiscord {
  return {
    async createThread(channelId, messageId, name) {
      const created = await rest.post(Routes.threads(channelId, messageId), {
        body: { name, auto_archive_duration: THREAD_ARCHIVE_MINUTES },
      });
      return Created.parse(created).id;
    },
    expirePoll: (channelId, messageId) => rest.post(Routes.expirePoll(channelId, messageId)),
    fetchMessage: (channelId, messageId) => rest.get(Routes.channelMessage(channelId, messageId)),
  };
}

const PollMessageSchema = z.object({
  poll: z.object({
    results: z
      .object({
        answer_counts: z.array(z.object({ id: z.number().int(), count: z.number().int().nonnegative() })),
      })
      .nullish(),
  }),
});

/** Counts from a poll message; Discord numbers answers 1..4 in the order posted and may leave out those at 0. */
export function pollCountsOf(message: unknown): PollCounts | null {
  const parsed = PollMessageSchema.safeParse(message);
  const results = parsed.success ? parsed.data.poll.results : null;
  if (!results) return null;
  const counts: PollCounts = { agree: 0, disagree: 0, notSure: 0, needMoreEvidence: 0 };
  for (const { id, count } of results.answer_counts) {
    const answer = POLL_ANSWERS[id - 1];
    if (answer) counts[answer.key] = count;
  }
  return counts;
}

export type StartOutcome =
  | { kind: 'started'; session: SessionState; note: engine.StartedReply['note'] }
  | { kind: 'busy'; session: SessionState }
  | { kind: 'refused'; reply: engine.StartRefusedReply };

/** A host button of an earlier prompt, pressed after the session moved on. */
export type WrongPromptReply = { kind: 'wrong-prompt'; current: number };
export type UnknownClaimReply = { kind: 'unknown-claim' };

/** Which session and prompt a button belongs to; null for slash commands, which act on whatever is current. */
export interface PromptRef {
  sessionId: string;
  index: number;
}

export interface IncomingMessage {
  guildId: string;
  channelId: string;
  userId: string;
  displayName: string;
  isBot: boolean;
}

export interface SessionRuntimeDeps {
  store: GuildStore;
  catalogue: Catalogue;
  messages: ChannelMessages;
  discord: SessionDiscord;
  logger: Logger;
  now: () => number;
}

type Step<R> = { state: SessionState; effects: readonly engine.SessionEffect[]; reply: R };

export type SessionRuntime = ReturnType<typeof createSessionRuntime>;

export function createSessionRuntime(deps: SessionRuntimeDeps) {
  const { store, catalogue, messages, discord, logger, now } = deps;
  const { enqueue, drain } = createChannelQueues(logger, 'session effect');
  // Channels and threads of live sessions, so ordinary chatter elsewhere costs no store access.
  const watched = new Map<string, { guildId: string; channelId: string }>();
  const watchedBySession = new Map<string, { startedAt: number; ids: string[] }>();

  function track(guildId: string, state: SessionState): void {
    const key = `${guildId}:${state.channelId}`;
    const tracked = watchedBySession.get(key);
    // An older session's late effects (its recap, its filing away) must not unwatch the one that replaced it.
    if (tracked && state.startedAt < tracked.startedAt) return;
    for (const id of tracked?.ids ?? []) watched.delete(id);
    watchedBySession.delete(key);
    if (state.phase !== 'active') return;
    const ids = [state.channelId, ...state.prompts.flatMap((p) => (p.threadId ? [p.threadId] : []))];
    for (const id of ids) watched.set(id, { guildId, channelId: state.channelId });
    watchedBySession.set(key, { startedAt: state.startedAt, ids });
  }

  /** Feeds one event to the session of a channel (only the given one, when `sessionId` is set). */
  async function step<R>(
    guildId: string,
    channelId: string,
    sessionId: string | null,
    event: (state: SessionState) => Step<R>,
  ): Promise<R | null> {
    const outcome = await store.update(guildId, sessionLiveRecord, (live) => {
      const state = live.sessions[channelId];
      if (!state || (sessionId !== null && sessionIdOf(state) !== sessionId)) return { value: live, result: null };
      const result = event(state);
      if (result.state === state) return { value: live, result };
      return { value: { ...live, sessions: { ...live.sessions, [channelId]: result.state } }, result };
    });
    if (!outcome) return null;
    track(guildId, outcome.state);
    const { effects } = outcome;
    if (effects.length > 0) void enqueue(guildId, channelId, () => apply(guildId, outcome.state, effects));
    return outcome.reply;
  }

  /** Reports what Discord did back to the engine, from inside the channel's effect queue. */
  async function report(
    guildId: string,
    snapshot: SessionState,
    event: (state: SessionState) => engine.EventResult,
  ): Promise<SessionState | null> {
    const sessionId = sessionIdOf(snapshot);
    const outcome = await store.update(guildId, sessionLiveRecord, (live) => {
      const state = live.sessions[snapshot.channelId];
      if (!state || sessionIdOf(state) !== sessionId) return { value: live, result: null };
      const result = event(state);
      if (result.reply)
        logger.warn({ guildId, channelId: snapshot.channelId, ...result.reply }, 'session report ignored');
      if (result.state === state) return { value: live, result };
      return { value: { ...live, sessions: { ...live.sessions, [snapshot.channelId]: result.state } }, result };
    });
    if (!outcome) return null;
    track(guildId, outcome.state);
    if (outcome.effects.length > 0) await apply(guildId, outcome.state, outcome.effects);
    return outcome.state;
  }

  /** The session as stored now (effects may run after later events), else the given snapshot. */
  async function latest(guildId: string, snapshot: SessionState): Promise<SessionState> {
    const state = (await store.read(guildId, sessionLiveRecord)).sessions[snapshot.channelId];
    return state && sessionIdOf(state) === sessionIdOf(snapshot) ? state : snapshot;
  }

  async function apply(
    guildId: string,
    snapshot: SessionState,
    effects: readonly engine.SessionEffect[],
  ): Promise<void> {
    for (const effect of effects) {
      try {
        await applyOne(guildId, snapshot, effect);
      } catch (error) {
        // One failed message must not cost the rest, above all the recap.
        logger.error({ err: error, guildId, channelId: snapshot.channelId, effect }, 'session effect failed');
      }
    }
  }

  async function applyOne(guildId: string, snapshot: SessionState, effect: engine.SessionEffect): Promise<void> {
    const { channelId } = snapshot;
    const pack = catalogue.pack(snapshot.article);
    switch (effect.type) {
      case 'post-opening':
        if (pack) await messages.send(channelId, renderOpening(pack, snapshot));
        return;
      case 'post-prompt':
        return postPrompt(guildId, await latest(guildId, snapshot), pack, effect.index);
      case 'show-follow-up': {
        const state = await latest(guildId, snapshot);
        const prompt = state.prompts[effect.index];
        const question = pack && prompt ? catalogue.question(pack.slug, prompt.questionId) : undefined;
        const text = question?.followUps[effect.followUp];
        if (!pack || !prompt || !question || text === undefined) {
          logger.warn({ guildId, channelId, effect }, 'session follow-up missing from the content');
          return;
        }
        const view = renderFollowUp(state, effect.index, effect.followUp, text);
        if (prompt.threadId) {
          try {
            await messages.send(prompt.threadId, view);
          } catch (error) {
            logger.warn({ err: error, guildId, threadId: prompt.threadId }, 'follow-up not posted in the thread');
            await messages.send(channelId, view);
          }
        } else {
          await messages.send(channelId, view);
        }
        if (prompt.messageId) {
          await messages.edit(channelId, prompt.messageId, renderPrompt(pack, state, effect.index, question));
        }
        return;
      }
      case 'post-poll': {
        const claim = pack?.claims.find((c) => c.id === effect.claimId);
        if (!pack || !claim) {
          logger.warn({ guildId, channelId, effect }, 'polled claim missing from the content');
          return;
        }
        await messages.send(channelId, renderPollCard(pack, claim));
        const messageId = await messages.send(channelId, {}, pollRequest(claim));
        await report(guildId, snapshot, (state) =>
          engine.setPollMessage(state, { claimId: effect.claimId, messageId }),
        );
        return;
      }
      case 'close-poll': {
        const counts = await closePoll(guildId, channelId, effect.messageId);
        if (counts) await report(guildId, snapshot, (state) => engine.pollResults(state, effect.claimId, counts));
        return;
      }
      case 'post-recap':
        return postRecap(guildId, await latest(guildId, snapshot));
    }
  }

  async function postPrompt(guildId: string, state: SessionState, pack: Pack | undefined, index: number) {
    const { channelId } = state;
    const prompt = state.prompts[index];
    const question = pack && prompt ? catalogue.question(pack.slug, prompt.questionId) : undefined;
    if (!pack || !question) {
      logger.warn({ guildId, channelId, index }, 'session prompt missing from the content');
      return;
    }
    if (index > 0) await retirePrompt(guildId, state, pack, index - 1);
    const messageId = await messages.send(channelId, renderPrompt(pack, state, index, question));
    let threadId: string | null = null;
    if (state.threads) {
      try {
        threadId = await discord.createThread(channelId, messageId, threadName(index, question));
        // Watched at once: a reply can arrive before the thread id is stored (that update is queued first).
        watched.set(threadId, { guildId, channelId });
      } catch (error) {
        logger.warn({ err: error, guildId, channelId, index }, 'thread not created; replies stay in the channel');
      }
    }
    const updated = await report(guildId, state, (current) =>
      engine.setPromptMessage(current, { index, messageId, threadId }),
    );
    // The message said "reply in the thread": correct it now that there is none.
    if (state.threads && threadId === null && updated) {
      await messages.edit(channelId, messageId, renderPrompt(pack, updated, index, question));
    }
  }

  /** Takes the host buttons off a prompt the session has moved past. */
  async function retirePrompt(guildId: string, state: SessionState, pack: Pack, index: number): Promise<void> {
    const prompt = state.prompts[index];
    const question = prompt ? catalogue.question(pack.slug, prompt.questionId) : undefined;
    if (!prompt?.messageId || !question) return;
    try {
      await messages.edit(state.channelId, prompt.messageId, renderPrompt(pack, state, index, question));
    } catch (error) {
      logger.warn({ err: error, guildId, channelId: state.channelId, index }, 'earlier prompt not updated');
    }
  }

  /** Expires a poll and reads its final counts; a poll that already closed is read instead. */
  async function closePoll(guildId: string, channelId: string, messageId: string): Promise<PollCounts | null> {
    try {
      const counts = pollCountsOf(await discord.expirePoll(channelId, messageId));
      if (counts) return counts;
    } catch (error) {
      logger.warn({ err: error, guildId, channelId, messageId }, 'poll not expired; reading it instead');
    }
    try {
      return pollCountsOf(await discord.fetchMessage(channelId, messageId));
    } catch (error) {
      logger.warn({ err: error, guildId, channelId, messageId }, 'poll results not readable');
      return null;
    }
  }

  async function postRecap(guildId: string, state: SessionState): Promise<void> {
    if (state.recapMessageId !== null) return finish(guildId, state);
    const pack = catalogue.pack(state.article);
    if (pack) await retirePrompt(guildId, state, pack, state.current);
    const view = recapView(state, pack?.questions ?? [], pack?.claims ?? []);
    let first: string | null = null;
    for (const part of renderRecap(view, pack?.article.title ?? state.article, pack?.claims ?? [])) {
      const id = await messages.send(state.channelId, part);
      first ??= id;
    }
    if (first === null) return;
    const recapId = first;
    const updated = await report(guildId, state, (current) => engine.setRecapMessage(current, recapId));
    await finish(guildId, updated ?? { ...state, recapMessageId: recapId });
  }

  /** Files an ended session: the channel's archive, then out of play. */
  async function finish(guildId: string, state: SessionState): Promise<void> {
    const sessionId = sessionIdOf(state);
    await store.update(guildId, sessionArchiveRecord(state.channelId), () => ({ value: state, result: null }));
    await store.update(guildId, sessionLiveRecord, (live) => {
      const current = live.sessions[state.channelId];
      if (!current || sessionIdOf(current) !== sessionId) return { value: live, result: null };
      const { [state.channelId]: _finished, ...sessions } = live.sessions;
      return { value: { ...live, sessions }, result: null };
    });
    track(guildId, { ...state, phase: 'ended' });
  }

  function resolveChannel(channelId: string): string {
    return watched.get(channelId)?.channelId ?? channelId;
  }

  return {
    async start(input: {
      guildId: string;
      channelId: string;
      hostId: string;
      pack: Pack;
      options: { count: number | null; theme: Theme | null; level: Level | null; threads: boolean };
    }): Promise<StartOutcome> {
      const { guildId, channelId, pack } = input;
      const at = now();
      const outcome = await store.update<Live, StartOutcome & { effects?: readonly engine.SessionEffect[] }>(
        guildId,
        sessionLiveRecord,
        (live) => {
          const running = live.sessions[channelId];
          if (running?.phase === 'active') return { value: live, result: { kind: 'busy', session: running } };
          const started = engine.startSession(
            {
              guildId,
              channelId,
              hostId: input.hostId,
              article: pack.slug,
              questions: pack.questions,
              usedPromptIds: live.used[pack.slug] ?? [],
              count: input.options.count,
              theme: input.options.theme,
              level: input.options.level,
              threads: input.options.threads,
              seed: randomBytes(4).readUInt32BE(0),
            },
            at,
          );
          if (started.state === null) return { value: live, result: { kind: 'refused', reply: started.reply } };
          return {
            value: {
              sessions: { ...live.sessions, [channelId]: started.state },
              used: { ...live.used, [pack.slug]: started.used },
            },
            result: { kind: 'started', session: started.state, note: started.reply.note, effects: started.effects },
          };
        },
      );
      if (outcome.kind === 'started' && outcome.effects) {
        const effects = outcome.effects;
        track(guildId, outcome.session);
        void enqueue(guildId, channelId, () => apply(guildId, outcome.session, effects));
        return { kind: 'started', session: outcome.session, note: outcome.note };
      }
      return outcome;
    },

    async next(
      guildId: string,
      channelId: string,
      ref: PromptRef | null,
    ): Promise<engine.NextReply | WrongPromptReply> {
      const reply = await step(
        guildId,
        channelId,
        ref?.sessionId ?? null,
        (state): Step<engine.NextReply | WrongPromptReply> =>
          ref && state.current !== ref.index ? wrongPrompt(state) : engine.next(state, now()),
      );
      return reply ?? { kind: 'session-ended' };
    },

    async showFollowUp(
      guildId: string,
      channelId: string,
      ref: PromptRef | null,
    ): Promise<engine.FollowUpReply | WrongPromptReply> {
      const reply = await step(
        guildId,
        channelId,
        ref?.sessionId ?? null,
        (state): Step<engine.FollowUpReply | WrongPromptReply> =>
          ref && state.current !== ref.index ? wrongPrompt(state) : engine.showFollowUp(state),
      );
      return reply ?? { kind: 'session-ended' };
    },

    async poll(
      guildId: string,
      channelId: string,
      sessionId: string | null,
      claimId: string,
    ): Promise<engine.PollReply | UnknownClaimReply> {
      const reply = await step(
        guildId,
        channelId,
        sessionId,
        (state): Step<engine.PollReply | UnknownClaimReply> =>
          catalogue.claim(state.article, claimId)
            ? engine.pollClaim(state, claimId, now())
            : { state, effects: [], reply: { kind: 'unknown-claim' } },
      );
      return reply ?? { kind: 'session-ended' };
    },

    async end(guildId: string, channelId: string, sessionId: string | null): Promise<engine.EndReply> {
      const reply = await step(guildId, channelId, sessionId, (state) => engine.end(state, now()));
      return reply ?? { kind: 'session-ended' };
    },

    /** Counts a message toward its prompt; messages outside live sessions' channels and threads are skipped at once. */
    recordMessage(message: IncomingMessage): void {
      if (message.isBot) return;
      const target = watched.get(message.channelId);
      if (!target || target.guildId !== message.guildId) return;
      const { guildId } = message;
      store
        .update(guildId, sessionLiveRecord, (live) => {
          const state = live.sessions[target.channelId];
          if (!state) return { value: live, result: null };
          const { state: next } = engine.recordMessage(state, message, now());
          if (next === state) return { value: live, result: null };
          return { value: { ...live, sessions: { ...live.sessions, [target.channelId]: next } }, result: null };
        })
        .catch((error: unknown) => logger.error({ err: error, guildId }, 'session message not counted'));
    },

    /** The live session of a channel, or null. */
    async activeSession(guildId: string, channelId: string): Promise<SessionState | null> {
      const state = (await store.read(guildId, sessionLiveRecord)).sessions[channelId];
      return state?.phase === 'active' ? state : null;
    },

    /** Every live session of a server. */
    async sessionsIn(guildId: string): Promise<SessionState[]> {
      const live = await store.read(guildId, sessionLiveRecord);
      return Object.values(live.sessions).filter((s) => s.phase === 'active');
    },

    /** The current session of a channel, else the last one that ended there. */
    async lastSession(guildId: string, channelId: string): Promise<SessionState | null> {
      const state = (await store.read(guildId, sessionLiveRecord)).sessions[channelId];
      return state ?? store.read(guildId, sessionArchiveRecord(channelId));
    },

    /** The session channel a prompt's thread belongs to (any other channel is its own). */
    sessionChannelOf(channelId: string): string {
      return resolveChannel(channelId);
    },

    /** Picks up every session of a server after a restart. */
    async resumeGuild(guildId: string): Promise<number> {
      const live = await store.read(guildId, sessionLiveRecord);
      let resumed = 0;
      for (const [channelId, state] of Object.entries(live.sessions)) {
        if (state.phase === 'ended' && state.recapMessageId !== null) {
          void enqueue(guildId, channelId, () => finish(guildId, state));
          continue;
        }
        if (state.phase === 'active') resumed += 1;
        await step(guildId, channelId, sessionIdOf(state), (current) => ({
          ...engine.resume(current, now()),
          reply: null,
        }));
      }
      return resumed;
    },

    /** Waits for pending messages; stored state brings everything else back. */
    async shutdown(): Promise<void> {
      await drain();
    },
  };
}

function wrongPrompt(state: SessionState): Step<WrongPromptReply> {
  return { state, effects: [], reply: { kind: 'wrong-prompt', current: state.current } };
}
