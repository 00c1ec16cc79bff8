import type { Difficulty, QuizItem } from '../../content/schema.js';
import { hashText, shuffle } from '../../core/random.js';
import { findCorrectChoice } from '../quiz/scoring.js';
import {
  type Assignment,
  type CardState,
  DUE_LIMITS,
  HOMEWORK_QUESTIONS,
  type HomeworkAnswer,
  type Progress,
  type QuizItems,
} from './state.js';

/**
 * Homework as pure functions: plain data in, plain data out, no clock reads
 * (times are passed in) and no randomness but the seeds in the state.
 */

// ---- the due time

export type DueParse = { readonly ok: true; readonly dueAt: number } | { readonly ok: false; readonly message: string };

const MINUTE = 60_000;
const UNIT_MS = { d: 24 * 60 * MINUTE, h: 60 * MINUTE, m: MINUTE } as const;
const DURATION = /^(?:(\d{1,3})d)?(?:(\d{1,4})h)?(?:(\d{1,6})m)?$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:\d{2})?$/i;

export const DUE_FORMAT_HELP =
  'Write `due` as a duration such as `3d`, `12h` or `90m`, or as a date such as `2026-12-10` (the end of that day, UTC) or `2026-12-10T17:00` (UTC unless it ends with an offset such as `+02:00`).';

function parseDate(text: string): number | null {
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) {
    const [, y, m, d] = dateOnly;
    const start = Date.UTC(Number(y), Number(m) - 1, Number(d));
    // Date.UTC rolls 2026-02-30 over to March: a real date comes back unchanged.
    if (new Date(start).toISOString().slice(0, 10) !== text) return null;
    return start + UNIT_MS.d - MINUTE;
  }
  const dateTime = DATE_TIME.exec(text);
  if (!dateTime) return null;
  const [, y, m, d, hh, mm, ss, zone] = dateTime;
  if (new Date(Date.UTC(Number(y), Number(m) - 1, Number(d))).toISOString().slice(0, 10) !== `${y}-${m}-${d}`) {
    return null;
  }
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss ?? 0) > 59) return null;
  const at = Date.parse(`${y}-${m}-${d}T${hh}:${mm}:${ss ?? '00'}${zone ? zone.toUpperCase() : 'Z'}`);
  return Number.isFinite(at) ? at : null;
}

/** `3d`, `12h`, `90m`, `1d12h`, or an ISO date or date-time; refused in words a teacher understands. */
export function parseDue(input: string, now: number): DueParse {
  const text = input.trim();
  const duration = DURATION.exec(text.toLowerCase());
  let dueAt: number | null = null;
  if (text !== '' && duration) {
    const [, d, h, m] = duration;
    dueAt = now + Number(d ?? 0) * UNIT_MS.d + Number(h ?? 0) * UNIT_MS.h + Number(m ?? 0) * UNIT_MS.m;
  } else {
    dueAt = parseDate(text);
  }
  if (dueAt === null)
    return { ok: false, message: `"${text.slice(0, 40)}" is not a due time Roundtable reads. ${DUE_FORMAT_HELP}` };
  if (dueAt <= now) return { ok: false, message: 'That due time has already passed. Choose one in the future.' };
  if (dueAt - now < DUE_LIMITS.minMs)
    return { ok: false, message: 'Give the class at least 5 minutes: choose a later due time.' };
  if (dueAt - now > DUE_LIMITS.maxMs) return { ok: false, message: 'Choose a due time within 90 days.' };
  return { ok: true, dueAt };
}

// ---- assigning

export interface AssignInput {
  readonly id: string;
  readonly article: string;
  readonly channelId: string;
  readonly hostId: string;
  /** The article's quiz items, all difficulties. */
  readonly items: readonly QuizItem[];
  readonly questions: number | null;
  readonly difficulty: Difficulty | null;
  readonly dueAt: number;
  readonly late: boolean;
  readonly seed: number;
}

export type AssignResult =
  | { readonly ok: true; readonly assignment: Assignment; readonly fewer: { asked: number; available: number } | null }
  | { readonly ok: false; readonly error: 'empty-bank' | 'count' };

