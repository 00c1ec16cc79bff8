import type { Logger } from '../../core/logger.js';
import type { GuildStore } from '../../store/index.js';
import { legacySessionLiveRecord, sessionControlRecord, sessionCountsRecord, sessionServerRecord } from './records.js';
import { sessionIdOf } from './render.js';
import { controlOf, countsOf } from './state.js';

/**
 * Before the per-channel records, every session of a server (counts inside)
 * sat in one record, `session:live`. The runtime moves them once per server,
 * before anything else touches its sessions, and deletes the old record.
 */
export async function migrateLegacySessions(store: GuildStore, logger: Logger, guildId: string): Promise<void> {
  const legacy = await store.read(guildId, legacySessionLiveRecord);
  const moved = Object.values(legacy.sessions);
  // Absent (or unreadable, which the store has logged): nothing to move, and nothing is overwritten.
  if (moved.length === 0 && Object.keys(legacy.used).length === 0) return;
  for (const state of moved) {
    // Counts first: they are keyed by session, so a move cut short and run again never doubles them.
    await store.put(guildId, sessionCountsRecord(state.channelId, sessionIdOf(state)), countsOf(state));
    await store.update(guildId, sessionControlRecord(state.channelId), (current) => ({
      value: current ?? controlOf(state),
      result: null,
    }));
  }
  await store.update(guildId, sessionServerRecord, (server) => ({
    value: {
      channels: [...new Set([...server.channels, ...moved.map((s) => s.channelId)])],
      used: { ...legacy.used, ...server.used },
    },
    result: null,
  }));
  await store.delete(guildId, legacySessionLiveRecord);
  logger.info({ guildId, sessions: moved.length }, 'discussion sessions moved to per-channel records');
}
