import type { Level, Question, Theme } from '../../content/schema.js';
import { choosePrompts, type PromptNote } from './choose-prompts.js';
import {
  type Participant,
  type PollCounts,
  PollCountsSchema,
  type PollState,
  PROMPT_COUNT,
  type PromptState,
  type SessionState,
} from './state.js';

/**
 * The discussion session as a pure state machine: every function takes the
 * stored state (and the time, when it matters) and returns the next state, the
 * effects the runtime must carry out in order, and what to tell the host.
 * Rejected events return the very same state object, so the runtime skips the write.
 */

export type SessionEffect =
  | { type: 'post-opening' }
  | { type: 'post-prompt'; index: number }
  /** `followUp` indexes the question's follow-ups. */
  | { type: 'show-follow-up'; index: number; followUp: number }
  | { type: 'post-poll'; claimId: string }
  | { type: 'close-poll'; claimId: string; messageId: string }
  /** The poll's split and its check, posted when the host closed it mid-session. */
  | { type: 'post-poll-result'; claimId: string }
  | { type: 'post-recap' }
  /** An ended session whose recap is posted: archived and taken out of play. */
  | { type: 'file' };

export type SessionEndedReply = { kind: 'session-ended' };
export type StartedReply = { kind: 'started'; promptCount: number; note: PromptNote | null };
export type StartRefusedReply =
  | { kind: 'no-prompts'; theme: Theme | null; level: Level | null }
  | { kind: 'invalid-count'; count: number; min: number; max: number };
export type EndReply = { kind: 'ended' } | SessionEndedReply;
export type NextReply = { kind: 'prompt-shown'; index: number; total: number } | EndReply;
export type FollowUpReply =
  | { kind: 'follow-up-shown'; index: number; followUp: number; remaining: number }
  | { kind: 'no-follow-ups-left'; index: number }
  | SessionEndedReply;
export type PollReply =
  | { kind: 'poll-opened'; claimId: string }
  | { kind: 'already-polled'; poll: PollState }
  | SessionEndedReply;
export type ClosePollReply =
  | { kind: 'poll-closing'; claimId: string }
  | { kind: 'poll-not-posted'; claimId: string }
  | { kind: 'poll-already-revealed'; claimId: string }
  | { kind: 'not-polled'; claimId: string }
  | SessionEndedReply;
/** Why a runtime-reported event changed nothing; for logs, not for users. */
export type IgnoredReply = {
  kind: 'ignored';
  reason: 'session-ended' | 'session-active' | 'unknown-prompt' | 'unknown-poll' | 'invalid-counts';
};

export interface ActionResult<R> {
  state: SessionState;
  effects: SessionEffect[];
  reply: R;
}

export interface EventResult {
  state: SessionState;
  effects: SessionEffect[];
  reply?: IgnoredReply;
}

export type StartResult =
  | { state: SessionState; effects: SessionEffect[]; reply: StartedReply; used: string[] }
  | { state: null; effects: []; reply: StartRefusedReply };

export interface StartInput {
  guildId: string;
  channelId: string;
  hostId: string;
  article: string;
  /** The article's discussion questions. */
  questions: readonly Question[];
  /** Prompts already used in this server, oldest first. */
  usedPromptIds: readonly string[];
  count?: number | null | undefined;
  theme?: Theme | null | undefined;
  level?: Level | null | undefined;
  threads?: boolean | null | undefined;
  seed: number;
}

export interface ChannelMessage {
  channelId: string;
  userId: string;
  displayName: string;
  isBot: boolean;
}

