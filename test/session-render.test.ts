import { beforeAll, describe, expect, test } from 'vitest';
import { VERDICT_LABEL } from '../src/content/labels.js';
import { type Claim, type Pack, type Question, QuestionSchema } from '../src/content/schema.js';
import { decodeId } from '../src/discord-kit/custom-id.js';
import type { MessageView } from '../src/discord-kit/reply.js';
import {
  end,
  next,
  pollClaim,
  pollResults,
  recordMessage,
  setPollMessage,
  setPromptMessage,
  showFollowUp,
  startSession,
} from '../src/features/session/engine.js';
import {
  BUTTON_LABELS,
  pollRequest,
  promptParagraphs,
  renderClaimChoice,
  renderFollowUp,
  renderOpening,
  renderPassage,
  renderPollCard,
  renderPrompt,
  renderRecap,
  renderStatus,
  sessionIdOf,
  threadName,
} from '../src/features/session/render.js';
import { pollCountsOf } from '../src/features/session/runtime.js';
import type { SessionState } from '../src/features/session/state.js';
import { recapView, statusView } from '../src/features/session/views.js';
import { sessionProblems } from './fixtures/content-properties.js';
import { byId, loadFixturePack } from './fixtures/fixture-pack.js';
import { buttonsOf, limitProblems, onlyEmbed } from './fixtures/message-limits.js';

const T0 = Date.UTC(2025, 2, 3, 9, 0);
const MIN = 60_000;

let pack: Pack;

beforeAll(async () => {
  const harbour = await loadFixturePack();
  // A third question, so a session can end before its last prompt.
  const extra = QuestionSchema.parse({
    id: 'what-next',
    prompt: 'What should the town do with the lighthouse after ten years?',
    theme: 'perspectives',
    level: 'create',
    followUps: ['Who should decide?', 'What would change your mind?'],
  });
  pack = { ...harbour, questions: [...harbour.questions, extra] };
});

function question(of: Pack, id: string): Question {
  const found = of.questions.find((q) => q.id === id);
  if (!found) throw new Error(`no question ${id}`);
  return found;
}

function begin(of: Pack, count: number, threads = true): SessionState {
  const started = startSession(
    {
      guildId: 'g1',
      channelId: 'c1',
      hostId: 'host',
      article: of.slug,
      questions: of.questions,
      usedPromptIds: [],
      count,
      threads,
      seed: 7,
    },
    T0,
  );
  if (started.state === null) throw new Error('start refused');
  return started.state;
}

function promptOf(state: SessionState, index: number, of: Pack = pack): MessageView {
  const id = state.prompts[index]?.questionId ?? '';
  return renderPrompt(of, state, index, question(of, id));
}

function text(view: MessageView): string {
  return [
    view.content ?? '',
    ...(view.embeds ?? []).flatMap((e) => [
      e.title ?? '',
      e.description ?? '',
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
      e.footer?.text ?? '',
    ]),
  ].join('\n');
}

