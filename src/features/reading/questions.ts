import { z } from 'zod';
import type { Pack, Question } from '../../content/schema.js';
import { createRandom, drawWithoutRepeats } from '../../core/random.js';
import { defineRecord } from '../../store/index.js';
import type { QuestionFilter } from './render.js';

/** Discussion questions already drawn in a server, per article, so none repeats until all were used. */
export const questionsUsedRecord = defineRecord({
  key: 'questions-used',
  version: 1,
  schema: z.record(z.string(), z.array(z.string())),
  initial: (): Record<string, string[]> => ({}),
});

export type DrawResult = { ok: true; question: Question; used: string[]; cycled: boolean } | { ok: false };

export function matchingQuestions(pack: Pack, filter: QuestionFilter): Question[] {
  return pack.questions.filter(
    (q) => (filter.theme === null || q.theme === filter.theme) && (filter.level === null || q.level === filter.level),
  );
}

/** Draws the next question matching the filter; `cycled` when every one had been used and a new cycle began. */
export function drawQuestion(pack: Pack, used: readonly string[], filter: QuestionFilter, seed: number): DrawResult {
  const matching = matchingQuestions(pack, filter);
  const ids = matching.map((q) => q.id);
  if (ids.length === 0) return { ok: false };
  const usedSet = new Set(used);
  const cycled = ids.every((id) => usedSet.has(id));
  const draw = drawWithoutRepeats(ids, used, 1, seed);
  const question = matching.find((q) => q.id === draw.picked[0]);
  return question ? { ok: true, question, used: draw.used, cycled } : { ok: false };
}

/** A question for one student's eyes: drawn at random, the server's no-repeat list left as it is. */
export function peekQuestion(pack: Pack, filter: QuestionFilter, seed: number): Question | null {
  const matching = matchingQuestions(pack, filter);
  return matching[Math.floor(createRandom(seed)() * matching.length)] ?? null;
}
