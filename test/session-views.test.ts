import { describe, expect, test } from 'vitest';
import { type Claim, citingSchemas, type Question, QuestionSchema } from '../src/content/schema.js';

import {
  end,
  next,
  pollClaim,
  pollResults,
  recordMessage,
  setPollMessage,
  setPromptMessage,
  startSession,
} from '../src/features/session/engine.js';
import type { PollCounts, SessionState } from '../src/features/session/state.js';
import { recapView, splitAnswers, statusView } from '../src/features/session/views.js';

const { claim: ClaimSchema } = citingSchemas(new Map());

const T0 = Date.UTC(2025, 2, 3, 9, 0);
const MIN = 60_000;

const QUESTIONS: Question[] = [
  QuestionSchema.parse({ id: 'q1', prompt: 'What happened?', theme: 'history', level: 'recall', followUps: ['When?'] }),
  QuestionSchema.parse({ id: 'q2', prompt: 'Why?', theme: 'motives', level: 'analyze', followUps: ['Who gains?'] }),
  QuestionSchema.parse({ id: 'q3', prompt: 'What next?', theme: 'perspectives', level: 'create', followUps: ['How?'] }),
];

function makeClaim(id: string, verdict: Claim['check']['verdict']): Claim {
  return ClaimSchema.parse({
    id,
    claim: `Claim ${id}`,
    quote: 'a quote',
    paragraph: 1,
    kind: 'reported-fact',
    by: 'Reporter',
    check: { verdict, note: `Note ${id}`, checked: '2025-03-01' },
  });
}
const CLAIMS = [makeClaim('c1', 'supported'), makeClaim('c2', 'contradicted')];

function say(state: SessionState, channelId: string, ...userIds: string[]): SessionState {
  return userIds.reduce(
    (s, userId) => recordMessage(s, { channelId, userId, displayName: userId.toUpperCase(), isBot: false }, T0).state,
    state,
  );
}

/** Two of three prompts shown, three polls in different states, ended after 42 minutes. */
function playedSession(): SessionState {
  const started = startSession(
    {
      guildId: 'g',
      channelId: 'chan',
      hostId: 'host',
      article: 'pack',
      questions: QUESTIONS,
      usedPromptIds: [],
      count: 3,
      seed: 1,
    },
    T0,
  );
  if (started.state === null) throw new Error('start refused');
  let s = setPromptMessage(started.state, { index: 0, messageId: 'm0', threadId: 't0' }).state;
  s = say(s, 't0', 'u1', 'u2', 'u1', 'u3');
  s = next(s, T0 + 10 * MIN).state;
  s = setPromptMessage(s, { index: 1, messageId: 'm1', threadId: 't1' }).state;
  s = say(s, 't1', 'u1', 'u4');
  s = pollClaim(s, 'c1', T0 + 12 * MIN).state;
  s = setPollMessage(s, { claimId: 'c1', messageId: 'p1' }).state;
  s = pollClaim(s, 'c2', T0 + 13 * MIN).state;
  s = setPollMessage(s, { claimId: 'c2', messageId: 'p2' }).state;
  s = pollClaim(s, 'gone', T0 + 14 * MIN).state;
  s = setPollMessage(s, { claimId: 'gone', messageId: 'p3' }).state;
  s = end(s, T0 + 42 * MIN).state;
  s = pollResults(s, 'c1', { agree: 3, disagree: 1, notSure: 0, needMoreEvidence: 0 }).state;
  return pollResults(s, 'gone', { agree: 0, disagree: 0, notSure: 0, needMoreEvidence: 0 }).state;
}

