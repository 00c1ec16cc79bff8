import { z } from 'zod';
import { defineRecord } from '../../store/index.js';
import {
  type SessionControl,
  SessionControlSchema,
  type SessionCounts,
  SessionCountsSchema,
  type SessionState,
  SessionStateSchema,
} from './state.js';

/** The records of discussion sessions; how they are split is told at the top of runtime.ts. */

const ServerSchema = z.object({
  /** Channels with a session in play, in the order they started. */
  channels: z.array(z.string().min(1)),
  /** Prompts already used per article, oldest first, so later sessions get fresh ones. */
  used: z.record(z.string(), z.array(z.string())),
});
export type SessionServer = z.infer<typeof ServerSchema>;
export const sessionServerRecord = defineRecord<SessionServer>({
  key: 'session:server',
  version: 1,
  schema: ServerSchema,
  initial: () => ({ channels: [], used: {} }),
});

export const sessionControlRecord = defineRecord({
  key: (channelId: string) => `session:live:${channelId}`,
  version: 1,
  schema: SessionControlSchema.nullable(),
  initial: (): SessionControl | null => null,
});

/** Keyed by session too, so a late flush of an ended session can never overwrite the next one's counts. */
export const sessionCountsRecord = defineRecord<SessionCounts, [channelId: string, sessionId: string]>({
  key: (channelId, sessionId) => `session:counts:${channelId}:${sessionId}`,
  version: 1,
  schema: SessionCountsSchema,
  initial: () => ({ prompts: [] }),
});

/** The last ended session of a channel, for `/session report`. */
export const sessionArchiveRecord = defineRecord({
  key: (channelId: string) => `session:archive:${channelId}`,
  version: 1,
  schema: SessionStateSchema.nullable(),
  initial: (): SessionState | null => null,
});

const LegacyLiveSchema = z.object({
  sessions: z.record(z.string(), SessionStateSchema),
  used: z.record(z.string(), z.array(z.string())),
});
/** Where every session of a server lived before the per-channel records; only read to move them. */
export const legacySessionLiveRecord = defineRecord<z.infer<typeof LegacyLiveSchema>>({
  key: 'session:live',
  version: 1,
  schema: LegacyLiveSchema,
  initial: () => ({ sessions: {}, used: {} }),
});
