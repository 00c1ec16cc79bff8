import { chooseQuestions } from './choose-questions.js';
import { computePoints, findCorrectChoice } from './scoring.js';
import {
  type Answer,
  AUTO_ADVANCE_MS,
  type BankNote,
  QUESTION_COUNT,
  type QuizControl,
  type QuizItems,
  type Scoring,
  SECONDS,
  type Settings,
  SettingsSchema,
} from './state.js';

/**
 * The quiz round as a pure state machine over the channel's control state:
 * (state, event, now) -> { state, reply }. A refused event returns the very same
 * state object, so the runtime can skip the write. What the new state owes (a
 * question to post, a reveal to show) is read from it by `owed`, not returned as
 * effects: the stored state is the outbox.
 */

export interface Outcome<R> {
  readonly state: QuizControl;
  readonly reply: R;
}

/** Refusals shared by all events that target one question of one round. */
export type Refusal = { readonly kind: 'round-ended' } | { readonly kind: 'wrong-question'; readonly current: number };

export type AnswerReply =
  | { readonly kind: 'accepted'; readonly choice: number }
  | { readonly kind: 'store-unavailable' }
  | { readonly kind: 'already-answered'; readonly choice: number }
  | { readonly kind: 'closed' }
  | { readonly kind: 'invalid-choice' }
  // The question's item is no longer in the catalogue (content changed under a running round).
  | { readonly kind: 'unavailable' }
  // The host who started the round runs it; they play only when the round says so.
  | { readonly kind: 'host-not-playing' }
  | Refusal;

export type CloseReply =
  | { readonly kind: 'revealed' }
  | { readonly kind: 'closed' }
  | { readonly kind: 'too-early'; readonly deadline: number | null }
  | Refusal;

export type NextReply =
  | { readonly kind: 'advanced'; readonly index: number }
  | { readonly kind: 'finished' }
  | { readonly kind: 'still-open' }
  | Refusal;

export type StopReply = { readonly kind: 'stopped' } | { readonly kind: 'round-ended' };

export interface StartOptions {
  readonly questions?: number | null | undefined;
  /** 0 = host-paced, no timer. */
  readonly seconds?: number | null | undefined;
  readonly scoring?: Scoring | null | undefined;
  readonly difficulty?: Settings['difficulty'] | undefined;
  readonly auto?: boolean | null | undefined;
  readonly hostPlays?: boolean | null | undefined;
}

export interface StartInput {
  readonly roundId: string;
  readonly article: string;
  readonly channelId: string;
  readonly hostId: string;
  readonly options: StartOptions;
  /** Ids of the article's items matching the difficulty. */
  readonly bank: readonly string[];
  /** The server's used list for this article. */
  readonly used: readonly string[];
  readonly seed: number;
}

export type StartError =
  | { readonly kind: 'invalid-settings'; readonly field: string; readonly message: string }
  | { readonly kind: 'empty-bank' };

type StartErrorResult = { readonly ok: false; readonly error: StartError };

export type StartResult =
  | {
      readonly ok: true;
      readonly state: QuizControl;
      /** The server's new used list for this article, to store with the round. */
      readonly used: string[];
      readonly bankNote: BankNote | null;
    }
  | StartErrorResult;

export interface AnswerEvent {
  readonly roundId: string;
  /** Question index the button was posted for. */
  readonly index: number;
  readonly userId: string;
  readonly displayName: string;
  readonly choice: number;
}

/** What a click decides: the answer to record, or why not. Recording it (first one wins) is the runtime's. */
export type AnswerDecision =
  | { readonly kind: 'record'; readonly answer: Answer }
  | Exclude<AnswerReply, { kind: 'accepted' } | { kind: 'store-unavailable' }>;

export interface CloseEvent {
  readonly index: number;
  readonly by: 'timer' | 'host';
}

export interface NextEvent {
  /** The question being left; a repeated or stale "next" then cannot skip one. */
  readonly index: number;
}

/** Work the stored state still owes, in the order it must be done. */
export type Owed =
  | { readonly kind: 'post-question'; readonly index: number }
  | { readonly kind: 'close'; readonly index: number }
  | { readonly kind: 'show-reveal'; readonly index: number }
  // The previous question's reveal loses its host buttons once the next question is out.
  | { readonly kind: 'retire-previous'; readonly index: number; readonly messageId: string }
  | { readonly kind: 'advance'; readonly index: number }
  | { readonly kind: 'file' }
  | { readonly kind: 'post-standings' }
  // Finished, filed and shown: the control record can go.
  | { readonly kind: 'remove' };

