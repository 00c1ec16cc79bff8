import { MessageFlags, subtext } from 'discord.js';
import { z } from 'zod';
import type { Pack, Question } from '../../content/schema.js';
import { createRandom, drawWithoutRepeats } from '../../core/random.js';
import { UserError } from '../../discord-kit/errors.js';
import type { MessageView } from '../../discord-kit/reply.js';
import { defineRecord, type GuildStore } from '../../store/index.js';
import { questionReply, type ReplyOptions } from './prepared.js';
import { type QuestionFilter, renderTeacherNote } from './render.js';

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

const NO_MATCH = 'No discussion question matches that theme and level. Try without one of them.';

/**
 * The next question for whoever asked. Hosts post to the class and spend the
 * server's no-repeat list, and get the teacher note privately; anyone else gets
 * a question privately, so students cannot use up the host's list.
 */
export async function nextQuestionFor(
  deps: { readonly store: GuildStore; readonly now: () => number },
  asker: { readonly guildId: string; readonly isHost: boolean },
  pack: Pack,
  filter: QuestionFilter,
): Promise<{ reply: ReplyOptions; replyKey: string; hostNote: MessageView | null }> {
  if (!asker.isHost) {
    const question = peekQuestion(pack, filter, deps.now());
    if (!question) throw new UserError(NO_MATCH);
    const note = subtext('Only you can see this question. Your host posts questions for the whole class.');
    return {
      reply: { ...questionReply(pack, question, filter, note), flags: MessageFlags.Ephemeral },
      replyKey: replyKeyOf(pack, question, filter, 'student'),
      hostNote: null,
    };
  }
  const drawn = await deps.store.update<Record<string, string[]>, DrawResult>(
    asker.guildId,
    questionsUsedRecord,
    (used) => {
      const result = drawQuestion(pack, used[pack.slug] ?? [], filter, deps.now());
      return result.ok ? { value: { ...used, [pack.slug]: result.used }, result } : { value: used, result };
    },
  );
  if (!drawn.ok) throw new UserError(NO_MATCH);
  const only = matchingQuestions(pack, filter).length === 1;
  const note = only
    ? subtext('This is the only question that matches; choose another theme or level for more.')
    : drawn.cycled
      ? subtext('Every matching question has been used once; starting a new round of them.')
      : null;
  return {
    reply: questionReply(pack, drawn.question, filter, note),
    replyKey: replyKeyOf(pack, drawn.question, filter, only ? 'only' : drawn.cycled ? 'cycled' : 'host'),
    hostNote: renderTeacherNote(drawn.question),
  };
}

/** Names everything the reply depends on: two replies with one key are the same message. */
function replyKeyOf(pack: Pack, question: { readonly id: string }, filter: QuestionFilter, asker: string): string {
  return [pack.slug, question.id, filter.theme ?? '-', filter.level ?? '-', asker].join('\u0000');
}
