import { randomBytes } from 'node:crypto';
import { DiscordAPIError } from 'discord.js';
import type { Level, Pack, Question, Theme } from '../../content/schema.js';
import { createSerial } from '../../core/channel-queues.js';
import { editOrPost } from '../../discord-kit/channel-messages.js';
import { type ChannelStart, createKernel, type RuntimeDeps } from '../../runtime/kernel.js';
import { pollCountsOf, type SessionDiscord } from './discord.js';
import * as engine from './engine.js';
import { migrateLegacySessions } from './legacy.js';
import {
  type SessionServer,
  sessionArchiveRecord,
  sessionControlRecord,
  sessionCountsRecord,
  sessionServerRecord,
} from './records.js';
import {
  pollRequest,
  renderFollowUp,
  renderOpening,
  renderPollCard,
  renderPollResult,
  renderPrompt,
  renderRecap,
  sessionIdOf,
  threadName,
} from './render.js';
import {
  controlOf,
  countsOf,
  type PollCounts,
  type SessionControl,
  type SessionCounts,
  type SessionState,
  withCounts,
} from './state.js';
import { recapView } from './views.js';

/**
 * Runs discussion sessions: feeds events to the pure engine inside the store's
 * serialised update; the runtime kernel then carries out what the stored state
 * owes (messages, threads, polls, the recap) in order, one channel at a time.
 *
 * Records of a server, split by how they grow:
 * - `session:live:<channelId>`: the channel's control state (phase, prompts,
 *   message ids, polls), rewritten on host actions and Discord's answers only.
 *   One record per channel, so a busy or damaged channel never touches another.
 * - `session:counts:<channelId>:<sessionId>`: replies per prompt and person. Chat
 *   messages are counted in memory and flushed as one write per session at most
 *   every `countsFlushMs` (2 s), at once on a prompt change or the end, and on
 *   shutdown. Chosen over one record per participant: a busy thread costs one
 *   small write every few seconds instead of a write per message, and the recap
 *   and report read one record. The price: on kill -9 the counts of the last
 *   couple of seconds are lost. That is acceptable for participation counts
 *   (nothing is acknowledged to anyone per message); a clean shutdown
 *   (SIGTERM drains) writes everything counted.
 * - `session:server`: channels with a session in play (for /session status and
 *   start-up) and the prompts used per article; rewritten when a session starts
 *   or is filed away.
 * - `session:archive:<channelId>`: the last ended session, whole, for the report.
 * - `session:live` (before 0.2): every session of the server in one record; read
 *   once per server, moved to the records above, then deleted.
 *
 * The stored control state is the outbox: an opening or follow-up not marked
 * posted, a prompt, poll or recap whose message id is null, is still owed
 * (engine.owed). The runtime kernel (src/runtime/kernel.ts) reconciles each
 * channel from it after every event, after a failure (with backoff, 1 s
 * doubling to 30 s) and at start-up, until nothing is owed.
 */

// Where the records and the Discord calls were before they had files of their own.
export { createSessionDiscord, pollCountsOf, type SessionDiscord } from './discord.js';
export {
  legacySessionLiveRecord,
  sessionArchiveRecord,
  sessionControlRecord,
  sessionCountsRecord,
  sessionServerRecord,
} from './records.js';