describe('renderPrompt', () => {
  test('GIVEN the current prompt THEN it shows the question, its claims, the passage and the host buttons', () => {
    const state = begin(pack, 2);
    const q = question(pack, state.prompts[0]?.questionId ?? '');
    const view = promptOf(state, 0);
    const embed = onlyEmbed(view);
    expect(embed.title).toBe('Prompt 1 of 2');
    expect(embed.description).toContain(q.prompt);
    const drawsOn = embed.fields?.find((f) => f.name === 'Draws on')?.value ?? '';
    for (const id of q.claims) {
      const claim = pack.claims.find((c) => c.id === id);
      expect(drawsOn).toContain(`\`${id}\` ${claim?.claim}`);
    }
    const buttons = buttonsOf(view);
    expect(buttons.map((b) => b.label)).toEqual([
      BUTTON_LABELS.passage,
      BUTTON_LABELS.next,
      BUTTON_LABELS.followUp,
      BUTTON_LABELS.poll,
      BUTTON_LABELS.end,
    ]);
    const sid = sessionIdOf(state);
    // The wire format of ids already posted in messages: it must not change.
    expect(buttons.map((b) => decodeId(b.customId))).toEqual([
      { action: 'session-passage', args: [pack.slug, q.id] },
      { action: 'session-next', args: [sid, '0'] },
      { action: 'session-follow-up', args: [sid, '0'] },
      { action: 'session-poll', args: [sid, '0'] },
      { action: 'session-end', args: [sid] },
    ]);
    expect(limitProblems(view)).toEqual([]);
  });

  test('GIVEN the session moved on THEN the earlier prompt keeps only the passage button', () => {
    const state = next(begin(pack, 2), T0 + MIN).state;
    expect(buttonsOf(promptOf(state, 0)).map((b) => b.label)).toEqual([BUTTON_LABELS.passage]);
  });

  test('GIVEN the last prompt THEN there is no "Next prompt", only the way to end', () => {
    const state = next(begin(pack, 2), T0 + MIN).state;
    const labels = buttonsOf(promptOf(state, 1)).map((b) => b.label);
    expect(labels).not.toContain(BUTTON_LABELS.next);
    expect(labels).toContain(BUTTON_LABELS.end);
  });

  test('GIVEN every follow-up shown THEN they are on the prompt and the button is disabled', () => {
    let state = begin(pack, 1);
    const q = question(pack, state.prompts[0]?.questionId ?? '');
    for (const _ of q.followUps) state = showFollowUp(state).state;
    const view = promptOf(state, 0);
    for (const f of q.followUps) expect(text(view)).toContain(f);
    expect(buttonsOf(view).find((b) => b.label === BUTTON_LABELS.followUp)?.disabled).toBe(true);
  });

  test.each([
    { threads: true, threadId: null, posted: false, hint: 'thread under this message' },
    { threads: true, threadId: 't1', posted: true, hint: '<#t1>' },
    { threads: true, threadId: null, posted: true, hint: 'here in the channel' },
    { threads: false, threadId: null, posted: false, hint: 'here in the channel' },
  ])('GIVEN threads $threads, thread $threadId, posted $posted THEN it says where to reply ($hint)', (c) => {
    let state = begin(pack, 1, c.threads);
    if (c.posted) state = setPromptMessage(state, { index: 0, messageId: 'm1', threadId: c.threadId }).state;
    expect(onlyEmbed(promptOf(state, 0)).description).toContain(c.hint);
  });

  test('GIVEN every prompt of the fixture, every claim polled THEN prompts, poll cards and the recap fit', () => {
    expect(sessionProblems(pack)).toEqual([]);
  });
});

