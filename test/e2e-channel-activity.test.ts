import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { VALID_CONTENT } from './fixtures/content-fixture.js';
import { type Harness, startHarness } from './support/bot-harness.js';

/** One activity per channel: a quiz round and a discussion session never share one, even started at once. */

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ contentDir: VALID_CONTENT });
});

afterAll(async () => {
  await h?.close();
});

const QUIZ_STARTED = 'Quiz round on';
const SESSION_STARTED = 'Session started';

describe('starts racing in one channel', () => {
  test('GIVEN a quiz start and a session start sent at the same moment THEN exactly one starts, the other is refused, and only its messages appear', async () => {
    const { teacher } = h.discord.users;
    const rounds = 6;
    for (let i = 0; i < rounds; i++) {
      const channelId = h.discord.addChannel(`race-${i}`);
      // Both are dispatched before either is answered: the bot handles them side by side.
      const quiz = h.discord.slash(teacher, 'quiz', { questions: 2, seconds: 0 }, { subcommand: 'start', channelId });
      const session = h.discord.slash(teacher, 'session', { prompts: 2 }, { subcommand: 'start', channelId });
      const [quizReply, sessionReply] = await Promise.all([quiz.reply(), session.reply()]);
      const quizWon = quizReply.content?.includes(QUIZ_STARTED) ?? false;
      const sessionWon = sessionReply.content?.includes(SESSION_STARTED) ?? false;
      expect(
        [quizWon, sessionWon].filter(Boolean),
        `channel ${i}: ${quizReply.content} / ${sessionReply.content}`,
      ).toHaveLength(1);
      const loser = quizWon ? sessionReply : quizReply;
      expect(loser.ephemeral).toBe(true);
      expect(loser.content).toMatch(
        quizWon ? /A quiz round is running in this channel/ : /A discussion session is running/,
      );

      // The winner's first message is posted; nothing of the other activity ever is.
      const first = await h.discord.waitFor(() =>
        h.discord
          .channelMessages(channelId)
          .find((m) => m.embeds[0]?.title?.startsWith(quizWon ? 'Question 1' : 'Prompt 1')),
      );
      expect(first).toBeDefined();
      const titles = h.discord.channelMessages(channelId).map((m) => m.embeds[0]?.title ?? '');
      expect(titles.filter((t) => t.startsWith(quizWon ? 'Prompt ' : 'Question '))).toEqual([]);
    }
  });

  test('GIVEN a session ended in a channel THEN a quiz round can start there (the claim is not kept forever)', async () => {
    const { teacher } = h.discord.users;
    const channelId = h.discord.addChannel('after-session');
    const started = await h.discord
      .slash(teacher, 'session', { prompts: 1 }, { subcommand: 'start', channelId })
      .reply();
    expect(started.content).toContain(SESSION_STARTED);
    const refused = await h.discord
      .slash(teacher, 'quiz', { questions: 2, seconds: 0 }, { subcommand: 'start', channelId })
      .reply();
    expect(refused.content).toContain('A discussion session is running in this channel');
    const ended = await h.discord.slash(teacher, 'session', {}, { subcommand: 'end', channelId }).reply();
    expect(ended.content).toContain('Session ended');
    const quiz = await h.discord
      .slash(teacher, 'quiz', { questions: 2, seconds: 0 }, { subcommand: 'start', channelId })
      .reply();
    expect(quiz.content).toContain(QUIZ_STARTED);
  });
});
