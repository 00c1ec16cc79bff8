import { z } from 'zod';
import { LEVELS, THEMES } from '../../content/schema.js';

/**
 * Stored shapes of discussion sessions. Everything here is plain JSON, kept in
 * the per-server store and validated on read; the TypeScript types are inferred.
 */

export const PROMPT_COUNT = { min: 1, max: 12, default: 5 } as const;
export const SESSION_PHASES = ['active', 'ended'] as const;
export const POLL_STATUSES = ['open', 'closed'] as const;

/** Poll answers in the order they are posted; Discord numbers them 1..4 in this order. */
export const POLL_ANSWERS = [
  { key: 'agree', label: 'Agree' },
  { key: 'disagree', label: 'Disagree' },
  { key: 'notSure', label: 'Not sure' },
  { key: 'needMoreEvidence', label: 'Need more evidence' },
] as const;

const timestamp = z.number().int().nonnegative();
const id = z.string().min(1);
const count = z.number().int().nonnegative();

export const ParticipantSchema = z.object({
  userId: id,
  displayName: z.string(),
  messages: z.number().int().positive(),
});

const promptFields = {
  questionId: id,
  /** How many follow-ups the question has, so revealing them needs no catalogue. */
  followUps: count,
  shownFollowUps: count,
  messageId: id.nullable(),
  /** Null in channel mode, or when the thread could not be created. */
  threadId: id.nullable(),
  /** Null until the prompt becomes current. */
  startedAt: timestamp.nullable(),
};

function followUpsInRange(p: { shownFollowUps: number; followUps: number }): boolean {
  return p.shownFollowUps <= p.followUps;
}
const FOLLOW_UPS_IN_RANGE = { error: 'cannot show more follow-ups than the question has', path: ['shownFollowUps'] };

/** A prompt as stored in the channel's control record: no message counts, they grow elsewhere. */
export const PromptControlSchema = z.object(promptFields).refine(followUpsInRange, FOLLOW_UPS_IN_RANGE);

export const PromptStateSchema = z
  .object({
    ...promptFields,
    /** In order of first message. */
    participants: z.array(ParticipantSchema),
  })
  .refine(followUpsInRange, FOLLOW_UPS_IN_RANGE);

export const PollCountsSchema = z.object({
  agree: count,
  disagree: count,
  notSure: count,
  needMoreEvidence: count,
});

export const PollStateSchema = z.object({
  claimId: id,
  /** Set by the runtime once the poll is posted. */
  messageId: id.nullable(),
  status: z.enum(POLL_STATUSES),
  openedAt: timestamp,
  /** Null until Discord reports the final counts (or when it never could). */
  results: PollCountsSchema.nullable(),
  /** The host closed this poll mid-session to show its check at once, not only in the recap. */
  revealNow: z.boolean().default(false),
  /** The card above the poll, whose host button is retired when the session ends. */
  cardMessageId: id.nullable().default(null),
  /** Set once that mid-session result is posted, so a restart posts it once. */
  resultMessageId: id.nullable().default(null),
});

const sessionFields = {
  version: z.literal(1),
  guildId: id,
  channelId: id,
  hostId: id,
  article: id,
  /** Whether threads were asked for; each prompt records whether it got one. */
  threads: z.boolean(),
  theme: z.enum(THEMES).nullable(),
  level: z.enum(LEVELS).nullable(),
  seed: z.number().int(),
  phase: z.enum(SESSION_PHASES),
  current: z.number().int().nonnegative(),
  polls: z.array(PollStateSchema),
  startedAt: timestamp,
  endedAt: timestamp.nullable(),
  /** Set once the recap is posted, so a restart knows whether it still owes one. */
  recapMessageId: id.nullable(),
  /** False until the opening message is posted; absent (stored before it was kept) counts as posted. */
  openingPosted: z.boolean().optional(),
  /** Follow-ups posted per prompt; fewer than `shownFollowUps` are still owed. Absent: all shown are posted. */
  followUpsPosted: z.array(count).optional(),
};

type SessionShape = {
  current: number;
  prompts: readonly unknown[];
  phase: SessionPhase;
  endedAt: number | null;
  polls: readonly { claimId: string }[];
};

/** The rules every session obeys, stored whole or as its control part. */
function sessionRules<S extends z.ZodType<SessionShape>>(schema: S) {
  return schema
    .refine((s) => s.current < s.prompts.length, { error: 'current prompt out of range', path: ['current'] })
    .refine((s) => (s.phase === 'ended') === (s.endedAt !== null), {
      error: 'endedAt must be set exactly when the session ended',
      path: ['endedAt'],
    })
    .refine((s) => new Set(s.polls.map((p) => p.claimId)).size === s.polls.length, {
      error: 'a claim can be polled only once',
      path: ['polls'],
    });
}

/** A whole session with its message counts: what the engine, the recap and the report work on. */
export const SessionStateSchema = sessionRules(
  z.object({ ...sessionFields, prompts: z.array(PromptStateSchema).min(1) }),
);

/**
 * The control part of a session: phase, prompts, ids, polls. Small, and
 * rewritten only on host actions and Discord's answers, never per chat message.
 */
export const SessionControlSchema = sessionRules(
  z.object({ ...sessionFields, prompts: z.array(PromptControlSchema).min(1) }),
);

/** Message counts of one session, one list of participants per prompt (in prompt order). */
export const SessionCountsSchema = z.object({ prompts: z.array(z.array(ParticipantSchema)) });

export type SessionPhase = (typeof SESSION_PHASES)[number];
export type PollStatus = (typeof POLL_STATUSES)[number];
export type PollAnswerKey = (typeof POLL_ANSWERS)[number]['key'];
export type Participant = z.infer<typeof ParticipantSchema>;
export type PromptState = z.infer<typeof PromptStateSchema>;
export type PollCounts = z.infer<typeof PollCountsSchema>;
export type PollState = z.infer<typeof PollStateSchema>;
export type SessionState = z.infer<typeof SessionStateSchema>;
export type PromptControl = z.infer<typeof PromptControlSchema>;
export type SessionControl = z.infer<typeof SessionControlSchema>;
export type SessionCounts = z.infer<typeof SessionCountsSchema>;

/** Parses a stored session; null when it is missing, from another version, or damaged. */
export function parseSessionState(value: unknown): SessionState | null {
  const result = SessionStateSchema.safeParse(value);
  return result.success ? result.data : null;
}

/** The part of a session that is stored as its control record. */
export function controlOf(state: SessionState): SessionControl {
  return { ...state, prompts: state.prompts.map(({ participants: _counted, ...prompt }) => prompt) };
}

/** The counts of a session, as flushed to its counts record. */
export function countsOf(state: SessionState): SessionCounts {
  return { prompts: state.prompts.map((p) => p.participants) };
}

/** A whole session from its control part and its counts (a prompt without counts has none yet). */
export function withCounts(control: SessionControl, counts: SessionCounts | null): SessionState {
  return {
    ...control,
    prompts: control.prompts.map((prompt, i) => ({ ...prompt, participants: counts?.prompts[i] ?? [] })),
  };
}