describe('the other session messages', () => {
  test('GIVEN a start THEN the opening card has the title, author, brief summary and how it works', () => {
    const view = renderOpening(pack, begin(pack, 2));
    const all = text(view);
    expect(all).toContain(pack.article.title);
    expect(all).toContain(pack.article.author);
    expect(all).toContain(pack.summaries.brief[0]?.text.slice(0, 30));
    expect(all).toContain('How this session works');
    expect(limitProblems(view)).toEqual([]);
  });

  test('GIVEN a prompt THEN the passage holds the paragraphs of the question and of its claims', () => {
    const q = question(pack, 'worth-the-cost');
    expect(promptParagraphs(pack, q)).toEqual([2, 3]);
    const view = renderPassage(pack, q);
    for (const n of [2, 3]) expect(text(view)).toContain(pack.article.paragraphs[n - 1]?.text.slice(0, 40));
    expect(text(view)).not.toContain(pack.article.paragraphs[0]?.text.slice(0, 40));
    expect(limitProblems(view)).toEqual([]);
  });

  test('GIVEN a follow-up THEN its message names the prompt', () => {
    const state = begin(pack, 2);
    const view = renderFollowUp(state, 0, 0, 'Who pays?');
    expect(text(view)).toContain('Who pays?');
    expect(text(view)).toContain('prompt 1');
  });

  test('GIVEN a thread name THEN it starts with the prompt number and fits 100 characters', () => {
    const q = QuestionSchema.parse({
      id: 'long',
      prompt: 'Why '.repeat(70).trim(),
      theme: 'motives',
      level: 'analyze',
      followUps: ['x'],
    });
    const name = threadName(11, q);
    expect(name.startsWith('Prompt 12: Why')).toBe(true);
    expect(name.length).toBeLessThanOrEqual(100);
  });

  test('GIVEN several claims THEN the host gets one button per claim, five a row, polled ones disabled', () => {
    let state = begin(pack, 3);
    const claims = pack.claims.slice(0, 12);
    expect(claims).toHaveLength(12);
    state = pollClaim(state, claims[0]?.id ?? '', T0).state;
    const view = renderClaimChoice(state, claims);
    const rows = view.components ?? [];
    expect(rows.map((r) => r.components.length)).toEqual([5, 5, 2]);
    const buttons = buttonsOf(view);
    expect(buttons.map((b) => decodeId(b.customId)?.args)).toEqual(claims.map((c) => [sessionIdOf(state), c.id]));
    expect(buttons.map((b) => b.disabled)).toEqual(claims.map((_, i) => i === 0));
    expect(limitProblems(view)).toEqual([]);
  });

  test('GIVEN a claim THEN the poll card shows claim, quote and paragraph but not the check', () => {
    const claim = byId(pack.claims, 'light-cost');
    const view = renderPollCard(pack, claim, 'abc123');
    const all = text(view);
    expect(all).toContain('The light costs about 40,000 euros a year.');
    expect(view.embeds?.[0]?.footer?.text).toMatch(
      /^The check is revealed when the host closes this poll, or in the recap\. Discord polls are not anonymous/,
    );
    expect(buttonsOf(view).map((b) => [b.label, b.customId])).toEqual([
      ['Close poll and show the check (host)', `session-poll-close:abc123:${claim.id}`],
    ]);
    expect(all).toContain('¶2');
    expect(all).not.toContain('The town budget lists 36,500 euros');
    expect(all).not.toContain(VERDICT_LABEL['partly-supported']);
    expect(limitProblems(view)).toEqual([]);
  });

  test('GIVEN any claim THEN the native poll has the four answers in order and fits the limits', () => {
    const [first] = pack.claims;
    if (!first) throw new Error('the fixture pack has no claims');
    const long: Claim = { ...first, claim: 'x '.repeat(100).trim() };
    for (const claim of [...pack.claims, long]) {
      const { poll } = pollRequest(claim);
      expect(poll).toMatchObject({ allow_multiselect: false });
      const body = poll as {
        question: { text: string };
        answers: { poll_media: { text: string } }[];
        duration: number;
      };
      expect(body.question.text.length).toBeLessThanOrEqual(300);
      expect(body.answers.map((a) => a.poll_media.text)).toEqual([
        'Agree',
        'Disagree',
        'Not sure',
        'Need more evidence',
      ]);
      expect(body.duration).toBeGreaterThan(0);
      expect(body.duration).toBeLessThanOrEqual(768);
    }
  });
});

/** Two of three prompts shown with replies; one claim polled with results, one whose results never came. */
function playedSession(): SessionState {
  let s = begin(pack, 3);
  const say = (state: SessionState, channelId: string, ...users: string[]) =>
    users.reduce(
      (acc, userId) => recordMessage(acc, { channelId, userId, displayName: userId, isBot: false }, T0).state,
      state,
    );
  s = setPromptMessage(s, { index: 0, messageId: 'm0', threadId: 't0' }).state;
  s = say(s, 't0', 'u1', 'u2', 'u1', 'u3');
  s = next(s, T0 + 10 * MIN).state;
  s = setPromptMessage(s, { index: 1, messageId: 'm1', threadId: 't1' }).state;
  s = say(s, 't1', 'u1', 'u4');
  s = pollClaim(s, 'vote-result', T0 + 12 * MIN).state;
  s = setPollMessage(s, { claimId: 'vote-result', messageId: 'p1' }).state;
  s = pollClaim(s, 'light-cost', T0 + 13 * MIN).state;
  s = setPollMessage(s, { claimId: 'light-cost', messageId: 'p2' }).state;
  s = end(s, T0 + 42 * MIN).state;
  return pollResults(s, 'vote-result', { agree: 6, disagree: 2, notSure: 1, needMoreEvidence: 1 }).state;
}