export interface SessionOptions {
  count: number | null;
  theme: Theme | null;
  level: Level | null;
  threads: boolean;
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

export interface SessionRuntimeDeps extends RuntimeDeps {
  discord: SessionDiscord;
  /** How long counted messages may wait in memory before they are written (default 2 s). */
  countsFlushMs?: number;
  /** Retries after a failed Discord call: the first delay, doubled up to `maxMs` (default 1 s to 30 s). */
  retry?: { firstMs: number; maxMs: number };
}

type Step<R> = { state: SessionState; effects: readonly engine.SessionEffect[]; reply: R };

/** A session this process has in play: its control state as last stored and its counts as they grow. */
interface Live {
  readonly guildId: string;
  readonly channelId: string;
  readonly sessionId: string;
  control: SessionControl;
  counts: SessionCounts;
  /** Counted since the last flush. */
  dirty: boolean;
  timer: NodeJS.Timeout | null;
  /** Flushes run one after another; filing away and shutdown wait for the last one. */
  flushed: Promise<void>;
  /** Archived: its counts are in the archive and nothing more is flushed. */
  filed: boolean;
}

const COUNTS_FLUSH_MS = 2000;
const RETRY = { firstMs: 1000, maxMs: 30_000 };

export type SessionRuntime = ReturnType<typeof createSessionRuntime>;

export function createSessionRuntime(deps: SessionRuntimeDeps) {
  const { store, catalogue, messages, discord, logger, now } = deps;
  const countsFlushMs = deps.countsFlushMs ?? COUNTS_FLUSH_MS;
  const retry = deps.retry ?? RETRY;
  const lives = new Map<string, Live>();
  const migrations = new Map<string, Promise<void>>();
  // Channels and threads of live sessions, so ordinary chatter elsewhere costs nothing.
  const watched = new Map<string, { guildId: string; channelId: string; live: string }>();
  const watchedBySession = new Map<string, { startedAt: number; ids: string[] }>();

  function liveKey(guildId: string, session: Pick<SessionControl, 'channelId' | 'startedAt'>): string {
    return `${guildId}:${session.channelId}:${sessionIdOf(session)}`;
  }

  function track(guildId: string, state: SessionControl): void {
    const key = `${guildId}:${state.channelId}`;
    const tracked = watchedBySession.get(key);
    // An older session's late effects (its recap, its filing away) must not unwatch the one that replaced it.
    if (tracked && state.startedAt < tracked.startedAt) return;
    for (const id of tracked?.ids ?? []) watched.delete(id);
    watchedBySession.delete(key);
    if (state.phase !== 'active') return;
    const live = liveKey(guildId, state);
    const ids = [state.channelId, ...state.prompts.flatMap((p) => (p.threadId ? [p.threadId] : []))];
    for (const id of ids) watched.set(id, { guildId, channelId: state.channelId, live });
    watchedBySession.set(key, { startedAt: state.startedAt, ids });
  }

  /** Starts and filings of one server run one at a time, so the channel list never misses a session. */
  const exclusive = createSerial();

  /** Moves a server's sessions out of the old shared record, once per process, before anything else. */
  function migrated(guildId: string): Promise<void> {
    let migration = migrations.get(guildId);
    if (!migration) {
      migration = exclusive(guildId, () => migrateLegacySessions(store, logger, guildId));
      migrations.set(guildId, migration);
      // A failed move is tried again by the next call; the caller sees the error.
      migration.catch(() => migrations.delete(guildId));
    }
    return migration;
  }

  /** The in-memory session of a stored control state, its counts read back the first time. */
  async function load(guildId: string, control: SessionControl): Promise<Live> {
    const key = liveKey(guildId, control);
    const known = lives.get(key);
    if (known) return known;
    const counts = await store.read(guildId, sessionCountsRecord(control.channelId, sessionIdOf(control)));
    // Another caller may have loaded it meanwhile, and counted since: keep that one.
    const again = lives.get(key);
    if (again) return again;
    const live: Live = {
      guildId,
      channelId: control.channelId,
      sessionId: sessionIdOf(control),
      control,
      counts,
      dirty: false,
      timer: null,
      flushed: Promise.resolve(),
      filed: false,
    };
    lives.set(key, live);
    return live;
  }

  /** The whole session of a stored control state, with the counts as this process has them. */
  async function stateOf(guildId: string, control: SessionControl): Promise<SessionState> {
    const live = lives.get(liveKey(guildId, control));
    if (live) return withCounts(control, live.counts);
    return withCounts(control, await store.read(guildId, sessionCountsRecord(control.channelId, sessionIdOf(control))));
  }

  /** Writes what was counted; a failed write keeps the counts and tries again later. */
  function flush(live: Live, rearm = true): Promise<void> {
    if (live.timer) clearTimeout(live.timer);
    live.timer = null;
    live.flushed = live.flushed.then(async () => {
      if (!live.dirty) return;
      live.dirty = false;
      const { guildId, channelId, sessionId } = live;
      try {
        await store.put(guildId, sessionCountsRecord(channelId, sessionId), live.counts);
      } catch (error) {
        live.dirty = true;
        logger.error({ err: error, guildId, channelId }, 'session message counts not written; trying again');
        if (rearm && !live.filed) armFlush(live);
      }
    });
    return live.flushed;
  }

  function armFlush(live: Live): void {
    // Unref'd: a pending flush must not keep a stopping process alive (shutdown flushes anyway).
    live.timer ??= setTimeout(() => void flush(live), countsFlushMs).unref();
  }

  /** Takes note of a control state just stored (or read), and flushes counts when the prompt or phase moved. */
  function noteControl(guildId: string, state: SessionState): void {
    const live = lives.get(liveKey(guildId, state));
    if (live) {
      const before = live.control;
      live.control = controlOf(state);
      if (before.current !== state.current || before.phase !== state.phase) void flush(live);
    }
    track(guildId, state);
  }

  /**
   * Feeds one event to the session of a channel (only the given one, when
   * `sessionId` is set) and stores the control state it leads to.
   */
  async function change<R>(
    guildId: string,
    channelId: string,
    sessionId: string | null,
    event: (state: SessionState) => Step<R>,
  ): Promise<Step<R> | null> {
    const stored = await store.read(guildId, sessionControlRecord(channelId));
    if (!stored) return null;
    await load(guildId, stored);
    const outcome = await store.update(guildId, sessionControlRecord(channelId), (control) => {
      if (!control || (sessionId !== null && sessionIdOf(control) !== sessionId))
        return { value: control, result: null };
      const state = withCounts(control, lives.get(liveKey(guildId, control))?.counts ?? null);
      const result = event(state);
      if (result.state === state) return { value: control, result };
      return { value: controlOf(result.state), result };
    });
    if (!outcome) return null;
    noteControl(guildId, outcome.state);
    return outcome;
  }

  /** A host's action: the reply goes back at once, and the channel's reconcile does what it owes. */
  async function step<R>(
    guildId: string,
    channelId: string,
    sessionId: string | null,
    event: (state: SessionState) => Step<R>,
  ): Promise<R | null> {
    await migrated(guildId);
    const outcome = await kernel.act(guildId, channelId, () => change(guildId, channelId, sessionId, event));
    return outcome?.reply ?? null;
  }

  /** Reports what Discord did back to the engine; what it owes next, the next pass derives. */
  async function report(
    guildId: string,
    snapshot: SessionState,
    event: (state: SessionState) => engine.EventResult,
  ): Promise<SessionState | null> {
    const outcome = await change(guildId, snapshot.channelId, sessionIdOf(snapshot), (state) => {
      const result = event(state);
      if (result.reply) {
        logger.warn({ guildId, channelId: snapshot.channelId, ...result.reply }, 'session report ignored');
      }
      return { state: result.state, effects: result.effects, reply: null };
    });
    return outcome?.state ?? null;
  }

  /** The session as stored now (an earlier effect of the list may have changed it), else the given snapshot. */
  async function latest(guildId: string, snapshot: SessionState): Promise<SessionState> {
    const control = await store.read(guildId, sessionControlRecord(snapshot.channelId));
    if (!control || sessionIdOf(control) !== sessionIdOf(snapshot)) return snapshot;
    return stateOf(guildId, control);
  }

  /**
   * Runs what a session owes, in order. A failed effect is logged and does not
   * cost the rest; the pass then throws, so the kernel retries what is still owed.
   */
  async function apply(
    guildId: string,
    snapshot: SessionState,
    effects: readonly engine.SessionEffect[],
  ): Promise<void> {
    let failed = 0;
    for (const effect of effects) {
      try {
        await applyOne(guildId, snapshot, effect);
      } catch (error) {
        failed += 1;
        logger.error({ err: error, guildId, channelId: snapshot.channelId, effect }, 'session effect failed');
      }
    }
    if (failed > 0) throw new Error(`${failed} of ${effects.length} session effects failed`);
  }

  // The control record is the outbox: the kernel runs `apply` for what `engine.owed` reads from it.
  const kernel = createKernel<SessionState, readonly engine.SessionEffect[]>(
    {
      name: 'session',
      async read(guildId, channelId) {
        const control = await store.read(guildId, sessionControlRecord(channelId));
        if (!control) return null;
        await load(guildId, control);
        return stateOf(guildId, control);
      },
      seen: (guildId, _channelId, state) => {
        if (state) track(guildId, state);
      },
      owed: (state, at) => {
        const effects = engine.owed(state, at);
        return effects.length > 0 ? effects : null;
      },
      perform: apply,
      // Sessions keep no deadlines: Discord closes a forgotten poll by itself.
      wakeAt: () => null,
    },
    {
      logger,
      now,
      retry: { first: retry.firstMs, max: retry.maxMs },
      inFlight: () => [...lives.values()].map((live) => live.flushed),
    },
  );

  async function applyOne(guildId: string, snapshot: SessionState, effect: engine.SessionEffect): Promise<void> {
    const { channelId } = snapshot;
    const pack = catalogue.pack(snapshot.article);
    switch (effect.type) {
      case 'post-opening':
        if (pack) await messages.send(channelId, renderOpening(pack, snapshot));
        await report(guildId, snapshot, engine.setOpeningPosted);
        return;
      case 'post-prompt':
        return postPrompt(guildId, await latest(guildId, snapshot), pack, effect.index);
      case 'show-follow-up': {
        const state = await latest(guildId, snapshot);
        const prompt = state.prompts[effect.index];
        const question = pack && prompt ? catalogue.question(pack.slug, prompt.questionId) : undefined;
        const text = question?.followUps[effect.followUp];
        const posted = (current: SessionState) =>
          engine.setFollowUpPosted(current, { index: effect.index, followUp: effect.followUp });
        if (!pack || !prompt || !question || text === undefined) {
          logger.warn({ guildId, channelId, effect }, 'session follow-up missing from the content');
          await report(guildId, state, posted);
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
        await report(guildId, state, posted);
        return refreshPrompt(guildId, state, pack, effect.index, question);
      }
      case 'post-poll': {
        const claim = pack?.claims.find((c) => c.id === effect.claimId);
        if (!pack || !claim) {
          logger.warn({ guildId, channelId, effect }, 'polled claim missing from the content');
          return;
        }
        // A retry and the first attempt may both be queued: post once.
        const state = await latest(guildId, snapshot);
        if (state.polls.find((p) => p.claimId === effect.claimId)?.messageId) return;
        const cardMessageId = await messages.send(channelId, renderPollCard(pack, claim, sessionIdOf(state)));
        const messageId = await messages.send(channelId, {}, pollRequest(claim));
        await report(guildId, snapshot, (current) =>
          engine.setPollMessage(current, { claimId: effect.claimId, messageId, cardMessageId }),
        );
        return;
      }
      case 'close-poll': {
        const state = await latest(guildId, snapshot);
        if (state.polls.find((p) => p.claimId === effect.claimId)?.status === 'closed') return;
        const counts = await closePoll(guildId, channelId, effect.messageId);
        await report(guildId, snapshot, (current) =>
          counts
            ? engine.pollResults(current, effect.claimId, counts)
            : engine.pollUnavailable(current, effect.claimId),
        );
        return;
      }
      case 'post-poll-result': {
        const state = await latest(guildId, snapshot);
        const poll = state.polls.find((p) => p.claimId === effect.claimId);
        if (!poll || poll.resultMessageId !== null) return;
        const view = recapView(state, pack?.questions ?? [], pack?.claims ?? []).polls.find(
          (p) => p.claimId === effect.claimId,
        );
        if (!view) return;
        const claim = pack?.claims.find((c) => c.id === effect.claimId);
        const messageId = await messages.send(channelId, renderPollResult(view, claim));
        await report(guildId, snapshot, (current) =>
          engine.setPollResultMessage(current, { claimId: effect.claimId, messageId }),
        );
        return;
      }
      case 'post-recap':
        return postRecap(guildId, await latest(guildId, snapshot));
      case 'file':
        return finish(guildId, await latest(guildId, snapshot));
    }
  }

  async function postPrompt(guildId: string, state: SessionState, pack: Pack | undefined, index: number) {
    const { channelId } = state;
    const prompt = state.prompts[index];
    // Already posted: a retry and the first attempt may both have been queued.
    if (prompt?.messageId) return;
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
        // Counted at once: a reply can arrive before the thread id is stored.
        const live = lives.get(liveKey(guildId, state));
        if (live) {
          const posted = engine.setPromptMessage(withCounts(live.control, null), { index, messageId, threadId });
          live.control = controlOf(posted.state);
        }
        watched.set(threadId, { guildId, channelId, live: liveKey(guildId, state) });
      } catch (error) {
        logger.warn({ err: error, guildId, channelId, index }, 'thread not created; replies stay in the channel');
      }
    }
    const updated = await report(guildId, state, (current) =>
      engine.setPromptMessage(current, { index, messageId, threadId }),
    );
    // The message said "reply in the thread": correct it now that there is none.
    if (state.threads && threadId === null && updated) await refreshPrompt(guildId, updated, pack, index, question);
  }