/** A new assignment: its questions drawn from the bank once; each student gets their own order of them. */
export function createAssignment(input: AssignInput, now: number): AssignResult {
  const count = input.questions ?? HOMEWORK_QUESTIONS.default;
  if (!Number.isInteger(count) || count < HOMEWORK_QUESTIONS.min || count > HOMEWORK_QUESTIONS.max) {
    return { ok: false, error: 'count' };
  }
  const bank = input.items.filter((i) => input.difficulty === null || i.difficulty === input.difficulty);
  if (bank.length === 0) return { ok: false, error: 'empty-bank' };
  const questionIds = shuffle(
    bank.map((i) => i.id),
    input.seed,
  ).slice(0, count);
  return {
    ok: true,
    fewer: bank.length < count ? { asked: count, available: bank.length } : null,
    assignment: {
      id: input.id,
      article: input.article,
      channelId: input.channelId,
      hostId: input.hostId,
      questionIds,
      difficulty: input.difficulty,
      seed: input.seed,
      createdAt: now,
      dueAt: input.dueAt,
      late: input.late,
      closedAt: null,
      cardMessageId: null,
      cardShows: null,
    },
  };
}

/** What the card should show at `at`. */
export function cardState(assignment: Assignment, at: number): CardState {
  if (assignment.closedAt !== null) return 'closed';
  if (at < assignment.dueAt) return 'open';
  return assignment.late ? 'late' : 'closed';
}

export function acceptsWork(assignment: Assignment, at: number): boolean {
  return cardState(assignment, at) !== 'closed';
}

/** The card edit still owed, if any: posting it, or bringing it up to date. */
export function cardOwed(assignment: Assignment, now: number): 'post' | 'edit' | null {
  if (assignment.cardMessageId === null) return 'post';
  return assignment.cardShows === cardState(assignment, now) ? null : 'edit';
}

/** When the card next changes by itself: the due time, while it still shows open. */
export function cardWakeAt(assignment: Assignment, now: number): number | null {
  return cardState(assignment, now) === 'open' ? assignment.dueAt : null;
}

/** A student's own order of the questions: the same every time for that student, different between students. */
export function studentOrder(assignment: Assignment, userId: string): string[] {
  return shuffle(assignment.questionIds, (assignment.seed ^ hashText(userId)) >>> 0);
}

// ---- a student's run

export interface Student {
  readonly userId: string;
  readonly displayName: string;
}

export type BeginOutcome =
  | { readonly kind: 'started'; readonly progress: Progress }
  | { readonly kind: 'resumed'; readonly progress: Progress }
  /** Closed to this student: nothing started, or unfinished work past the due time. */
  | { readonly kind: 'closed'; readonly progress: Progress | null };

/** Pressing Start: a first start creates the student's progress; a later one resumes it. */
export function begin(assignment: Assignment, progress: Progress | null, student: Student, at: number): BeginOutcome {
  const open = acceptsWork(assignment, at);
  if (progress) {
    const finished = nextPosition(progress) === null;
    return finished || open ? { kind: 'resumed', progress } : { kind: 'closed', progress };
  }
  if (!open) return { kind: 'closed', progress: null };
  return {
    kind: 'started',
    progress: {
      userId: student.userId,
      displayName: student.displayName,
      order: studentOrder(assignment, student.userId),
      startedAt: at,
      late: at >= assignment.dueAt,
      answers: [],
      finishedAt: null,
    },
  };
}

export function answerTo(progress: Progress, position: number): HomeworkAnswer | undefined {
  const questionId = progress.order[position];
  return progress.answers.find((a) => a.questionId === questionId);
}

/** The first position in the student's order without an answer; null when they answered everything. */
export function nextPosition(progress: Progress): number | null {
  const answered = new Set(progress.answers.map((a) => a.questionId));
  const at = progress.order.findIndex((id) => !answered.has(id));
  return at === -1 ? null : at;
}

export type AnswerOutcome =
  | { readonly kind: 'recorded'; readonly progress: Progress; readonly answer: HomeworkAnswer }
  /** The first answer counts: a second click on the question changes nothing. */
  | { readonly kind: 'already-answered'; readonly answer: HomeworkAnswer }
  /** A question further on than the next one (a forged button): the student goes on from where they are. */
  | { readonly kind: 'not-yet'; readonly next: number }
  | { readonly kind: 'closed' }
  | { readonly kind: 'invalid' };