describe('recapView', () => {
  test('GIVEN a played session THEN the recap has the prompts covered, the splits and the length', () => {
    const recap = recapView(playedSession(), QUESTIONS, CLAIMS);
    expect(recap.prompts).toEqual([
      { n: 1, questionId: 'q1', prompt: 'What happened?', replies: 4, participants: 3 },
      { n: 2, questionId: 'q2', prompt: 'Why?', replies: 2, participants: 2 },
    ]);
    expect(recap.promptsPlanned).toBe(3);
    expect(recap.participants).toBe(4);
    expect(recap.replies).toBe(6);
    expect(recap.minutes).toBe(42);
    expect(recap.polls).toEqual([
      {
        claimId: 'c1',
        claim: 'Claim c1',
        status: 'closed',
        votes: 4,
        answers: [
          { key: 'agree', label: 'Agree', count: 3, percent: 75 },
          { key: 'disagree', label: 'Disagree', count: 1, percent: 25 },
          { key: 'notSure', label: 'Not sure', count: 0, percent: 0 },
          { key: 'needMoreEvidence', label: 'Need more evidence', count: 0, percent: 0 },
        ],
        verdict: 'supported',
        checkNote: 'Note c1',
      },
      {
        claimId: 'c2',
        claim: 'Claim c2',
        status: 'open',
        votes: null,
        answers: null,
        verdict: 'contradicted',
        checkNote: 'Note c2',
      },
      {
        claimId: 'gone',
        claim: null,
        status: 'closed',
        votes: 0,
        answers: [
          { key: 'agree', label: 'Agree', count: 0, percent: 0 },
          { key: 'disagree', label: 'Disagree', count: 0, percent: 0 },
          { key: 'notSure', label: 'Not sure', count: 0, percent: 0 },
          { key: 'needMoreEvidence', label: 'Need more evidence', count: 0, percent: 0 },
        ],
        verdict: null,
        checkNote: null,
      },
    ]);
  });

  test('GIVEN a question missing from the catalogue THEN its text is null, not invented', () => {
    const recap = recapView(playedSession(), [], CLAIMS);
    expect(recap.prompts.map((p) => p.prompt)).toEqual([null, null]);
  });

  test.each([
    { ms: 29_999, minutes: 0 },
    { ms: 90_000, minutes: 2 },
    { ms: 61 * MIN, minutes: 61 },
  ])('GIVEN a session of $ms ms THEN it lasted $minutes minutes', ({ ms, minutes }) => {
    const s = playedSession();
    expect(recapView({ ...s, endedAt: s.startedAt + ms }, QUESTIONS, CLAIMS).minutes).toBe(minutes);
  });
});

describe('splitAnswers', () => {
  test.each<{ counts: PollCounts; percents: number[] }>([
    { counts: { agree: 1, disagree: 1, notSure: 1, needMoreEvidence: 0 }, percents: [34, 33, 33, 0] },
    { counts: { agree: 2, disagree: 1, notSure: 0, needMoreEvidence: 0 }, percents: [67, 33, 0, 0] },
    { counts: { agree: 1, disagree: 1, notSure: 1, needMoreEvidence: 4 }, percents: [15, 14, 14, 57] },
    { counts: { agree: 0, disagree: 0, notSure: 0, needMoreEvidence: 7 }, percents: [0, 0, 0, 100] },
    { counts: { agree: 0, disagree: 0, notSure: 0, needMoreEvidence: 0 }, percents: [0, 0, 0, 0] },
  ])('GIVEN $counts THEN percents $percents', ({ counts, percents }) => {
    expect(splitAnswers(counts).map((a) => a.percent)).toEqual(percents);
  });
});

describe('statusView', () => {
  test('GIVEN a running session THEN status shows channel, prompt n of m, start and open polls', () => {
    let s = startSession(
      {
        guildId: 'g',
        channelId: 'chan',
        hostId: 'host',
        article: 'pack',
        questions: QUESTIONS,
        usedPromptIds: [],
        seed: 1,
      },
      T0,
    ).state;
    if (s === null) throw new Error('start refused');
    s = next(s, T0 + MIN).state;
    s = pollClaim(s, 'c1', T0 + 2 * MIN).state;
    s = pollClaim(s, 'c2', T0 + 2 * MIN).state;
    s = setPollMessage(s, { claimId: 'c2', messageId: 'p2' }).state;
    s = pollResults(s, 'c2', { agree: 1, disagree: 0, notSure: 0, needMoreEvidence: 0 }).state;
    expect(statusView(s)).toEqual({
      phase: 'active',
      channelId: 'chan',
      hostId: 'host',
      article: 'pack',
      prompt: 2,
      prompts: 3,
      questionId: 'q2',
      startedAt: T0,
      openPolls: [{ claimId: 'c1', messageId: null }],
    });
  });
});
