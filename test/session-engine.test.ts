import { describe, expect, test } from 'vitest';
import { type Question, QuestionSchema } from '../src/content/schema.js';
import {
  type ChannelMessage,
  closeClaimPoll,
  end,
  next,
  owed,
  pollClaim,
  pollResults,
  pollUnavailable,
  recordMessage,
  resume,
  type SessionEffect,
  type StartInput,
  setFollowUpPosted,
  setOpeningPosted,
  setPollMessage,
  setPollResultMessage,
  setPromptMessage,
  setRecapMessage,
  showFollowUp,
  startSession,
} from '../src/features/session/engine.js';
import {
  controlOf,
  countsOf,
  parseSessionState,
  SessionControlSchema,
  type SessionState,
  withCounts,
} from '../src/features/session/state.js';

const T0 = Date.UTC(2025, 2, 3, 9, 0);
const MIN = 60_000;

const QUESTIONS: Question[] = [
  QuestionSchema.parse({
    id: 'q-create',
    prompt: 'What would you do?',
    theme: 'perspectives',
    level: 'create',
    followUps: ['And then?'],
  }),
  QuestionSchema.parse({
    id: 'q-recall',
    prompt: 'What happened?',
    theme: 'history',
    level: 'recall',
    followUps: ['When?', 'Where?'],
  }),
  QuestionSchema.parse({
    id: 'q-analyze',
    prompt: 'Why did it happen?',
    theme: 'motives',
    level: 'analyze',
    followUps: ['Who gains?'],
  }),
];

function input(overrides: Partial<StartInput> = {}): StartInput {
  return {
    guildId: 'g1',
    channelId: 'chan',
    hostId: 'host',
    article: 'pack-a',
    questions: QUESTIONS,
    usedPromptIds: [],
    count: 3,
    seed: 7,
    ...overrides,
  };
}

function start(overrides: Partial<StartInput> = {}): SessionState {
  const result = startSession(input(overrides), T0);
  if (result.state === null) throw new Error(`start refused: ${result.reply.kind}`);
  return result.state;
}

function message(channelId: string, userId: string, overrides: Partial<ChannelMessage> = {}): ChannelMessage {
  return { channelId, userId, displayName: `Name ${userId}`, isBot: false, ...overrides };
}

function feed(state: SessionState, messages: readonly ChannelMessage[]): SessionState {
  return messages.reduce((s, m) => recordMessage(s, m, T0).state, state);
}

function counts(state: SessionState): Record<string, number>[] {
  return state.prompts.map((p) => Object.fromEntries(p.participants.map((x) => [x.userId, x.messages])));
}

describe('startSession', () => {
  test('GIVEN a bank of three THEN the session opens on the first prompt, ordered by level', () => {
    const result = startSession(input(), T0);
    expect(result.reply).toEqual({ kind: 'started', promptCount: 3, note: null });
    expect(result.effects).toEqual([{ type: 'post-opening' }, { type: 'post-prompt', index: 0 }]);
    expect(result.state?.prompts).toEqual([
      {
        questionId: 'q-recall',
        followUps: 2,
        shownFollowUps: 0,
        messageId: null,
        threadId: null,
        startedAt: T0,
        participants: [],
      },
      {
        questionId: 'q-analyze',
        followUps: 1,
        shownFollowUps: 0,
        messageId: null,
        threadId: null,
        startedAt: null,
        participants: [],
      },
      {
        questionId: 'q-create',
        followUps: 1,
        shownFollowUps: 0,
        messageId: null,
        threadId: null,
        startedAt: null,
        participants: [],
      },
    ]);
    expect(result.state).toMatchObject({
      version: 1,
      channelId: 'chan',
      hostId: 'host',
      article: 'pack-a',
      threads: true,
      phase: 'active',
      current: 0,
      startedAt: T0,
      endedAt: null,
      recapMessageId: null,
    });
    if (result.state === null) return;
    expect(new Set(result.used)).toEqual(new Set(['q-recall', 'q-analyze', 'q-create']));
  });

  test('GIVEN no count THEN five are asked and the short bank is noted', () => {
    const result = startSession(input({ count: undefined }), T0);
    expect(result.reply).toEqual({ kind: 'started', promptCount: 3, note: { asked: 5, available: 3 } });
  });

  test.each([0, 13, 2.5])('GIVEN count %d THEN the start is refused', (count) => {
    const result = startSession(input({ count }), T0);
    expect(result.state).toBeNull();
    expect(result.reply).toEqual({ kind: 'invalid-count', count, min: 1, max: 12 });
  });

  test('GIVEN a filter nothing matches THEN the start is refused', () => {
    const result = startSession(input({ theme: 'consequences' }), T0);
    expect(result.state).toBeNull();
    expect(result.reply).toEqual({ kind: 'no-prompts', theme: 'consequences', level: null });
  });

  test('GIVEN a stored state THEN it survives JSON and validation; damaged ones are refused', () => {
    const state = start();
    expect(parseSessionState(JSON.parse(JSON.stringify(state)))).toEqual(state);
    expect(parseSessionState({ ...state, current: 3 })).toBeNull();
    expect(parseSessionState({ ...state, version: 2 })).toBeNull();
    expect(parseSessionState({ ...state, phase: 'ended' })).toBeNull();
    expect(parseSessionState(undefined)).toBeNull();
  });
});