export function startSession(input: StartInput, now: number): StartResult {
  const count = input.count ?? PROMPT_COUNT.default;
  if (!Number.isInteger(count) || count < PROMPT_COUNT.min || count > PROMPT_COUNT.max) {
    return {
      state: null,
      effects: [],
      reply: { kind: 'invalid-count', count, min: PROMPT_COUNT.min, max: PROMPT_COUNT.max },
    };
  }
  const theme = input.theme ?? null;
  const level = input.level ?? null;
  const choice = choosePrompts(input.questions, input.usedPromptIds, { count, theme, level }, input.seed);
  const byId = new Map(input.questions.map((q) => [q.id, q]));
  const prompts: PromptState[] = [];
  for (const questionId of choice.promptIds) {
    const question = byId.get(questionId);
    if (question === undefined) continue;
    prompts.push({
      questionId,
      followUps: question.followUps.length,
      shownFollowUps: 0,
      messageId: null,
      threadId: null,
      startedAt: prompts.length === 0 ? now : null,
      participants: [],
    });
  }
  if (prompts.length === 0) return { state: null, effects: [], reply: { kind: 'no-prompts', theme, level } };
  const state: SessionState = {
    version: 1,
    guildId: input.guildId,
    channelId: input.channelId,
    hostId: input.hostId,
    article: input.article,
    threads: input.threads ?? true,
    theme,
    level,
    seed: input.seed,
    phase: 'active',
    current: 0,
    prompts,
    polls: [],
    startedAt: now,
    endedAt: null,
    recapMessageId: null,
    openingPosted: false,
    followUpsPosted: prompts.map(() => 0),
  };
  return {
    state,
    effects: [{ type: 'post-opening' }, { type: 'post-prompt', index: 0 }],
    reply: { kind: 'started', promptCount: prompts.length, note: choice.note },
    used: choice.used,
  };
}

/** Moves to the next prompt; after the last one the session ends. */
export function next(state: SessionState, now: number): ActionResult<NextReply> {
  if (state.phase === 'ended') return { state, effects: [], reply: { kind: 'session-ended' } };
  const index = state.current + 1;
  if (index >= state.prompts.length) return end(state, now);
  return {
    state: { ...updatePrompt(state, index, (p) => ({ ...p, startedAt: now })), current: index },
    effects: [{ type: 'post-prompt', index }],
    reply: { kind: 'prompt-shown', index, total: state.prompts.length },
  };
}

/** Reveals the current prompt's next hidden follow-up. */
export function showFollowUp(state: SessionState): ActionResult<FollowUpReply> {
  if (state.phase === 'ended') return { state, effects: [], reply: { kind: 'session-ended' } };
  const index = state.current;
  const prompt = state.prompts[index];
  if (prompt === undefined || prompt.shownFollowUps >= prompt.followUps) {
    return { state, effects: [], reply: { kind: 'no-follow-ups-left', index } };
  }
  const followUp = prompt.shownFollowUps;
  return {
    state: updatePrompt(state, index, (p) => ({ ...p, shownFollowUps: followUp + 1 })),
    effects: [{ type: 'show-follow-up', index, followUp }],
    reply: { kind: 'follow-up-shown', index, followUp, remaining: prompt.followUps - followUp - 1 },
  };
}

/** Opens a class poll on a claim; the runtime has checked the claim belongs to the article. */
export function pollClaim(state: SessionState, claimId: string, now: number): ActionResult<PollReply> {
  if (state.phase === 'ended') return { state, effects: [], reply: { kind: 'session-ended' } };
  const existing = state.polls.find((p) => p.claimId === claimId);
  if (existing !== undefined) return { state, effects: [], reply: { kind: 'already-polled', poll: existing } };
  const poll: PollState = {
    claimId,
    messageId: null,
    status: 'open',
    openedAt: now,
    results: null,
    revealNow: false,
    cardMessageId: null,
    resultMessageId: null,
  };
  return {
    state: { ...state, polls: [...state.polls, poll] },
    effects: [{ type: 'post-poll', claimId }],
    reply: { kind: 'poll-opened', claimId },
  };
}

/**
 * The host closes one poll mid-session: Discord's poll is ended and its split
 * posted with the check at once (the recap still lists it).
 */
