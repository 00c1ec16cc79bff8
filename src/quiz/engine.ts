import { chooseQuestions } from './choose-questions.js';
import { computePoints, findCorrectChoice } from './scoring.js';
import {
  type Answer,
  AUTO_ADVANCE_MS,
  type BankNote,
  QUESTION_COUNT,
  type QuizItems,
  type QuizRound,
  type Scoring,
  SECONDS,
  type Settings,
  SettingsSchema,
} from './state.js';

/**
 * The quiz round as a pure state machine: (state, event, now) -> { state, effects, reply }.
 * A refused event returns the very same state object, so the runtime can skip the write.
 */

export type Effect =
  | { readonly type: 'show-question'; readonly index: number }
  | { readonly type: 'schedule-close'; readonly index: number; readonly at: number }
  | { readonly type: 'show-reveal'; readonly index: number }
  | { readonly type: 'schedule-advance'; readonly index: number; readonly at: number }
  | { readonly type: 'show-standings' }
  // The runtime drops pending timers, folds the round into the all-time scores and stores a history entry.
  | { readonly type: 'finished' };

export interface Outcome<R> {
  readonly state: QuizRound;
  readonly effects: readonly Effect[];
  readonly reply: R;
}

/** Refusals shared by all events that target one question of one round. */
export type Refusal = { readonly kind: 'round-ended' } | { readonly kind: 'wrong-question'; readonly current: number };

export type AnswerReply =
  | { readonly kind: 'accepted'; readonly choice: number }
  | { readonly kind: 'already-answered'; readonly choice: number }
  | { readonly kind: 'closed' }
  | { readonly kind: 'invalid-choice' }
  // The question's item is no longer in the catalogue (content changed under a running round).
  | { readonly kind: 'unavailable' }
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
      readonly state: QuizRound;
      readonly effects: readonly Effect[];
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

export interface CloseEvent {
  readonly index: number;
  readonly by: 'timer' | 'host';
}

export interface NextEvent {
  /** The question being left; a repeated or stale "next" then cannot skip one. */
  readonly index: number;
}