describe('stored parts', () => {
  test('GIVEN a session with counts THEN its control part holds none and both parts make it whole again', () => {
    const state = feed(start({ threads: false }), [
      message('chan', 'u1'),
      message('chan', 'u2'),
      message('chan', 'u1'),
    ]);
    expect(state.prompts[0]?.participants).toHaveLength(2);
    const control = SessionControlSchema.parse(JSON.parse(JSON.stringify(controlOf(state))));
    expect(JSON.stringify(control)).not.toContain('participants');
    expect(withCounts(control, countsOf(state))).toEqual(state);
    expect(withCounts(control, null).prompts.map((p) => p.participants)).toEqual([[], [], []]);
  });
});

describe('next', () => {
  test('GIVEN three prompts THEN next walks through them and then ends the session', () => {
    const s0 = start();
    const r1 = next(s0, T0 + 5 * MIN);
    expect(r1.reply).toEqual({ kind: 'prompt-shown', index: 1, total: 3 });
    expect(r1.effects).toEqual([{ type: 'post-prompt', index: 1 }]);
    expect(r1.state.current).toBe(1);
    expect(r1.state.prompts.map((p) => p.startedAt)).toEqual([T0, T0 + 5 * MIN, null]);

    const r2 = next(r1.state, T0 + 10 * MIN);
    expect(r2.reply).toEqual({ kind: 'prompt-shown', index: 2, total: 3 });

    const r3 = next(r2.state, T0 + 15 * MIN);
    expect(r3.reply).toEqual({ kind: 'ended' });
    expect(r3.effects).toEqual([{ type: 'post-recap' }]);
    expect(r3.state).toMatchObject({ phase: 'ended', endedAt: T0 + 15 * MIN, current: 2 });

    const r4 = next(r3.state, T0 + 16 * MIN);
    expect(r4.reply).toEqual({ kind: 'session-ended' });
    expect(r4.state).toBe(r3.state);
    expect(r4.effects).toEqual([]);
  });
});

describe('showFollowUp', () => {
  test('GIVEN a prompt with two follow-ups THEN they are revealed in order, then none are left', () => {
    const s0 = start();
    const r1 = showFollowUp(s0);
    expect(r1.reply).toEqual({ kind: 'follow-up-shown', index: 0, followUp: 0, remaining: 1 });
    expect(r1.effects).toEqual([{ type: 'show-follow-up', index: 0, followUp: 0 }]);
    const r2 = showFollowUp(r1.state);
    expect(r2.reply).toEqual({ kind: 'follow-up-shown', index: 0, followUp: 1, remaining: 0 });
    expect(r2.state.prompts[0]?.shownFollowUps).toBe(2);
    const r3 = showFollowUp(r2.state);
    expect(r3.reply).toEqual({ kind: 'no-follow-ups-left', index: 0 });
    expect(r3.state).toBe(r2.state);
    expect(r3.effects).toEqual([]);

    const moved = next(r3.state, T0 + MIN).state;
    expect(showFollowUp(moved).effects).toEqual([{ type: 'show-follow-up', index: 1, followUp: 0 }]);
  });

  test('GIVEN an ended session THEN nothing is revealed', () => {
    const ended = end(start(), T0 + MIN).state;
    const result = showFollowUp(ended);
    expect(result.reply).toEqual({ kind: 'session-ended' });
    expect(result.state).toBe(ended);
  });
});