export function closeClaimPoll(state: SessionState, claimId: string): ActionResult<ClosePollReply> {
  if (state.phase !== 'active') return { state, effects: [], reply: { kind: 'session-ended' } };
  const index = state.polls.findIndex((p) => p.claimId === claimId);
  const poll = state.polls[index];
  if (poll === undefined) return { state, effects: [], reply: { kind: 'not-polled', claimId } };
  if (poll.revealNow) return { state, effects: [], reply: { kind: 'poll-already-revealed', claimId } };
  if (poll.status === 'open' && poll.messageId === null) {
    return { state, effects: [], reply: { kind: 'poll-not-posted', claimId } };
  }
  const effects: SessionEffect[] =
    poll.status === 'open' && poll.messageId !== null
      ? [{ type: 'close-poll', claimId, messageId: poll.messageId }]
      : [{ type: 'post-poll-result', claimId }];
  const updated: PollState = { ...poll, revealNow: true };
  return {
    state: { ...state, polls: state.polls.map((p, i) => (i === index ? updated : p)) },
    effects,
    reply: { kind: 'poll-closing', claimId },
  };
}

/** The runtime reports the mid-session result it posted for a poll. */
export function setPollResultMessage(state: SessionState, report: { claimId: string; messageId: string }): EventResult {
  const index = state.polls.findIndex((p) => p.claimId === report.claimId);
  const poll = state.polls[index];
  if (poll === undefined) return ignore(state, 'unknown-poll');
  if (poll.resultMessageId === report.messageId) return { state, effects: [] };
  const updated: PollState = { ...poll, resultMessageId: report.messageId };
  return { state: { ...state, polls: state.polls.map((p, i) => (i === index ? updated : p)) }, effects: [] };
}

/** A poll the host closed mid-session owes its result once it is closed. */
function owedResult(poll: PollState, phase: SessionState['phase']): SessionEffect[] {
  return phase === 'active' && poll.revealNow && poll.status === 'closed' && poll.resultMessageId === null
    ? [{ type: 'post-poll-result', claimId: poll.claimId }]
    : [];
}

/** Ends the session: open polls are closed first so their results can reach the recap. */
export function end(state: SessionState, now: number): ActionResult<EndReply> {
  if (state.phase === 'ended') return { state, effects: [], reply: { kind: 'session-ended' } };
  const effects: SessionEffect[] = [];
  const polls = state.polls.map((poll): PollState => {
    if (poll.status !== 'open') return poll;
    // Never posted (or not reported yet): nothing to close now; setPollMessage closes it if it turns up.
    if (poll.messageId === null) return { ...poll, status: 'closed' };
    effects.push({ type: 'close-poll', claimId: poll.claimId, messageId: poll.messageId });
    return poll;
  });
  effects.push({ type: 'post-recap' });
  return { state: { ...state, phase: 'ended', endedAt: now, polls }, effects, reply: { kind: 'ended' } };
}

/** The runtime reports the prompt's message and its thread (null when it could not make one). */
export function setPromptMessage(
  state: SessionState,
  report: { index: number; messageId: string; threadId: string | null },
): EventResult {
  const prompt = state.prompts[report.index];
  if (prompt === undefined || prompt.startedAt === null) return ignore(state, 'unknown-prompt');
  if (prompt.messageId === report.messageId && prompt.threadId === report.threadId) return { state, effects: [] };
  return {
    state: updatePrompt(state, report.index, (p) => ({ ...p, messageId: report.messageId, threadId: report.threadId })),
    effects: [],
  };
}

export function setPollMessage(
  state: SessionState,
  report: { claimId: string; messageId: string; cardMessageId?: string },
): EventResult {
  const index = state.polls.findIndex((p) => p.claimId === report.claimId);
  const poll = state.polls[index];
  if (poll === undefined) return ignore(state, 'unknown-poll');
  if (poll.messageId === report.messageId) return { state, effects: [] };
  // The post finished after the session ended: close it at once.
  const late = state.phase === 'ended' && poll.results === null;
  const updated: PollState = {
    ...poll,
    messageId: report.messageId,
    cardMessageId: report.cardMessageId ?? poll.cardMessageId,
    status: late ? 'open' : poll.status,
  };
  return {
    state: { ...state, polls: state.polls.map((p, i) => (i === index ? updated : p)) },
    effects: late ? [{ type: 'close-poll', claimId: poll.claimId, messageId: report.messageId }] : [],
  };
}

