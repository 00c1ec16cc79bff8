import { z } from 'zod';
import { DIFFICULTIES, type QuizItem } from '../../content/schema.js';

/**
 * Stored shapes of homework, split by how they grow: one small record per
 * assignment, one per (assignment, student) holding that student's order and
 * answers, and the roster of who started in fixed-size pages. An answer
 * rewrites only its student's record, so it costs the same for a class of 30
 * as for a server of 5,000.
 */

export const HOMEWORK_QUESTIONS = { min: 1, max: 30, default: 10 } as const;
/** When `due` is left out. */
export const DEFAULT_DUE = '7d';
export const DUE_LIMITS = { minMs: 5 * 60_000, maxMs: 90 * 24 * 60 * 60_000 } as const;
/** Students per roster page: a start rewrites one page, never the whole class. */
export const ROSTER_PAGE = 200;
/** Assignments the server's index remembers (for defaults and autocomplete); older ones stay readable by id. */
export const INDEX_SIZE = 100;

const timestamp = z.number().int().nonnegative();
const id = z.string().min(1);
export const ASSIGNMENT_ID = /^[a-z0-9]{4,8}$/;

/** What the card shows: open, past due but still taking late work, or closed. */
export const CARD_STATES = ['open', 'late', 'closed'] as const;

export const AssignmentSchema = z.object({
  id: z.string().regex(ASSIGNMENT_ID),
  article: id,
  channelId: id,
  hostId: id,
  questionIds: z.array(id).min(1),
  difficulty: z.enum(DIFFICULTIES).nullable(),
  /** Mixed with each student's id for their own order. */
  seed: z.number().int(),
  createdAt: timestamp,
  dueAt: timestamp,
  /** Whether work after the due time is accepted (and marked late) rather than refused. */
  late: z.boolean(),
  /** Set when a host closed it early. */
  closedAt: timestamp.nullable(),
  /** The card in the channel; null while posting it is owed. */
  cardMessageId: z.string().nullable(),
  /** What the card last showed; an edit is owed while it differs from `cardState` now. */
  cardShows: z.enum(CARD_STATES).nullable(),
});

export const HomeworkAnswerSchema = z.object({
  questionId: id,
  /** Index into the item's choices. */
  choice: z.number().int().nonnegative(),
  correct: z.boolean(),
  at: timestamp,
  late: z.boolean(),
});

export const ProgressSchema = z
  .object({
    userId: id,
    displayName: z.string(),
    /** This student's own order of the assignment's questions. */
    order: z.array(id).min(1),
    startedAt: timestamp,
    /** Started after the due time (only possible when the assignment takes late work). */
    late: z.boolean(),
    /** In the order given; at most one per question: the first answer counts. */
    answers: z.array(HomeworkAnswerSchema),
    finishedAt: timestamp.nullable(),
  })
  .refine((p) => new Set(p.answers.map((a) => a.questionId)).size === p.answers.length, {
    error: 'one answer per question',
    path: ['answers'],
  });

/** One page of the roster: the ids of students who started, in the order they did. */
export const RosterPageSchema = z.array(id).max(ROSTER_PAGE);

export const IndexEntrySchema = z.object({
  id: z.string().regex(ASSIGNMENT_ID),
  channelId: id,
  article: id,
  createdAt: timestamp,
  dueAt: timestamp,
});
/** The server's assignments, newest first. */
export const IndexSchema = z.array(IndexEntrySchema).max(INDEX_SIZE);

export type CardState = (typeof CARD_STATES)[number];
export type Assignment = z.infer<typeof AssignmentSchema>;
export type HomeworkAnswer = z.infer<typeof HomeworkAnswerSchema>;
export type Progress = z.infer<typeof ProgressSchema>;
export type IndexEntry = z.infer<typeof IndexEntrySchema>;

export type QuizItems = ReadonlyMap<string, QuizItem>;