describe('pollClaim', () => {
  test('GIVEN a claim THEN it is polled once per session', () => {
    const s0 = start();
    const r1 = pollClaim(s0, 'claim-a', T0 + MIN);
    expect(r1.reply).toEqual({ kind: 'poll-opened', claimId: 'claim-a' });
    expect(r1.effects).toEqual([{ type: 'post-poll', claimId: 'claim-a' }]);
    expect(r1.state.polls).toEqual([
      {
        claimId: 'claim-a',
        messageId: null,
        status: 'open',
        openedAt: T0 + MIN,
        results: null,
        revealNow: false,
        cardMessageId: null,
        resultMessageId: null,
      },
    ]);

    const posted = setPollMessage(r1.state, { claimId: 'claim-a', messageId: 'poll-msg' }).state;
    const r2 = pollClaim(posted, 'claim-a', T0 + 2 * MIN);
    expect(r2.reply).toEqual({
      kind: 'already-polled',
      poll: {
        claimId: 'claim-a',
        messageId: 'poll-msg',
        status: 'open',
        openedAt: T0 + MIN,
        results: null,
        revealNow: false,
        cardMessageId: null,
        resultMessageId: null,
      },
    });
    expect(r2.state).toBe(posted);
    expect(r2.effects).toEqual([]);

    const r3 = pollClaim(posted, 'claim-b', T0 + 3 * MIN);
    expect(r3.state.polls.map((p) => p.claimId)).toEqual(['claim-a', 'claim-b']);
  });

  test('GIVEN an ended session THEN no poll is opened', () => {
    const ended = end(start(), T0).state;
    const result = pollClaim(ended, 'claim-a', T0);
    expect(result.reply).toEqual({ kind: 'session-ended' });
    expect(result.state).toBe(ended);
  });

  test('GIVEN a poll id report for an unknown claim THEN it is ignored', () => {
    const s0 = start();
    const result = setPollMessage(s0, { claimId: 'nope', messageId: 'm' });
    expect(result.state).toBe(s0);
    expect(result.reply).toEqual({ kind: 'ignored', reason: 'unknown-poll' });
  });
});

describe('closeClaimPoll', () => {
  const counts = { agree: 2, disagree: 1, notSure: 0, needMoreEvidence: 0 };
  const polled = pollClaim(start(), 'claim-a', T0).state;
  const posted = setPollMessage(polled, { claimId: 'claim-a', messageId: 'poll-msg' }).state;

  test('GIVEN a posted open poll THEN Discord closes it, and once the counts are in its result is owed once', () => {
    const closing = closeClaimPoll(posted, 'claim-a');
    expect(closing.reply).toEqual({ kind: 'poll-closing', claimId: 'claim-a' });
    expect(closing.effects).toEqual([{ type: 'close-poll', claimId: 'claim-a', messageId: 'poll-msg' }]);
    // A restart before Discord answered closes it again.
    expect(resume(closing.state, T0).effects).toContainEqual({
      type: 'close-poll',
      claimId: 'claim-a',
      messageId: 'poll-msg',
    });

    const counted = pollResults(closing.state, 'claim-a', counts);
    expect(counted.effects).toEqual([{ type: 'post-poll-result', claimId: 'claim-a' }]);
    const pollWork = (state: SessionState) => resume(state, T0).effects.filter((e) => e.type.includes('poll'));
    expect(pollWork(counted.state)).toEqual([{ type: 'post-poll-result', claimId: 'claim-a' }]);

    const shown = setPollResultMessage(counted.state, { claimId: 'claim-a', messageId: 'result-msg' }).state;
    expect(pollWork(shown)).toEqual([]);
    expect(closeClaimPoll(shown, 'claim-a').reply).toEqual({ kind: 'poll-already-revealed', claimId: 'claim-a' });
  });

  test('GIVEN a poll that ended by itself THEN closing it posts the result at once', () => {
    const expired = pollResults(posted, 'claim-a', counts).state;
    expect(pollResults(posted, 'claim-a', counts).effects).toEqual([]);
    expect(closeClaimPoll(expired, 'claim-a').effects).toEqual([{ type: 'post-poll-result', claimId: 'claim-a' }]);
  });

  test('GIVEN a poll not posted yet, a claim never polled, or an ended session THEN nothing changes', () => {
    expect(closeClaimPoll(polled, 'claim-a')).toEqual({
      state: polled,
      effects: [],
      reply: { kind: 'poll-not-posted', claimId: 'claim-a' },
    });
    expect(closeClaimPoll(posted, 'claim-b').reply).toEqual({ kind: 'not-polled', claimId: 'claim-b' });
    expect(closeClaimPoll(end(posted, T0).state, 'claim-a').reply).toEqual({ kind: 'session-ended' });
  });
});