/** The runtime reports the opening message posted (or skipped: its article left the content). */
export function setOpeningPosted(state: SessionState): EventResult {
  if (state.openingPosted !== false) return { state, effects: [] };
  return { state: { ...state, openingPosted: true }, effects: [] };
}

/** Follow-ups of prompt `index` posted so far. */
function followUpsPostedOf(state: SessionState, index: number): number {
  return state.followUpsPosted?.[index] ?? state.prompts[index]?.shownFollowUps ?? 0;
}

/** The runtime reports follow-up `followUp` of prompt `index` posted (or skipped: it left the content). */
export function setFollowUpPosted(state: SessionState, report: { index: number; followUp: number }): EventResult {
  if (state.prompts[report.index] === undefined) return ignore(state, 'unknown-prompt');
  if (followUpsPostedOf(state, report.index) > report.followUp) return { state, effects: [] };
  const followUpsPosted = state.prompts.map((_, i) =>
    i === report.index ? report.followUp + 1 : followUpsPostedOf(state, i),
  );
  return { state: { ...state, followUpsPosted }, effects: [] };
}

export function setRecapMessage(state: SessionState, messageId: string): EventResult {
  if (state.phase !== 'ended') return ignore(state, 'session-active');
  if (state.recapMessageId === messageId) return { state, effects: [] };
  return { state: { ...state, recapMessageId: messageId }, effects: [] };
}

/**
 * Counts a message toward a prompt: in any prompt's thread, or in the session
 * channel while the current prompt has no thread. Content is never stored.
 */
export function recordMessage(state: SessionState, message: ChannelMessage, _now: number): EventResult {
  if (state.phase === 'ended' || message.isBot) return { state, effects: [] };
  const index = findPromptIndex(state, message.channelId);
  if (index === null) return { state, effects: [] };
  return {
    state: updatePrompt(state, index, (p) => ({ ...p, participants: countMessage(p.participants, message) })),
    effects: [],
  };
}

/** Final counts from Discord, after a close-poll effect or the poll's own expiry. */
export function pollResults(state: SessionState, claimId: string, counts: PollCounts): EventResult {
  const index = state.polls.findIndex((p) => p.claimId === claimId);
  const poll = state.polls[index];
  if (poll === undefined) return ignore(state, 'unknown-poll');
  const parsed = PollCountsSchema.safeParse(counts);
  if (!parsed.success) return ignore(state, 'invalid-counts');
  if (poll.status === 'closed' && poll.results !== null && sameCounts(poll.results, parsed.data)) {
    return { state, effects: [] };
  }
  const updated: PollState = { ...poll, status: 'closed', results: parsed.data };
  return {
    state: { ...state, polls: state.polls.map((p, i) => (i === index ? updated : p)) },
    effects: owedResult(updated, state.phase),
  };
}

/** The poll cannot be read any more (deleted by a moderator, or Discord refuses): closed without results. */
export function pollUnavailable(state: SessionState, claimId: string): EventResult {
  const index = state.polls.findIndex((p) => p.claimId === claimId);
  const poll = state.polls[index];
  if (poll === undefined) return ignore(state, 'unknown-poll');
  if (poll.status === 'closed') return { state, effects: [] };
  const updated: PollState = { ...poll, status: 'closed' };
  return {
    state: { ...state, polls: state.polls.map((p, i) => (i === index ? updated : p)) },
    effects: owedResult(updated, state.phase),
  };
}

/**
 * Effects owed by a stored state: after a restart, and after a failed Discord
 * call (the runtime retries with backoff). Posting is at least once: a post
 * whose id was never reported is made again, since a missing prompt loses its thread.
 */
