import type { Claim, Question, Verdict } from '../../content/schema.js';
import {
  POLL_ANSWERS,
  type PollAnswerKey,
  type PollCounts,
  type PollStatus,
  type SessionPhase,
  type SessionState,
} from './state.js';

/**
 * What the recap and `/session status` show, as plain data; turning it into
 * Discord messages is the renderer's job. Content missing from the catalogue
 * (a pack changed since the session started) comes back as null.
 */

export interface RecapPrompt {
  /** 1-based. */
  n: number;
  questionId: string;
  prompt: string | null;
  replies: number;
  participants: number;
}

export interface RecapAnswer {
  key: PollAnswerKey;
  label: string;
  count: number;
  /** Whole percent; the answers of one poll add up to 100 unless nobody voted. */
  percent: number;
}

export interface RecapPoll {
  claimId: string;
  claim: string | null;
  status: PollStatus;
  /** Null when Discord never reported results. */
  votes: number | null;
  answers: RecapAnswer[] | null;
  verdict: Verdict | null;
  checkNote: string | null;
}

export interface RecapView {
  article: string;
  /** Prompts that were shown, in order. */
  prompts: RecapPrompt[];
  promptsPlanned: number;
  polls: RecapPoll[];
  /** Distinct people across all prompts. */
  participants: number;
  replies: number;
  startedAt: number;
  endedAt: number | null;
  /** Null while the session is still running. */
  minutes: number | null;
}

export function recapView(state: SessionState, questions: readonly Question[], claims: readonly Claim[]): RecapView {
  const questionById = new Map(questions.map((q) => [q.id, q]));
  const claimById = new Map(claims.map((c) => [c.id, c]));
  const shown = state.prompts.filter((p) => p.startedAt !== null);
  const prompts = shown.map(
    (p, i): RecapPrompt => ({
      n: i + 1,
      questionId: p.questionId,
      prompt: questionById.get(p.questionId)?.prompt ?? null,
      replies: sum(p.participants.map((x) => x.messages)),
      participants: p.participants.length,
    }),
  );
  const polls = state.polls.map((poll): RecapPoll => {
    const claim = claimById.get(poll.claimId);
    return {
      claimId: poll.claimId,
      claim: claim?.claim ?? null,
      status: poll.status,
      votes: poll.results === null ? null : sumCounts(poll.results),
      answers: poll.results === null ? null : splitAnswers(poll.results),
      verdict: claim?.check.verdict ?? null,
      checkNote: claim?.check.note ?? null,
    };
  });
  return {
    article: state.article,
    prompts,
    promptsPlanned: state.prompts.length,
    polls,
    participants: new Set(shown.flatMap((p) => p.participants.map((x) => x.userId))).size,
    replies: sum(prompts.map((p) => p.replies)),
    startedAt: state.startedAt,
    endedAt: state.endedAt,
    minutes: state.endedAt === null ? null : Math.round((state.endedAt - state.startedAt) / 60_000),
  };
}

export interface StatusView {
  phase: SessionPhase;
  channelId: string;
  hostId: string;
  article: string;
  /** 1-based. */
  prompt: number;
  prompts: number;
  /** Null only for a damaged state the schema would have refused. */
  questionId: string | null;
  startedAt: number;
  openPolls: { claimId: string; messageId: string | null }[];
}

export function statusView(state: SessionState): StatusView {
  return {
    phase: state.phase,
    channelId: state.channelId,
    hostId: state.hostId,
    article: state.article,
    prompt: state.current + 1,
    prompts: state.prompts.length,
    questionId: state.prompts[state.current]?.questionId ?? null,
    startedAt: state.startedAt,
    openPolls: state.polls
      .filter((p) => p.status === 'open')
      .map((p) => ({ claimId: p.claimId, messageId: p.messageId })),
  };
}

/** Whole percentages by largest remainder, so a split never shows 99 or 101 in total. */
export function splitAnswers(counts: PollCounts): RecapAnswer[] {
  const total = sumCounts(counts);
  const exact = POLL_ANSWERS.map((a) => (total === 0 ? 0 : (counts[a.key] * 100) / total));
  const percents = exact.map(Math.floor);
  let missing = total === 0 ? 0 : 100 - sum(percents);
  const byRemainder = exact
    .map((e, i) => ({ i, rest: e - Math.floor(e) }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of byRemainder) {
    if (missing <= 0) break;
    percents[i] = (percents[i] ?? 0) + 1;
    missing--;
  }
  return POLL_ANSWERS.map((a, i) => ({ key: a.key, label: a.label, count: counts[a.key], percent: percents[i] ?? 0 }));
}

function sumCounts(counts: PollCounts): number {
  return sum(POLL_ANSWERS.map((a) => counts[a.key]));
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