describe('recordMessage', () => {
  test('GIVEN threads THEN messages count in each prompt thread, bots and other channels ignored', () => {
    let state = start();
    state = setPromptMessage(state, { index: 0, messageId: 'm0', threadId: 't0' }).state;
    state = feed(state, [
      message('t0', 'u1'),
      message('t0', 'u2'),
      message('t0', 'u1', { displayName: 'Ada' }),
      message('t0', 'bot', { isBot: true }),
      message('chan', 'u3'),
      message('elsewhere', 'u4'),
    ]);
    expect(state.prompts[0]?.participants).toEqual([
      { userId: 'u1', displayName: 'Ada', messages: 2 },
      { userId: 'u2', displayName: 'Name u2', messages: 1 },
    ]);

    state = next(state, T0 + MIN).state;
    state = setPromptMessage(state, { index: 1, messageId: 'm1', threadId: 't1' }).state;
    // The earlier thread keeps counting while the class moves on.
    state = feed(state, [message('t1', 'u2'), message('t0', 'u3'), message('t2', 'u1')]);
    expect(counts(state)).toEqual([{ u1: 2, u2: 1, u3: 1 }, { u2: 1 }, {}]);
  });

  test('GIVEN channel mode THEN channel messages count toward the current prompt only', () => {
    let state = start({ threads: false });
    state = feed(state, [message('chan', 'u1'), message('chan', 'u1'), message('chan', 'bot', { isBot: true })]);
    state = setPromptMessage(state, { index: 0, messageId: 'm0', threadId: null }).state;
    state = next(state, T0 + MIN).state;
    state = feed(state, [message('chan', 'u2'), message('other', 'u3')]);
    expect(counts(state)).toEqual([{ u1: 2 }, { u2: 1 }, {}]);
  });

  test('GIVEN threads asked but none made THEN the channel counts once the prompt is posted', () => {
    let state = start();
    state = feed(state, [message('chan', 'early')]);
    state = setPromptMessage(state, { index: 0, messageId: 'm0', threadId: null }).state;
    state = feed(state, [message('chan', 'u1')]);
    expect(counts(state)).toEqual([{ u1: 1 }, {}, {}]);
  });

  test('GIVEN a message not counted THEN the state object is unchanged', () => {
    const state = setPromptMessage(start(), { index: 0, messageId: 'm0', threadId: 't0' }).state;
    expect(recordMessage(state, message('chan', 'u1'), T0).state).toBe(state);
    expect(recordMessage(state, message('t0', 'b', { isBot: true }), T0).state).toBe(state);
    const ended = end(state, T0).state;
    expect(recordMessage(ended, message('t0', 'u1'), T0).state).toBe(ended);
  });

  test('GIVEN a message id report for a prompt not shown yet THEN it is ignored', () => {
    const state = start();
    const result = setPromptMessage(state, { index: 1, messageId: 'm1', threadId: 't1' });
    expect(result.state).toBe(state);
    expect(result.reply).toEqual({ kind: 'ignored', reason: 'unknown-prompt' });
  });
});

