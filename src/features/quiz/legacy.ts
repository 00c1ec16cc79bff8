import { z } from 'zod';
import type { Logger } from '../../core/logger.js';
import { defineRecord, type GuildStore } from '../../store/index.js';
import { quizAnswersRecord, quizRoundRecord, quizUsedRecord } from './records.js';
import { QuizRoundSchema } from './state.js';

/**
 * Before answers were split out, every live round of a server (with every
 * answer) sat in one record, `quiz:live`. A bot upgraded mid-round moves those
 * rounds to the per-channel records once, at start-up, and goes on with them.
 */

// The old rounds kept no outbox flags: a closed question had had its reveal
// shown, and a finished round still in play had not been filed yet.
function withOutboxFlags(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const phase = 'phase' in value ? value.phase : undefined;
  return { closedAt: null, revealShown: phase !== 'question-open', filed: false, standingsShown: false, ...value };
}

const LegacyLiveSchema = z.object({
  rounds: z.record(z.string(), z.preprocess(withOutboxFlags, QuizRoundSchema)),
  used: z.record(z.string(), z.array(z.string())),
});

const legacyLiveRecord = defineRecord({
  key: 'quiz:live',
  version: 1,
  schema: LegacyLiveSchema.nullable(),
  initial: (): z.infer<typeof LegacyLiveSchema> | null => null,
});

/** Moves every legacy `quiz:live` record of the owned servers; safe to run again after a crash. */
export async function migrateLegacyLive(
  store: GuildStore,
  logger: Logger,
  owns: (guildId: string) => boolean,
): Promise<void> {
  for (const { guildId } of await store.listRecords('quiz:live')) {
    if (!owns(guildId)) continue;
    const live = await store.read(guildId, legacyLiveRecord);
    if (!live) continue;
    for (const [channelId, { answers, ...control }] of Object.entries(live.rounds)) {
      for (const [index, list] of answers.entries()) {
        if (list.length > 0) await store.put(guildId, quizAnswersRecord(control.roundId, index, 0), list);
      }
      await store.update(guildId, quizRoundRecord(channelId), (current) => ({
        value: current ?? control,
        result: null,
      }));
    }
    await store.update(guildId, quizUsedRecord, (used) => ({ value: { ...live.used, ...used }, result: null }));
    await store.delete(guildId, legacyLiveRecord);
    logger.info({ guildId, rounds: Object.keys(live.rounds).length }, 'moved live quiz rounds to per-channel records');
  }
}