  /**
   * Shows the prompt's message as the state has it now. One deleted by a
   * moderator (10008) is posted afresh, so the session and its host buttons go on.
   */
  async function refreshPrompt(
    guildId: string,
    state: SessionState,
    pack: Pack,
    index: number,
    question: Question,
  ): Promise<void> {
    const prompt = state.prompts[index];
    if (!prompt?.messageId) return;
    const view = renderPrompt(pack, state, index, question);
    const messageId = await editOrPost(messages, state.channelId, prompt.messageId, view, () =>
      logger.warn({ guildId, channelId: state.channelId, index }, 'prompt message was deleted; posting it again'),
    );
    if (messageId === prompt.messageId) return;
    await report(guildId, state, (current) =>
      engine.setPromptMessage(current, { index, messageId, threadId: prompt.threadId }),
    );
  }

  /** Takes the host buttons off a prompt the session has moved past; one that is gone needs nothing. */
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

  /** Poll cards still showing their host button lose it: the session that would act on it is over. */
  async function retirePollCards(guildId: string, state: SessionState, pack: Pack): Promise<void> {
    for (const poll of state.polls) {
      const claim = pack.claims.find((c) => c.id === poll.claimId);
      if (poll.revealNow || poll.cardMessageId === null || !claim) continue;
      try {
        await messages.edit(
          state.channelId,
          poll.cardMessageId,
          renderPollCard(pack, claim, sessionIdOf(state), false),
        );
      } catch (error) {
        logger.warn(
          { err: error, guildId, channelId: state.channelId, claimId: poll.claimId },
          'poll card not updated',
        );
      }
    }
  }