export function resolveSettings(options: StartOptions): { ok: true; settings: Settings } | StartErrorResult {
  const seconds = options.seconds ?? SECONDS.default;
  const candidate = {
    count: options.questions ?? QUESTION_COUNT.default,
    seconds,
    scoring: options.scoring ?? (seconds === SECONDS.untimed ? 'simple' : 'speed'),
    difficulty: options.difficulty ?? null,
    auto: options.auto ?? false,
    hostPlays: options.hostPlays ?? false,
  };
  const parsed = SettingsSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, settings: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    error: {
      kind: 'invalid-settings',
      field: issue?.path.map(String).join('.') ?? '',
      message: issue?.message ?? 'invalid settings',
    },
  };
}

export function startRound(input: StartInput, now: number): StartResult {
  const resolved = resolveSettings(input.options);
  if (!resolved.ok) return resolved;
  const { settings } = resolved;
  const choice = chooseQuestions(input.bank, input.used, settings.count, input.seed);
  if (choice.picked.length === 0) return { ok: false, error: { kind: 'empty-bank' } };
  const state: QuizControl = {
    roundId: input.roundId,
    article: input.article,
    channelId: input.channelId,
    hostId: input.hostId,
    settings,
    questionIds: choice.picked,
    seed: input.seed,
    index: 0,
    phase: 'question-open',
    openedAt: now,
    deadline: computeDeadline(settings, now),
    closedAt: null,
    advanceAt: null,
    questionMessageId: null,
    revealShown: false,
    previousMessageId: null,
    filed: false,
    standingsShown: false,
    startedAt: now,
    endedAt: null,
    endedBy: null,
    bankNote: choice.note,
  };
  return { ok: true, state, used: choice.used, bankNote: choice.note };
}

/**
 * Decides a click. `clickedAt` is when the student clicked (the interaction's own
 * time, clamped to its arrival), so a click made before the question closed counts
 * even when it is processed after. `previous` is this student's recorded answer.
 */
export function answer(
  state: QuizControl,
  event: AnswerEvent,
  clickedAt: number,
  items: QuizItems,
  previous: Answer | undefined,
): AnswerDecision {
  const refusal = checkTarget(state, event.index, event.roundId);
  if (refusal) return refusal;
  if (previous) return { kind: 'already-answered', choice: previous.choice };
  if (event.userId === state.hostId && !state.settings.hostPlays) return { kind: 'host-not-playing' };
  if (!isInTime(state, clickedAt)) return { kind: 'closed' };
  const item = items.get(state.questionIds[state.index] ?? '');
  if (!item) return { kind: 'unavailable' };
  if (!Number.isInteger(event.choice) || event.choice < 0 || event.choice >= item.choices.length) {
    return { kind: 'invalid-choice' };
  }
  const correct = event.choice === findCorrectChoice(item);
  const elapsedMs = Math.max(0, clickedAt - state.openedAt);
  return {
    kind: 'record',
    answer: {
      userId: event.userId,
      displayName: event.displayName,
      choice: event.choice,
      at: clickedAt,
      elapsedMs,
      points: computePoints(state.settings, correct, elapsedMs),
      correct,
    },
  };
}

/** Whether a click at this time is within the current question's answering window. */
export function isInTime(state: QuizControl, clickedAt: number): boolean {
  if (state.phase === 'finished') return false;
  if (state.deadline !== null && clickedAt > state.deadline) return false;
  return state.closedAt === null || clickedAt <= state.closedAt;
}

export function close(state: QuizControl, event: CloseEvent, now: number): Outcome<CloseReply> {
  const refusal = checkTarget(state, event.index);
  if (refusal) return refuse(state, refusal);
  if (state.phase === 'question-closed') return refuse(state, { kind: 'closed' });
  // Timers may fire early or late, and a host-paced question has none that counts.
  if (event.by === 'timer' && (state.deadline === null || now < state.deadline)) {
    return refuse(state, { kind: 'too-early', deadline: state.deadline });
  }
  const closedAt =
    event.by === 'timer' && state.deadline !== null ? state.deadline : Math.min(now, state.deadline ?? now);
  const advanceAt = state.settings.auto ? now + AUTO_ADVANCE_MS : null;
  const next: QuizControl = { ...state, phase: 'question-closed', closedAt, advanceAt, revealShown: false };
  return { state: next, reply: { kind: 'revealed' } };
}

export function next(state: QuizControl, event: NextEvent, now: number): Outcome<NextReply> {
  const refusal = checkTarget(state, event.index);
  if (refusal) return refuse(state, refusal);
  if (state.phase === 'question-open') return refuse(state, { kind: 'still-open' });
  const index = state.index + 1;
  if (index >= state.questionIds.length) {
    return { state: finish(state, now, 'completed'), reply: { kind: 'finished' } };
  }
  const opened: QuizControl = {
    ...state,
    index,
    phase: 'question-open',
    openedAt: now,
    deadline: computeDeadline(state.settings, now),
    closedAt: null,
    advanceAt: null,
    questionMessageId: null,
    revealShown: false,
    previousMessageId: state.questionMessageId,
  };
  return { state: opened, reply: { kind: 'advanced', index } };
}