export function resume(state: SessionState, _now: number): EventResult {
  const effects: SessionEffect[] = [];
  if (state.phase === 'active') {
    if (state.prompts[state.current]?.messageId === null) effects.push({ type: 'post-prompt', index: state.current });
    for (const poll of state.polls) {
      if (poll.status === 'open' && poll.messageId === null) effects.push({ type: 'post-poll', claimId: poll.claimId });
      if (poll.revealNow && poll.status === 'open' && poll.messageId !== null) {
        effects.push({ type: 'close-poll', claimId: poll.claimId, messageId: poll.messageId });
      }
      effects.push(...owedResult(poll, state.phase));
    }
  } else if (state.recapMessageId === null) {
    for (const poll of state.polls) {
      if (poll.status === 'open' && poll.messageId !== null) {
        effects.push({ type: 'close-poll', claimId: poll.claimId, messageId: poll.messageId });
      }
    }
    effects.push({ type: 'post-recap' });
  }
  return { state, effects };
}

/**
 * Everything a stored session still owes, in the order it is done: the
 * opening, earlier prompts not posted yet and their follow-ups, the current
 * prompt, its follow-ups,
 * then what `resume` owes of polls and the recap, and last filing it away. The
 * runtime derives its work from this after every event, on a failure's retry
 * and at start-up; each effect's report to the engine takes it off the list.
 */
export function owed(state: SessionState, now: number): SessionEffect[] {
  const rest = resume(state, now).effects;
  const effects: SessionEffect[] = state.openingPosted === false ? [{ type: 'post-opening' }] : [];
  const followUps = (from: number, to: number) => {
    for (let index = from; index < to; index++) {
      const shown = state.prompts[index]?.shownFollowUps ?? 0;
      for (let followUp = followUpsPostedOf(state, index); followUp < shown; followUp++) {
        effects.push({ type: 'show-follow-up', index, followUp });
      }
    }
  };
  for (let index = 0; index < state.current; index++) {
    // Moved past before it was posted (two Nexts in a row): posted still, in order, as the host asked.
    const prompt = state.prompts[index];
    if (state.phase === 'active' && prompt && prompt.startedAt !== null && prompt.messageId === null) {
      effects.push({ type: 'post-prompt', index });
    }
    followUps(index, index + 1);
  }
  const prompt = rest[0]?.type === 'post-prompt' ? rest.shift() : undefined;
  if (prompt) effects.push(prompt);
  followUps(state.current, state.prompts.length);
  effects.push(...rest);
  if (state.phase === 'ended' && state.recapMessageId !== null) effects.push({ type: 'file' });
  return effects;
}

function findPromptIndex(state: SessionState, channelId: string): number | null {
  const inThread = state.prompts.findIndex((p) => p.threadId !== null && p.threadId === channelId);
  if (inThread !== -1) return inThread;
  if (channelId !== state.channelId) return null;
  const current = state.prompts[state.current];
  if (current === undefined) return null;
  // With threads asked for, the channel counts only once the prompt is known to have no thread.
  const inChannel = state.threads ? current.messageId !== null && current.threadId === null : current.threadId === null;
  return inChannel ? state.current : null;
}

function countMessage(participants: readonly Participant[], message: ChannelMessage): Participant[] {
  const known = participants.some((p) => p.userId === message.userId);
  if (!known) return [...participants, { userId: message.userId, displayName: message.displayName, messages: 1 }];
  return participants.map((p) =>
    p.userId === message.userId ? { ...p, displayName: message.displayName, messages: p.messages + 1 } : p,
  );
}

function updatePrompt(state: SessionState, index: number, update: (p: PromptState) => PromptState): SessionState {
  return { ...state, prompts: state.prompts.map((p, i) => (i === index ? update(p) : p)) };
}

function sameCounts(a: PollCounts, b: PollCounts): boolean {
  return (
    a.agree === b.agree &&
    a.disagree === b.disagree &&
    a.notSure === b.notSure &&
    a.needMoreEvidence === b.needMoreEvidence
  );
}

function ignore(state: SessionState, reason: IgnoredReply['reason']): EventResult {
  return { state, effects: [], reply: { kind: 'ignored', reason } };
}
