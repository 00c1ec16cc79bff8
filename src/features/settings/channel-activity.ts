import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defineRecord, type GuildStore } from '../../store/index.js';

/** The activities that hold a channel while they run: one at a time per channel. */
export const ACTIVITIES = ['quiz', 'session'] as const;
export type ActivityKind = (typeof ACTIVITIES)[number];

/** How long a start in flight holds the channel when its process never says it is done (a crash). */
export const START_HOLD_MS = 60_000;

const ClaimSchema = z.object({
  kind: z.enum(ACTIVITIES),
  /** Starts in flight: a token each, with the time its hold runs out. */
  starts: z.record(z.string(), z.number()),
});
type Claim = z.infer<typeof ClaimSchema>;

/**
 * Which activity last took a channel. Every start goes through this one record
 * (first writer wins), so a quiz round and a session starting at the same time
 * in one channel cannot both see it free.
 */
export const channelClaimRecord = defineRecord({
  key: (channelId: string) => `channel:claim:${channelId}`,
  version: 1,
  schema: ClaimSchema.nullable(),
  initial: (): Claim | null => null,
});

export type ClaimOutcome = { kind: 'held'; release(): Promise<void> } | { kind: 'taken'; by: ActivityKind };

/**
 * Runs `start` holding the channel for `kind`, released once it is done; or
 * says which other activity holds the channel, without running it.
 */
export async function startHolding<R>(
  channels: ChannelActivity,
  place: { readonly guildId: string; readonly channelId: string },
  kind: ActivityKind,
  start: () => Promise<R>,
): Promise<{ kind: 'ran'; result: R } | { kind: 'taken'; by: ActivityKind }> {
  const claim = await channels.claim(place.guildId, place.channelId, kind);
  if (claim.kind === 'taken') return claim;
  try {
    return { kind: 'ran', result: await start() };
  } finally {
    await claim.release();
  }
}

export interface ChannelActivity {
  /**
   * Takes the channel for a start of `kind`, unless another kind runs or is
   * starting there. Starts of one kind share the claim: the activity's own
   * runtime refuses a second round or session. Call `release` when the start is
   * done, whatever its outcome; the claim then stands for as long as the
   * activity is active.
   */
  claim(guildId: string, channelId: string, kind: ActivityKind): Promise<ClaimOutcome>;
}

export interface ChannelActivityDeps {
  readonly store: GuildStore;
  readonly now: () => number;
  /** Whether an activity of `kind` is running in the channel, from its own records. */
  readonly isActive: Readonly<Record<ActivityKind, (guildId: string, channelId: string) => Promise<boolean>>>;
}

/** Tries before giving up when other starts keep changing the claim between the read and the write. */
const ATTEMPTS = 5;

function liveStarts(claim: Claim | null, at: number): Record<string, number> {
  return Object.fromEntries(Object.entries(claim?.starts ?? {}).filter(([, until]) => until > at));
}

export function createChannelActivity(deps: ChannelActivityDeps): ChannelActivity {
  const { store, now, isActive } = deps;

  async function release(guildId: string, channelId: string, token: string): Promise<void> {
    await store.update(guildId, channelClaimRecord(channelId), (claim) => {
      if (!claim || !(token in claim.starts)) return { value: claim, result: null };
      const { [token]: _done, ...starts } = claim.starts;
      return { value: { ...claim, starts }, result: null };
    });
  }

  return {
    async claim(guildId, channelId, kind) {
      const record = channelClaimRecord(channelId);
      for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
        const seen = await store.read(guildId, record);
        const at = now();
        if (seen && seen.kind !== kind && Object.keys(liveStarts(seen, at)).length > 0) {
          return { kind: 'taken', by: seen.kind };
        }
        // An activity of another kind that started before this claim was taken (or before claims existed).
        for (const other of ACTIVITIES) {
          if (other !== kind && (await isActive[other](guildId, channelId))) return { kind: 'taken', by: other };
        }
        const token = randomBytes(6).toString('hex');
        const won = await store.update(guildId, record, (current) => {
          // Anything written since the read above may be a start of another kind: look again.
          if (JSON.stringify(current) !== JSON.stringify(seen)) return { value: current, result: false };
          const starts = current?.kind === kind ? liveStarts(current, at) : {};
          return { value: { kind, starts: { ...starts, [token]: at + START_HOLD_MS } }, result: true };
        });
        if (won) return { kind: 'held', release: () => release(guildId, channelId, token) };
      }
      throw new Error(`the claim of channel ${channelId} kept changing`);
    },
  };
}