export function answer(
  assignment: Assignment,
  progress: Progress,
  event: { readonly position: number; readonly choice: number },
  items: QuizItems,
  at: number,
): AnswerOutcome {
  const questionId = progress.order[event.position];
  const item = questionId === undefined ? undefined : items.get(questionId);
  if (questionId === undefined || !item) return { kind: 'invalid' };
  const previous = answerTo(progress, event.position);
  if (previous) return { kind: 'already-answered', answer: previous };
  const next = nextPosition(progress);
  if (next !== null && next !== event.position) return { kind: 'not-yet', next };
  if (!acceptsWork(assignment, at)) return { kind: 'closed' };
  if (event.choice < 0 || event.choice >= item.choices.length) return { kind: 'invalid' };
  const recorded: HomeworkAnswer = {
    questionId,
    choice: event.choice,
    correct: event.choice === findCorrectChoice(item),
    at,
    late: at >= assignment.dueAt,
  };
  const answers = [...progress.answers, recorded];
  const done = answers.length >= progress.order.length;
  return {
    kind: 'recorded',
    answer: recorded,
    progress: { ...progress, answers, finishedAt: done ? at : progress.finishedAt },
  };
}

// ---- results

export interface Missed {
  /** Position in the student's order (0-based). */
  readonly position: number;
  readonly questionId: string;
  readonly item: QuizItem | undefined;
  /** Their answer; undefined for a question they never answered. */
  readonly answer: HomeworkAnswer | undefined;
}

export interface StudentResult {
  readonly total: number;
  readonly answered: number;
  readonly correct: number;
  readonly finished: boolean;
  /** Wrong or unanswered, in the student's order. */
  readonly missed: readonly Missed[];
}

export function studentResult(progress: Progress, items: QuizItems): StudentResult {
  const missed: Missed[] = [];
  let correct = 0;
  progress.order.forEach((questionId, position) => {
    const a = answerTo(progress, position);
    if (a?.correct) correct += 1;
    else missed.push({ position, questionId, item: items.get(questionId), answer: a });
  });
  return {
    total: progress.order.length,
    answered: progress.answers.length,
    correct,
    finished: nextPosition(progress) === null,
    missed,
  };
}

// ---- the class

export interface MissedQuestion {
  readonly questionId: string;
  readonly item: QuizItem | undefined;
  readonly wrong: number;
  readonly answered: number;
}

export interface ClassStatus {
  readonly started: number;
  readonly finished: number;
  readonly late: number;
  /** Correct answers of those who finished, as a share of their questions; null when nobody finished. */
  readonly averagePercent: number | null;
  /** Finished students first, best score first, then in progress by answers given. */
  readonly students: readonly (StudentResult & {
    readonly userId: string;
    readonly name: string;
    readonly late: boolean;
  })[];
  /** The questions most often answered wrong, most first; only those someone got wrong. */
  readonly mostMissed: readonly MissedQuestion[];
}

export function classStatus(
  assignment: Assignment,
  progresses: readonly Progress[],
  items: QuizItems,
  top = 5,
): ClassStatus {
  const students = progresses
    .map((p) => ({
      ...studentResult(p, items),
      userId: p.userId,
      name: p.displayName,
      late: p.late || p.answers.some((a) => a.late),
    }))
    .sort(
      (a, b) =>
        Number(b.finished) - Number(a.finished) ||
        b.correct - a.correct ||
        b.answered - a.answered ||
        a.name.localeCompare(b.name),
    );
  const finished = students.filter((s) => s.finished);
  const byQuestion = new Map(assignment.questionIds.map((id) => [id, { wrong: 0, answered: 0 }]));
  for (const p of progresses) {
    for (const a of p.answers) {
      const counts = byQuestion.get(a.questionId);
      if (!counts) continue;
      counts.answered += 1;
      if (!a.correct) counts.wrong += 1;
    }
  }
  const mostMissed = [...byQuestion]
    .filter(([, c]) => c.wrong > 0)
    .map(([questionId, c]) => ({ questionId, item: items.get(questionId), ...c }))
    .sort((a, b) => b.wrong - a.wrong || b.wrong / b.answered - a.wrong / a.answered)
    .slice(0, top);
  const totals = finished.reduce((sum, s) => ({ correct: sum.correct + s.correct, total: sum.total + s.total }), {
    correct: 0,
    total: 0,
  });
  return {
    started: students.length,
    finished: finished.length,
    late: students.filter((s) => s.late).length,
    averagePercent: totals.total > 0 ? Math.round((totals.correct / totals.total) * 100) : null,
    students,
    mostMissed,
  };
}