export function resolveSettings(options: StartOptions): { ok: true; settings: Settings } | StartErrorResult {
  const seconds = options.seconds ?? SECONDS.default;
  const candidate = {
    count: options.questions ?? QUESTION_COUNT.default,
    seconds,
    scoring: options.scoring ?? (seconds === SECONDS.untimed ? 'simple' : 'speed'),
    difficulty: options.difficulty ?? null,
    auto: options.auto ?? false,
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
  const state: QuizRound = {
    version: 1,
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
    advanceAt: null,
    answers: choice.picked.map(() => []),
    questionMessageId: null,
    startedAt: now,
    endedAt: null,
    endedBy: null,
    bankNote: choice.note,
  };
  return { ok: true, state, effects: openEffects(state), used: choice.used, bankNote: choice.note };
}

export function answer(state: QuizRound, event: AnswerEvent, now: number, items: QuizItems): Outcome<AnswerReply> {
  const refusal = checkTarget(state, event.index, event.roundId);
  if (refusal) return refuse(state, refusal);
  const answers = state.answers[state.index] ?? [];
  const previous = answers.find((a) => a.userId === event.userId);
  if (previous) return refuse(state, { kind: 'already-answered', choice: previous.choice });
  // Between the deadline and the timer firing, the question is over even if not closed yet.
  if (state.phase !== 'question-open' || (state.deadline !== null && now > state.deadline)) {
    return refuse(state, { kind: 'closed' });
  }
  const item = items.get(state.questionIds[state.index] ?? '');
  if (!item) return refuse(state, { kind: 'unavailable' });
  if (!Number.isInteger(event.choice) || event.choice < 0 || event.choice >= item.choices.length) {
    return refuse(state, { kind: 'invalid-choice' });
  }
  const correct = event.choice === findCorrectChoice(item);
  const elapsedMs = Math.max(0, now - state.openedAt);
  const recorded: Answer = {
    userId: event.userId,
    displayName: event.displayName,
    choice: event.choice,
    at: now,
    elapsedMs,
    points: computePoints(state.settings, correct, elapsedMs),
    correct,
  };
  const next = { ...state, answers: replaceAt(state.answers, state.index, [...answers, recorded]) };
  return { state: next, effects: [], reply: { kind: 'accepted', choice: event.choice } };
}

export function close(state: QuizRound, event: CloseEvent, now: number): Outcome<CloseReply> {
  const refusal = checkTarget(state, event.index);
  if (refusal) return refuse(state, refusal);
  if (state.phase === 'question-closed') return refuse(state, { kind: 'closed' });
  // Timers may fire early or late, and a host-paced question has none that counts.
  if (event.by === 'timer' && (state.deadline === null || now < state.deadline)) {
    return refuse(state, { kind: 'too-early', deadline: state.deadline });
  }
  const advanceAt = state.settings.auto ? now + AUTO_ADVANCE_MS : null;
  const next: QuizRound = { ...state, phase: 'question-closed', advanceAt };
  const effects: Effect[] = [{ type: 'show-reveal', index: state.index }];
  if (advanceAt !== null) effects.push({ type: 'schedule-advance', index: state.index, at: advanceAt });
  return { state: next, effects, reply: { kind: 'revealed' } };
}

export function next(state: QuizRound, event: NextEvent, now: number): Outcome<NextReply> {
  const refusal = checkTarget(state, event.index);
  if (refusal) return refuse(state, refusal);
  if (state.phase === 'question-open') return refuse(state, { kind: 'still-open' });
  const index = state.index + 1;
  if (index >= state.questionIds.length) {
    return { state: finish(state, now, 'completed'), effects: finishEffects(), reply: { kind: 'finished' } };
  }
  const opened: QuizRound = {
    ...state,
    index,
    phase: 'question-open',
    openedAt: now,
    deadline: computeDeadline(state.settings, now),
    advanceAt: null,
    questionMessageId: null,
  };
  return { state: opened, effects: openEffects(opened), reply: { kind: 'advanced', index } };
}

/** Ends the round early. Answers already given to the current question keep their points. */
export function stop(state: QuizRound, now: number): Outcome<StopReply> {
  if (state.phase === 'finished') return refuse(state, { kind: 'round-ended' });
  return { state: finish(state, now, 'stopped'), effects: finishEffects(), reply: { kind: 'stopped' } };
}

/**
 * Picks a stored round up after a restart: what fell due while the bot was
 * down happens now, everything else is scheduled for its original time.
 */
export function resume(state: QuizRound, now: number): { state: QuizRound; effects: readonly Effect[] } {
  if (state.phase === 'question-open') {
    const repost: Effect[] = state.questionMessageId === null ? [{ type: 'show-question', index: state.index }] : [];
    if (state.deadline === null) return { state, effects: repost };
    if (now >= state.deadline) {
      const closed = close(state, { index: state.index, by: 'timer' }, now);
      return { state: closed.state, effects: [...repost, ...closed.effects] };
    }
    return { state, effects: [...repost, { type: 'schedule-close', index: state.index, at: state.deadline }] };
  }
  if (state.phase === 'question-closed' && state.advanceAt !== null) {
    if (now >= state.advanceAt) {
      const advanced = next(state, { index: state.index }, now);
      return { state: advanced.state, effects: advanced.effects };
    }
    return { state, effects: [{ type: 'schedule-advance', index: state.index, at: state.advanceAt }] };
  }
  return { state, effects: [] };
}

/** Records the message that shows the current question, so the runtime can edit it later. */
export function setQuestionMessage(state: QuizRound, event: { index: number; messageId: string }): QuizRound {
  if (state.phase === 'finished' || event.index !== state.index || state.questionMessageId === event.messageId) {
    return state;
  }
  return { ...state, questionMessageId: event.messageId };
}

/** One active round per channel: a stored round blocks a new one until it is finished. */
export function isRoundActive(state: QuizRound | null | undefined): boolean {
  return state !== null && state !== undefined && state.phase !== 'finished';
}

function checkTarget(state: QuizRound, index: number, roundId?: string): Refusal | null {
  if (state.phase === 'finished' || (roundId !== undefined && roundId !== state.roundId)) {
    return { kind: 'round-ended' };
  }
  if (index !== state.index) return { kind: 'wrong-question', current: state.index };
  return null;
}

function refuse<R>(state: QuizRound, reply: R): Outcome<R> {
  return { state, effects: [], reply };
}

function finish(state: QuizRound, now: number, endedBy: 'completed' | 'stopped'): QuizRound {
  return { ...state, phase: 'finished', advanceAt: null, endedAt: now, endedBy };
}

function finishEffects(): Effect[] {
  return [{ type: 'show-standings' }, { type: 'finished' }];
}

function openEffects(state: QuizRound): Effect[] {
  const effects: Effect[] = [{ type: 'show-question', index: state.index }];
  if (state.deadline !== null) effects.push({ type: 'schedule-close', index: state.index, at: state.deadline });
  return effects;
}

function computeDeadline(settings: Settings, now: number): number | null {
  return settings.seconds === SECONDS.untimed ? null : now + settings.seconds * 1000;
}

function replaceAt<T>(list: readonly T[], index: number, value: T): T[] {
  return list.map((entry, i) => (i === index ? value : entry));
}