  /**
   * Expires a poll and reads its final counts; a poll that already closed is
   * read instead. Null when Discord answered that they cannot be had (the poll
   * was deleted, or the bot may not see it); throws when Discord could not be
   * reached, so the close is tried again.
   */
  async function closePoll(guildId: string, channelId: string, messageId: string): Promise<PollCounts | null> {
    try {
      const counts = pollCountsOf(await discord.expirePoll(channelId, messageId));
      if (counts) return counts;
    } catch (error) {
      if (!(error instanceof DiscordAPIError)) throw error;
      logger.warn({ err: error, guildId, channelId, messageId }, 'poll not expired; reading it instead');
    }
    try {
      return pollCountsOf(await discord.fetchMessage(channelId, messageId));
    } catch (error) {
      if (!(error instanceof DiscordAPIError)) throw error;
      logger.warn({ err: error, guildId, channelId, messageId }, 'poll results not readable');
      return null;
    }
  }

  async function postRecap(guildId: string, state: SessionState): Promise<void> {
    if (state.recapMessageId !== null) return finish(guildId, state);
    // A poll still closing goes first: a recap posted without its results could not be corrected.
    const closing = state.polls.filter((p) => p.status === 'open' && p.messageId !== null);
    if (closing.length > 0) {
      throw new Error(`the recap waits for the results of ${closing.map((p) => p.claimId).join(', ')}`);
    }
    const pack = catalogue.pack(state.article);
    if (pack) {
      await retirePrompt(guildId, state, pack, state.current);
      await retirePollCards(guildId, state, pack);
    }
    const view = recapView(state, pack?.questions ?? [], pack?.claims ?? []);
    let first: string | null = null;
    for (const part of renderRecap(view, pack?.article.shortTitle ?? state.article, pack?.claims ?? [])) {
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
    const { channelId } = state;
    const sessionId = sessionIdOf(state);
    const key = liveKey(guildId, state);
    const live = lives.get(key);
    if (live) {
      live.filed = true;
      if (live.timer) clearTimeout(live.timer);
      live.timer = null;
      await live.flushed;
    }
    await store.update(guildId, sessionArchiveRecord(channelId), () => ({ value: state, result: null }));
    await store.delete(guildId, sessionCountsRecord(channelId, sessionId));
    await exclusive(guildId, async () => {
      const current = await store.read(guildId, sessionControlRecord(channelId));
      // A newer session may have taken the channel meanwhile: it stays, and so does the channel.
      if (current && sessionIdOf(current) !== sessionId) return;
      if (current) await store.delete(guildId, sessionControlRecord(channelId));
      await store.update(guildId, sessionServerRecord, (server) =>
        server.channels.includes(channelId)
          ? { value: { ...server, channels: server.channels.filter((c) => c !== channelId) }, result: null }
          : { value: server, result: null },
      );
    });
    lives.delete(key);
    track(guildId, { ...state, phase: 'ended' });
  }

  function resolveChannel(channelId: string): string {
    return watched.get(channelId)?.channelId ?? channelId;
  }

  /** The stored control states of a server's sessions in play, in one read. */
  async function controlsIn(guildId: string): Promise<SessionControl[]> {
    const { channels } = await store.read(guildId, sessionServerRecord);
    const controls = await store.readMany(
      guildId,
      channels.map((channelId) => sessionControlRecord(channelId)),
    );
    return controls.flatMap((control) => (control ? [control] : []));
  }

  return {
    async start(input: ChannelStart<SessionOptions>): Promise<StartOutcome> {
      const { guildId, channelId, pack } = input;
      await migrated(guildId);
      // A session that just ended here may still be posting its recap: it finishes first.
      if ((await store.read(guildId, sessionControlRecord(channelId)))?.phase === 'ended') {
        await kernel.settled(guildId, channelId);
      }
      const outcome = await exclusive(
        guildId,
        async (): Promise<StartOutcome | { kind: 'new'; started: engine.StartResult & { state: SessionState } }> => {
          const running = await store.read(guildId, sessionControlRecord(channelId));
          if (running?.phase === 'active') return { kind: 'busy', session: await stateOf(guildId, running) };
          const at = now();
          const started = await store.update<SessionServer, engine.StartResult>(
            guildId,
            sessionServerRecord,
            (server) => {
              const result = engine.startSession(
                {
                  guildId,
                  channelId,
                  hostId: input.hostId,
                  article: pack.slug,
                  questions: pack.questions,
                  usedPromptIds: server.used[pack.slug] ?? [],
                  count: input.options.count,
                  theme: input.options.theme,
                  level: input.options.level,
                  threads: input.options.threads,
                  seed: randomBytes(4).readUInt32BE(0),
                },
                at,
              );
              if (result.state === null) return { value: server, result };
              const channels = server.channels.includes(channelId) ? server.channels : [...server.channels, channelId];
              return { value: { channels, used: { ...server.used, [pack.slug]: result.used } }, result };
            },
          );
          if (started.state === null) return { kind: 'refused', reply: started.reply };
          // An ended session whose recap is still waiting out a failure is replaced: the new session goes first.
          await store.put(guildId, sessionControlRecord(channelId), controlOf(started.state));
          return { kind: 'new', started };
        },
      );
      if (outcome.kind !== 'new') return outcome;
      const { state, reply } = outcome.started;
      await load(guildId, controlOf(state));
      track(guildId, state);
      kernel.kick(guildId, channelId);
      return { kind: 'started', session: state, note: reply.note };
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

    /** The host closes one claim's poll now and its check is posted at once. */
    async closeOnePoll(
      guildId: string,
      channelId: string,
      sessionId: string | null,
      claimId: string,
    ): Promise<engine.ClosePollReply> {
      const reply = await step(guildId, channelId, sessionId, (state) => engine.closeClaimPoll(state, claimId));
      return reply ?? { kind: 'session-ended' };
    },

    async end(guildId: string, channelId: string, sessionId: string | null): Promise<engine.EndReply> {
      const reply = await step(guildId, channelId, sessionId, (state) => engine.end(state, now()));
      return reply ?? { kind: 'session-ended' };
    },

    /**
     * Counts a message toward its prompt, in memory (flushed every few seconds,
     * see the top of this file); messages outside live sessions' channels and threads are skipped at once.
     */
    recordMessage(message: IncomingMessage): void {
      if (message.isBot) return;
      const target = watched.get(message.channelId);
      if (!target || target.guildId !== message.guildId) return;
      const live = lives.get(target.live);
      if (!live || live.filed) return;
      const state = withCounts(live.control, live.counts);
      const { state: counted } = engine.recordMessage(state, message, now());
      if (counted === state) return;
      live.counts = countsOf(counted);
      live.dirty = true;
      armFlush(live);
    },

    /** The live session of a channel, or null. */
    async activeSession(guildId: string, channelId: string): Promise<SessionState | null> {
      await migrated(guildId);
      const control = await store.read(guildId, sessionControlRecord(channelId));
      return control?.phase === 'active' ? stateOf(guildId, control) : null;
    },

    /** Every live session of a server. */
    async sessionsIn(guildId: string): Promise<SessionState[]> {
      await migrated(guildId);
      const active = (await controlsIn(guildId)).filter((c) => c.phase === 'active');
      return Promise.all(active.map((control) => stateOf(guildId, control)));
    },

    /** The current session of a channel, else the last one that ended there. */
    async lastSession(guildId: string, channelId: string): Promise<SessionState | null> {
      await migrated(guildId);
      const control = await store.read(guildId, sessionControlRecord(channelId));
      return control ? stateOf(guildId, control) : store.read(guildId, sessionArchiveRecord(channelId));
    },

    /** The session channel a prompt's thread belongs to (any other channel is its own). */
    sessionChannelOf(channelId: string): string {
      return resolveChannel(channelId);
    },

    /** Picks up every session of a server after a restart and does what each still owes. */
    /**
     * Resumes the servers this process owns that have any session record, found from the
     * store's key index: reading every server's records at start-up cost seconds at 10,000
     * servers, and a server that never ran a session has nothing to resume.
     */
    async resume(owns: (guildId: string) => boolean): Promise<number> {
      const guilds = new Set<string>();
      for (const { guildId } of await store.listRecords('session:')) if (owns(guildId)) guilds.add(guildId);
      let resumed = 0;
      for (const guildId of guilds) resumed += await this.resumeGuild(guildId);
      return resumed;
    },

    async resumeGuild(guildId: string): Promise<number> {
      await migrated(guildId);
      let resumed = 0;
      for (const control of await controlsIn(guildId)) {
        await load(guildId, control);
        track(guildId, control);
        if (control.phase === 'active') resumed += 1;
        kernel.kick(guildId, control.channelId);
      }
      return resumed;
    },

    /** Does at once what waits for a retry (the store is back after an outage), instead of at the backoff's end. */
    retryNow(): void {
      kernel.retryNow();
    },

    /**
     * Writes the counted messages now and resolves once nothing is queued or in
     * flight: no effect, no retry waiting, no count being written.
     */
    async idle(): Promise<void> {
      for (const live of lives.values()) if (live.timer) void flush(live);
      await kernel.idle();
    },

    /**
     * Waits for the effects in flight and writes every count. Nothing more is
     * done: the stored state owes the rest, and start-up does it.
     */
    async shutdown(): Promise<void> {
      await kernel.stop();
      await Promise.all([...lives.values()].map((live) => flush(live, false)));
    },
  };
}

function wrongPrompt(state: SessionState): Step<WrongPromptReply> {
  return { state, effects: [], reply: { kind: 'wrong-prompt', current: state.current } };
}