describe('end and poll results', () => {
  function withPolls(): SessionState {
    let state = start();
    state = pollClaim(state, 'posted', T0).state;
    state = setPollMessage(state, { claimId: 'posted', messageId: 'pm1' }).state;
    state = pollClaim(state, 'unposted', T0).state;
    state = pollClaim(state, 'expired', T0).state;
    state = setPollMessage(state, { claimId: 'expired', messageId: 'pm3' }).state;
    return pollResults(state, 'expired', { agree: 1, disagree: 0, notSure: 0, needMoreEvidence: 0 }).state;
  }

  test('GIVEN open polls THEN end closes the posted ones and then posts the recap', () => {
    const result = end(withPolls(), T0 + 30 * MIN);
    expect(result.reply).toEqual({ kind: 'ended' });
    expect(result.effects).toEqual<SessionEffect[]>([
      { type: 'close-poll', claimId: 'posted', messageId: 'pm1' },
      { type: 'post-recap' },
    ]);
    expect(result.state.polls.map((p) => [p.claimId, p.status])).toEqual([
      ['posted', 'open'],
      ['unposted', 'closed'],
      ['expired', 'closed'],
    ]);
    expect(result.state).toMatchObject({ phase: 'ended', endedAt: T0 + 30 * MIN });
    expect(end(result.state, T0 + 31 * MIN).state).toBe(result.state);
  });

  test('GIVEN results after end THEN the poll is closed with them', () => {
    const ended = end(withPolls(), T0 + 30 * MIN).state;
    const counts = { agree: 4, disagree: 2, notSure: 1, needMoreEvidence: 3 };
    const result = pollResults(ended, 'posted', counts);
    expect(result.state.polls[0]).toEqual({
      claimId: 'posted',
      messageId: 'pm1',
      status: 'closed',
      openedAt: T0,
      results: counts,
      revealNow: false,
      cardMessageId: null,
      resultMessageId: null,
    });
    expect(result.effects).toEqual([]);
    expect(pollResults(result.state, 'posted', { ...counts }).state).toBe(result.state);
  });

  test.each([
    { claimId: 'nope', counts: { agree: 1, disagree: 0, notSure: 0, needMoreEvidence: 0 }, reason: 'unknown-poll' },
    {
      claimId: 'posted',
      counts: { agree: -1, disagree: 0, notSure: 0, needMoreEvidence: 0 },
      reason: 'invalid-counts',
    },
    {
      claimId: 'posted',
      counts: { agree: 0.5, disagree: 0, notSure: 0, needMoreEvidence: 0 },
      reason: 'invalid-counts',
    },
  ])('GIVEN results for $claimId $counts THEN they are ignored ($reason)', ({ claimId, counts, reason }) => {
    const state = withPolls();
    const result = pollResults(state, claimId, counts);
    expect(result.state).toBe(state);
    expect(result.reply).toEqual({ kind: 'ignored', reason });
  });

  test('GIVEN a poll whose results cannot be had THEN it is closed without them, so the recap is not held up', () => {
    const ended = end(withPolls(), T0 + 30 * MIN).state;
    const result = pollUnavailable(ended, 'posted');
    expect(result.state.polls[0]).toMatchObject({ status: 'closed', results: null });
    expect(resume(result.state, T0 + 31 * MIN).effects).toEqual([{ type: 'post-recap' }]);
    expect(pollUnavailable(result.state, 'posted').state).toBe(result.state);
    expect(pollUnavailable(ended, 'nope').reply).toEqual({ kind: 'ignored', reason: 'unknown-poll' });
  });

  test('GIVEN a poll posted only after the end THEN it is closed at once', () => {
    const ended = end(withPolls(), T0 + 30 * MIN).state;
    const result = setPollMessage(ended, { claimId: 'unposted', messageId: 'pm2' });
    expect(result.effects).toEqual([{ type: 'close-poll', claimId: 'unposted', messageId: 'pm2' }]);
    expect(result.state.polls[1]).toMatchObject({ messageId: 'pm2', status: 'open' });
  });

  test('GIVEN the recap message THEN it is recorded only after the end', () => {
    const active = start();
    expect(setRecapMessage(active, 'r1')).toEqual({
      state: active,
      effects: [],
      reply: { kind: 'ignored', reason: 'session-active' },
    });
    const ended = end(active, T0).state;
    expect(setRecapMessage(ended, 'r1').state.recapMessageId).toBe('r1');
  });
});

