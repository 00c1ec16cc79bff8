import type { LocalDiscord } from '@roundtable/local-discord';
import { createLogger } from '../src/core/logger.js';
import { quizArchiveRecord, quizTotalsRecord } from '../src/features/quiz/records.js';
import { openStore } from '../src/store/index.js';

/**
 * Many servers: what one server stores after a finished round, copied to
 * thousands of servers through the store API, and the same servers in the
 * local Discord so the bot meets them at start-up as it would in production.
 *
 * The template comes from a round the real bot played and filed, so the
 * copies have whatever shape and size the current code stores (records read
 * back and written again through their own schemas), not a hand-made guess.
 */

export interface ServerTemplate {
  readonly totals: unknown;
  readonly archive: unknown;
  readonly roundId: string;
  readonly players: number;
  readonly bytes: number;
}

const logger = createLogger('silent');

/** Reads the finished round and the totals the bot filed for `guildId`. */
export async function readTemplate(storeUrl: string, guildId: string): Promise<ServerTemplate> {
  const store = await openStore(storeUrl, logger);
  try {
    const totals = await store.read(guildId, quizTotalsRecord);
    const roundId = totals.history[0]?.roundId;
    if (!roundId) throw new Error('the template server has no finished round');
    const archive = await store.read(guildId, quizArchiveRecord(roundId));
    if (!archive) throw new Error(`the template round ${roundId} is not archived`);
    return {
      totals,
      archive,
      roundId,
      players: Object.keys(totals.scores).length,
      bytes: JSON.stringify(totals).length + JSON.stringify(archive).length,
    };
  } finally {
    await store.close();
  }
}

/** Writes the template's records for every server id, a few servers at a time. */
export async function seedServers(
  storeUrl: string,
  template: ServerTemplate,
  guildIds: readonly string[],
): Promise<void> {
  const store = await openStore(storeUrl, logger);
  const totals = quizTotalsRecord;
  const archive = quizArchiveRecord(template.roundId);
  // A fresh copy per server: values are validated by the record schemas on the way in.
  const copy = <T>(value: unknown): T => structuredClone(value) as T;
  try {
    let next = 0;
    const worker = async () => {
      while (next < guildIds.length) {
        const guildId = guildIds[next++];
        if (guildId === undefined) break;
        await store.put(guildId, archive, copy(template.archive));
        await store.put(guildId, totals, copy(template.totals));
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
  } finally {
    await store.close();
  }
}

/** Adds servers to the local Discord (each like the default one: #general, Teacher role, the default users). */
export function addServers(discord: LocalDiscord, count: number): string[] {
  return Array.from({ length: count }, (_, i) => discord.addGuild({ name: `School ${i + 1}` }).id);
}
