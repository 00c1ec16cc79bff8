import { z } from 'zod';
import { defineRecord } from '../../store/index.js';
import {
  AllTimeScoresSchema,
  type Answer,
  AnswerChunkSchema,
  HistoryEntrySchema,
  type QuizControl,
  QuizControlSchema,
  type QuizRound,
  QuizRoundSchema,
} from './state.js';

/** The quiz's stored records, in each server's namespace of the store. */

export const quizRoundRecord = defineRecord({
  key: (channelId: string) => `quiz:round:${channelId}`,
  version: 2,
  schema: QuizControlSchema.nullable(),
  initial: (): QuizControl | null => null,
});

/** Questions already used per article, so rounds do not repeat them until the bank is spent. */
export const quizUsedRecord = defineRecord({
  key: 'quiz:used',
  version: 1,
  schema: z.record(z.string(), z.array(z.string())),
  initial: (): Record<string, string[]> => ({}),
});

export const quizAnswersRecord = defineRecord<Answer[], [roundId: string, index: number, chunk: number]>({
  key: (roundId, index, chunk) => `quiz:answers:${roundId}:${index}:${chunk}`,
  version: 1,
  schema: AnswerChunkSchema,
  initial: () => [],
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
  version: 2,
  schema: QuizRoundSchema.nullable(),
  initial: (): QuizRound | null => null,
  // Version 1 kept no outbox flags: an archived round had done all it owed.
  migrate: (data, from) =>
    from === 1 && typeof data === 'object' && data !== null
      ? { ...data, closedAt: null, revealShown: true, filed: true, standingsShown: true }
      : undefined,
});