describe('resume', () => {
  const posted = setPromptMessage(start(), { index: 0, messageId: 'm0', threadId: 't0' }).state;
  const pollUnposted = pollClaim(posted, 'c1', T0).state;
  const pollPosted = setPollMessage(pollUnposted, { claimId: 'c1', messageId: 'pm1' }).state;
  const endedOwingRecap = end(pollPosted, T0 + MIN).state;
  const endedWithResults = pollResults(endedOwingRecap, 'c1', {
    agree: 1,
    disagree: 1,
    notSure: 0,
    needMoreEvidence: 0,
  }).state;
  const done = setRecapMessage(endedWithResults, 'recap').state;

  test.each<{ name: string; state: SessionState; effects: SessionEffect[] }>([
    { name: 'an active session with everything posted', state: pollPosted, effects: [] },
    {
      name: 'an active session whose prompt was never reported',
      state: start(),
      effects: [{ type: 'post-prompt', index: 0 }],
    },
    {
      name: 'an active session with a poll never reported',
      state: pollUnposted,
      effects: [{ type: 'post-poll', claimId: 'c1' }],
    },
    {
      name: 'an ended session with an open poll and no recap',
      state: endedOwingRecap,
      effects: [{ type: 'close-poll', claimId: 'c1', messageId: 'pm1' }, { type: 'post-recap' }],
    },
    { name: 'an ended session with results and no recap', state: endedWithResults, effects: [{ type: 'post-recap' }] },
    { name: 'an ended session whose recap was posted', state: done, effects: [] },
  ])('GIVEN $name THEN resume owes the right effects', ({ state, effects }) => {
    const result = resume(state, T0 + 60 * MIN);
    expect(result.effects).toEqual(effects);
    expect(result.state).toBe(state);
  });
});

describe('owed', () => {
  const opened = setOpeningPosted(start()).state;
  const posted = setPromptMessage(opened, { index: 0, messageId: 'm0', threadId: null }).state;

  test('GIVEN a session just started THEN it owes its opening, then its first prompt, and each report takes one off', () => {
    expect(owed(start(), T0)).toEqual([{ type: 'post-opening' }, { type: 'post-prompt', index: 0 }]);
    expect(owed(opened, T0)).toEqual([{ type: 'post-prompt', index: 0 }]);
    expect(owed(posted, T0)).toEqual([]);
  });

  test('GIVEN follow-ups shown faster than they are posted THEN each is owed once, in order, before the next prompt', () => {
    const twice = showFollowUp(showFollowUp(posted).state).state;
    expect(owed(twice, T0)).toEqual([
      { type: 'show-follow-up', index: 0, followUp: 0 },
      { type: 'show-follow-up', index: 0, followUp: 1 },
    ]);
    const moved = next(twice, T0 + MIN).state;
    expect(owed(moved, T0 + MIN)).toEqual([
      { type: 'show-follow-up', index: 0, followUp: 0 },
      { type: 'show-follow-up', index: 0, followUp: 1 },
      { type: 'post-prompt', index: 1 },
    ]);
    const one = setFollowUpPosted(moved, { index: 0, followUp: 0 }).state;
    expect(owed(one, T0 + MIN)[0]).toEqual({ type: 'show-follow-up', index: 0, followUp: 1 });
    // A report repeated (a retry after a lost answer) changes nothing.
    expect(setFollowUpPosted(one, { index: 0, followUp: 0 }).state).toBe(one);
  });

  test('GIVEN two Nexts before the first of them was posted THEN both prompts are owed, in order', () => {
    const twice = next(next(posted, T0 + MIN).state, T0 + 2 * MIN).state;
    expect(owed(twice, T0 + 2 * MIN)).toEqual([
      { type: 'post-prompt', index: 1 },
      { type: 'post-prompt', index: 2 },
    ]);
  });

  test('GIVEN a session stored before openings and follow-ups were kept THEN it owes what resume owes', () => {
    const { openingPosted: _opening, followUpsPosted: _followUps, ...older } = showFollowUp(posted).state;
    const polled = pollClaim(older, 'c1', T0).state;
    expect(owed(polled, T0)).toEqual(resume(polled, T0).effects);
    expect(owed(polled, T0)).toEqual([{ type: 'post-poll', claimId: 'c1' }]);
  });

  test('GIVEN an ended session THEN it owes its recap, and once that is posted, filing it away', () => {
    const ended = end(posted, T0 + MIN).state;
    expect(owed(ended, T0 + MIN)).toEqual([{ type: 'post-recap' }]);
    expect(owed(setRecapMessage(ended, 'r1').state, T0 + MIN)).toEqual([{ type: 'file' }]);
  });
});
