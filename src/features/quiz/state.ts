import { z } from 'zod';
import { DIFFICULTIES, type QuizItem } from '../../content/schema.js';

/**
 * Stored shapes of the quiz feature. Everything here is plain JSON, kept in the
 * per-server store and validated on read; the TypeScript types are inferred.
 */

export const QUESTION_COUNT = { min: 1, max: 30, default: 10 } as const;
export const SECONDS = { min: 10, max: 120, default: 20, untimed: 0 } as const;
export const SCORING = ['speed', 'simple'] as const;
export const PHASES = ['question-open', 'question-closed', 'finished'] as const;
export const SPEED_MAX_POINTS = 1000;
/** Delay between a reveal and the next question when the round runs on its own. */
export const AUTO_ADVANCE_MS = 5000;
export const LEADERBOARD_SIZE = 10;

const timestamp = z.number().int().nonnegative();
const id = z.string().min(1);

export const SettingsSchema = z
  .object({
    count: z.number().int().min(QUESTION_COUNT.min).max(QUESTION_COUNT.max),
    // 0 means host-paced: no timer, the question closes on reveal.
    seconds: z
      .number()
      .int()
      .refine((s) => s === SECONDS.untimed || (s >= SECONDS.min && s <= SECONDS.max), {
        error: `must be 0 (no timer) or ${SECONDS.min} to ${SECONDS.max}`,
      }),
    scoring: z.enum(SCORING),
    difficulty: z.enum(DIFFICULTIES).nullable(),
    auto: z.boolean(),
    /** Whether the host who started the round scores like a student; by default they only run it. */
    hostPlays: z.boolean().default(false),
  })
  .refine((s) => s.scoring !== 'speed' || s.seconds > 0, {
    error: 'speed scoring needs a timer',
    path: ['scoring'],
  });

export const AnswerSchema = z.object({
  userId: id,
  displayName: z.string(),
  /** Index into the item's choices. */
  choice: z.number().int().nonnegative(),
  at: timestamp,
  /** Time from the question opening to the click, clamped at 0. */
  elapsedMs: z.number().int().nonnegative(),
  points: z.number().int().nonnegative(),
  correct: z.boolean(),
});

export const BankNoteSchema = z.object({
  asked: z.number().int().positive(),
  available: z.number().int().nonnegative(),
});

const controlShape = {
  roundId: id,
  article: id,
  channelId: id,
  hostId: id,
  settings: SettingsSchema,
  questionIds: z.array(id).min(1),
  seed: z.number().int(),
  index: z.number().int().nonnegative(),
  phase: z.enum(PHASES),
  openedAt: timestamp,
  deadline: timestamp.nullable(),
  /** When the current question closed: a click made before this counts, even if it is processed later. */
  closedAt: timestamp.nullable(),
  /** Pending auto-advance, kept so a restart can re-schedule it. */
  advanceAt: timestamp.nullable(),
  /** Set once the current question is posted; null while that is still owed. */
  questionMessageId: z.string().nullable(),
  /**
   * Whether the current question's message shows what it should once closed (the
   * reveal, with the host buttons only while they still do something); false while owed.
   */
  revealShown: z.boolean(),
  /** The previous question's reveal while its host buttons are still to be taken off. */
  previousMessageId: z.string().nullable().default(null),
  /** Whether a finished round is folded into the all-time scores and archived. */
  filed: z.boolean(),
  /** Whether a finished round's standings are posted. */
  standingsShown: z.boolean(),
  startedAt: timestamp,
  endedAt: timestamp.nullable(),
  endedBy: z.enum(['completed', 'stopped']).nullable(),
  bankNote: BankNoteSchema.nullable(),
};

const indexInRange = (r: { index: number; questionIds: readonly string[] }) => r.index < r.questionIds.length;

/**
 * What a channel's round is, without its answers: small, rewritten only when the
 * round changes step. The stored state is the outbox: a null message id or a
 * `false` flag is work still owed, done by the runtime's reconcile.
 */
export const QuizControlSchema = z
  .object(controlShape)
  .refine(indexInRange, { error: 'index out of range', path: ['index'] });

/** A round with every answer, assembled for reveals, standings, reports and the archive. */
export const QuizRoundSchema = z
  .object({
    ...controlShape,
    /** One list per question, in arrival order. */
    answers: z.array(z.array(AnswerSchema)),
  })
  .refine(indexInRange, { error: 'index out of range', path: ['index'] })
  .refine((r) => r.answers.length === r.questionIds.length, {
    error: 'must hold one answer list per question',
    path: ['answers'],
  });

/** A batch of answers to one question, written once (group commit); a question's answers are its chunks in order. */
export const AnswerChunkSchema = z.array(AnswerSchema).min(1);

export const StandingSchema = z.object({
  rank: z.number().int().positive(),
  userId: id,
  name: z.string(),
  points: z.number().int().nonnegative(),
  correct: z.number().int().nonnegative(),
  answered: z.number().int().nonnegative(),
});

export const HistoryEntrySchema = z.object({
  roundId: id,
  article: id,
  channelId: id,
  hostId: id,
  difficulty: z.enum(DIFFICULTIES).nullable(),
  scoring: z.enum(SCORING),
  startedAt: timestamp,
  endedAt: timestamp,
  endedBy: z.enum(['completed', 'stopped']),
  questionsShown: z.number().int().nonnegative(),
  players: z.number().int().nonnegative(),
  top: z.array(StandingSchema),
});

export const PlayerTotalSchema = z.object({
  name: z.string(),
  points: z.number().int().nonnegative(),
  correct: z.number().int().nonnegative(),
  answered: z.number().int().nonnegative(),
  rounds: z.number().int().nonnegative(),
});

/** All-time scores of one server, keyed by user id. */
export const AllTimeScoresSchema = z.record(z.string(), PlayerTotalSchema);

export type Scoring = (typeof SCORING)[number];
export type Phase = (typeof PHASES)[number];
export type Settings = z.infer<typeof SettingsSchema>;
export type Answer = z.infer<typeof AnswerSchema>;
export type BankNote = z.infer<typeof BankNoteSchema>;
export type QuizControl = z.infer<typeof QuizControlSchema>;
export type QuizRound = z.infer<typeof QuizRoundSchema>;
export type Standing = z.infer<typeof StandingSchema>;
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;
export type PlayerTotal = z.infer<typeof PlayerTotalSchema>;
export type AllTimeScores = z.infer<typeof AllTimeScoresSchema>;

/** The content the engine reads: choices and answers stay in the catalogue, not in the state. */
export type QuizItems = ReadonlyMap<string, QuizItem>;

/** Parses a stored round; null when it is missing, from another version, or damaged. */
export function parseQuizRound(value: unknown): QuizRound | null {
  const result = QuizRoundSchema.safeParse(value);
  return result.success ? result.data : null;
}