/** Ends the round early. Answers already given to the current question keep their points. */
export function stop(state: QuizControl, now: number): Outcome<StopReply> {
  if (state.phase === 'finished') return refuse(state, { kind: 'round-ended' });
  return { state: finish(state, now, 'stopped'), reply: { kind: 'stopped' } };
}

/**
 * What the stored state still owes at `now`, the first thing first; null when
 * nothing is owed yet (then `wakeAt` says when something will be). The same
 * answer after a click, on a timer, after a failure or at start-up.
 */
export function owed(state: QuizControl, now: number): Owed | null {
  if (state.phase === 'finished') {
    // The last question is revealed (or loses its host buttons) before the standings go out.
    if (!state.revealShown) return { kind: 'show-reveal', index: state.index };
    if (state.previousMessageId !== null) {
      return { kind: 'retire-previous', index: state.index - 1, messageId: state.previousMessageId };
    }
    // Scores are filed before the standings appear, so "/quiz score" right after them is already right.
    if (!state.filed) return { kind: 'file' };
    if (!state.standingsShown) return { kind: 'post-standings' };
    return { kind: 'remove' };
  }
  if (state.phase === 'question-open') {
    if (state.questionMessageId === null) return { kind: 'post-question', index: state.index };
    if (state.previousMessageId !== null) {
      return { kind: 'retire-previous', index: state.index - 1, messageId: state.previousMessageId };
    }
    if (state.deadline !== null && now >= state.deadline) return { kind: 'close', index: state.index };
    return null;
  }
  if (!state.revealShown) return { kind: 'show-reveal', index: state.index };
  if (state.advanceAt !== null && now >= state.advanceAt) return { kind: 'advance', index: state.index };
  return null;
}

/** When the state will next owe something by the clock alone; null when only an event can move it. */
export function wakeAt(state: QuizControl): number | null {
  if (state.phase === 'question-open') return state.deadline;
  if (state.phase === 'question-closed') return state.advanceAt;
  return null;
}

/** Records the message that shows the current question, so the runtime can edit it later. */
export function setQuestionMessage(state: QuizControl, event: { index: number; messageId: string }): QuizControl {
  if (state.phase === 'finished' || event.index !== state.index || state.questionMessageId === event.messageId) {
    return state;
  }
  return { ...state, questionMessageId: event.messageId };
}

export function markRevealShown(state: QuizControl, index: number): QuizControl {
  if (state.phase === 'question-open' || state.index !== index || state.revealShown) return state;
  return { ...state, revealShown: true };
}

export function markPreviousRetired(state: QuizControl, messageId: string): QuizControl {
  return state.previousMessageId === messageId ? { ...state, previousMessageId: null } : state;
}

/**
 * The current question's message is gone (a moderator deleted it): the round
 * owes it again, the question while open, its reveal once closed.
 */
export function messageLost(state: QuizControl, messageId: string): QuizControl {
  if (state.phase === 'finished' || state.questionMessageId !== messageId) return state;
  return { ...state, questionMessageId: null, revealShown: false };
}

export function markFiled(state: QuizControl): QuizControl {
  return state.phase !== 'finished' || state.filed ? state : { ...state, filed: true };
}

export function markStandingsShown(state: QuizControl): QuizControl {
  return state.phase !== 'finished' || state.standingsShown ? state : { ...state, standingsShown: true };
}

/** One active round per channel: a stored round blocks a new one until it is finished. */
export function isRoundActive(state: QuizControl | null | undefined): boolean {
  return state !== null && state !== undefined && state.phase !== 'finished';
}

function checkTarget(state: QuizControl, index: number, roundId?: string): Refusal | null {
  if (state.phase === 'finished' || (roundId !== undefined && roundId !== state.roundId)) {
    return { kind: 'round-ended' };
  }
  if (index !== state.index) return { kind: 'wrong-question', current: state.index };
  return null;
}

function refuse<R>(state: QuizControl, reply: R): Outcome<R> {
  return { state, reply };
}

function finish(state: QuizControl, now: number, endedBy: 'completed' | 'stopped'): QuizControl {
  // A question still open when the round ends closes now: clicks made after this do not count.
  const closedAt = state.phase === 'question-open' ? now : state.closedAt;
  // A posted question is revealed (or its reveal loses its host buttons) as the round ends; one never posted has nothing to show.
  const revealShown = state.questionMessageId !== null ? false : state.phase === 'question-open' || state.revealShown;
  return { ...state, phase: 'finished', closedAt, advanceAt: null, endedAt: now, endedBy, revealShown };
}

function computeDeadline(settings: Settings, now: number): number | null {
  return settings.seconds === SECONDS.untimed ? null : now + settings.seconds * 1000;
}