describe('renderRecap', () => {
  test('GIVEN a played session THEN it shows replies and people per prompt, then each poll split before its check', () => {
    const state = playedSession();
    const views = renderRecap(recapView(state, pack.questions, pack.claims), pack.article.title, pack.claims);
    expect(views).toHaveLength(1);
    const [head, voted, unreported] = views[0]?.embeds ?? [];
    const shown = state.prompts.slice(0, 2).map((p) => question(pack, p.questionId).prompt);
    expect(head?.description).toContain(`**1.** ${shown[0]}`);
    expect(head?.description).toContain('4 replies from 3 people');
    expect(head?.description).toContain(`**2.** ${shown[1]}`);
    expect(head?.description).toContain('2 replies from 2 people');
    expect(head?.description).toContain('Prompts covered:** 2 of 3');
    expect(head?.description).toContain('6 replies from 4 people · 42 minutes');

    const claim = pack.claims.find((c) => c.id === 'vote-result') as Claim;
    expect(voted?.title).toContain(claim.claim);
    const description = voted?.description ?? '';
    expect(description).toContain('Agree: **6** (60%)');
    expect(description).toContain('Need more evidence: **1** (10%)');
    expect(description).toContain('10 votes');
    expect(description.indexOf('Agree:')).toBeLessThan(description.indexOf(VERDICT_LABEL[claim.check.verdict]));
    expect(description).toContain(claim.check.note);
    expect(voted?.fields?.find((f) => f.name === 'Sources')?.value).toContain(claim.check.sources[0]?.title);

    expect(unreported?.description).toContain('did not report');
    expect(unreported?.description).toContain(VERDICT_LABEL['partly-supported']);
    expect(views.flatMap(limitProblems)).toEqual([]);
  });

  test('GIVEN all 13 claims polled THEN the recap is split into messages within the limits', () => {
    let s = begin(pack, 12);
    for (const [i] of s.prompts.entries()) {
      if (i > 0) s = next(s, T0 + i * MIN).state;
      s = recordMessage(s, { channelId: 'c1', userId: `u${i}`, displayName: 'x', isBot: false }, T0).state;
    }
    for (const claim of pack.claims) {
      s = pollClaim(s, claim.id, T0).state;
      s = setPollMessage(s, { claimId: claim.id, messageId: `p-${claim.id}` }).state;
    }
    s = end(s, T0 + 90 * MIN).state;
    for (const claim of pack.claims)
      s = pollResults(s, claim.id, { agree: 3, disagree: 2, notSure: 1, needMoreEvidence: 0 }).state;
    const views = renderRecap(recapView(s, pack.questions, pack.claims), pack.article.title, pack.claims);
    expect(views.length).toBeGreaterThan(1);
    expect(views.flatMap((v) => v.embeds ?? [])).toHaveLength(pack.claims.length + 1);
    expect(views.flatMap(limitProblems)).toEqual([]);
  });
});

describe('renderStatus', () => {
  test('GIVEN sessions in two channels THEN each shows where, which prompt and open polls', () => {
    let a = begin(pack, 3);
    a = pollClaim(next(a, T0).state, 'vote-result', T0).state;
    const b = { ...begin(pack, 2), channelId: 'c2' };
    const view = renderStatus([
      { view: statusView(a), title: pack.article.title },
      { view: statusView(b), title: pack.article.title },
    ]);
    const all = text(view);
    expect(all).toContain('<#c1>');
    expect(all).toContain('prompt 2 of 3 · 1 open poll');
    expect(all).toContain('<#c2>');
    expect(all).toContain('prompt 1 of 2');
    expect(limitProblems(view)).toEqual([]);
  });

  test('GIVEN no session THEN it says how to start one', () => {
    expect(renderStatus([]).content).toContain('/session start');
  });
});

describe('pollCountsOf', () => {
  test.each([
    {
      name: 'every answer counted',
      message: {
        poll: { results: { answer_counts: [1, 2, 3, 4].map((id) => ({ id, count: id * 2, me_voted: false })) } },
      },
      counts: { agree: 2, disagree: 4, notSure: 6, needMoreEvidence: 8 },
    },
    {
      name: 'answers without votes left out',
      message: { poll: { results: { is_finalized: true, answer_counts: [{ id: 2, count: 5 }] } } },
      counts: { agree: 0, disagree: 5, notSure: 0, needMoreEvidence: 0 },
    },
    {
      name: 'an unknown answer id',
      message: { poll: { results: { answer_counts: [{ id: 9, count: 5 }] } } },
      counts: { agree: 0, disagree: 0, notSure: 0, needMoreEvidence: 0 },
    },
    { name: 'no results', message: { poll: { results: null } }, counts: null },
    { name: 'no poll', message: { id: '1' }, counts: null },
    {
      name: 'a negative count',
      message: { poll: { results: { answer_counts: [{ id: 1, count: -1 }] } } },
      counts: null,
    },
  ])('GIVEN $name THEN the counts are $counts', ({ message, counts }) => {
    expect(pollCountsOf(message)).toEqual(counts);
  });
});
