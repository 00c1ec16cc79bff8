import type { REST } from '@discordjs/rest';
import { Routes } from 'discord.js';
import { z } from 'zod';
import { THREAD_ARCHIVE_MINUTES } from './render.js';
import { POLL_ANSWERS, type PollCounts } from './state.js';

/** The Discord calls sessions need beyond plain channel messages. */
export interface SessionDiscord {
  /** Opens a public thread from a message; resolves to the thread's id. */
  createThread(channelId: string, messageId: string, name: string): Promise<string>;
  /** Closes a poll now; resolves to the finalized message. */
  expirePoll(channelId: string, messageId: string): Promise<unknown>;
  fetchMessage(channelId: string, messageId: string): Promise<unknown>;
}

const Created = z.object({ id: z.string().min(1) });

export function createSessionDiscord(rest: REST): SessionDiscord {
  return {
    async createThread(channelId, messageId, name) {
      const created = await rest.post(Routes.threads(channelId, messageId), {
        body: { name, auto_archive_duration: THREAD_ARCHIVE_MINUTES },
      });
      return Created.parse(created).id;
    },
    expirePoll: (channelId, messageId) => rest.post(Routes.expirePoll(channelId, messageId)),
    fetchMessage: (channelId, messageId) => rest.get(Routes.channelMessage(channelId, messageId)),
  };
}

const PollMessageSchema = z.object({
  poll: z.object({
    results: z
      .object({
        answer_counts: z.array(z.object({ id: z.number().int(), count: z.number().int().nonnegative() })),
      })
      .nullish(),
  }),
});

/** Counts from a poll message; Discord numbers answers 1..4 in the order posted and may leave out those at 0. */
export function pollCountsOf(message: unknown): PollCounts | null {
  const parsed = PollMessageSchema.safeParse(message);
  const results = parsed.success ? parsed.data.poll.results : null;
  if (!results) return null;
  const counts: PollCounts = { agree: 0, disagree: 0, notSure: 0, needMoreEvidence: 0 };
  for (const { id, count } of results.answer_counts) {
    const answer = POLL_ANSWERS[id - 1];
    if (answer) counts[answer.key] = count;
  }
  return counts;
}
