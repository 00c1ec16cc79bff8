import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MessageView } from '../src/local-discord/index.js';
import { sessionLiveRecord } from '../src/session/runtime.js';
import { buttonId, type Harness, startHarness } from './support/bot-harness.js';

/** A discussion session on the real article, with the bot restarted in the middle. */

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

/** Resolves once the bot has stored the thread of prompt `index`, so replies in it are counted. */
async function threadKnown(index: number): Promise<string> {
  for (let attempt = 0; attempt < 250; attempt++) {
    const live = await h.store.read(h.discord.guild.id, sessionLiveRecord);
    const threadId = live.sessions[h.discord.guild.generalChannelId]?.prompts[index]?.threadId;
    if (threadId) return threadId;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the bot never stored the thread of prompt ${index + 1}`);
}

async function counted(index: number, expected: number): Promise<void> {
  for (let attempt = 0; attempt < 250; attempt++) {
    const live = await h.store.read(h.discord.guild.id, sessionLiveRecord);
    const prompt = live.sessions[h.discord.guild.generalChannelId]?.prompts[index];
    if (prompt?.participants.reduce((n, p) => n + p.messages, 0) === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`prompt ${index + 1} never reached ${expected} counted replies`);
}

function prompts(): MessageView[] {
  return h.discord.channelMessages().filter((m) => /^Prompt \d+ of \d+$/.test(m.embeds[0]?.title ?? ''));
}

describe('a session across a restart', () => {
  test('GIVEN replies and a poll before a restart THEN the session resumes and the recap counts everything', async () => {
    const { teacher, student1, student2, student3 } = h.discord.users;
    await h.discord.slash(teacher, 'session', { prompts: 2 }, { subcommand: 'start' }).reply();
    const first = await h.discord.waitFor(() => prompts()[0]?.thread && prompts()[0]);
    const opening = h.discord.channelMessages()[0];
    expect(opening?.embeds[0]?.title).toContain("Kim Jong Un's September 2023 visit to Russia");
    const thread1 = await threadKnown(0);
    expect(thread1).toBe(first.thread?.id);
    h.discord.postUserMessage(student1, thread1);
    h.discord.postUserMessage(student2, thread1);

    const claim = 'visit-at-putin-invitation';
    const polled = await h.discord.slash(teacher, 'session', { claim }, { subcommand: 'poll' }).reply();
    expect(polled.content).toContain('Poll posted');
    const poll = await h.discord.waitFor(() => h.discord.channelMessages().find((m) => m.poll));
    h.discord.pollVote(student1, poll, 1);
    h.discord.pollVote(student2, poll, 2);
    // Replies are counted asynchronously: wait until both are stored before the bot goes down.
    await counted(0, 2);

    await h.stopBot();
    await h.restartBot();

    h.discord.postUserMessage(student3, thread1);
    const current = h.discord.message(first.id) ?? first;
    await h.discord.click(teacher, current, buttonId(current, 'Next prompt')).reply();
    const second = await h.discord.waitFor(() => prompts()[1]?.thread && prompts()[1]);
    expect(second.embeds[0]?.title).toBe('Prompt 2 of 2');
    h.discord.postUserMessage(student1, await threadKnown(1));

    const refused = await h.discord.slash(student1, 'session', {}, { subcommand: 'end' }).reply();
    expect(refused.content).toMatch(/^Only the host can do that/);

    await h.discord.slash(teacher, 'session', {}, { subcommand: 'end' }).reply();
    const recap = await h.discord.waitFor(() =>
      h.discord.channelMessages().find((m) => m.text.includes('Session recap')),
    );
    expect(recap.text).toContain('3 replies from 3 people');
    expect(recap.text).toContain('1 reply from 1 person');
    expect(recap.text).toContain('Agree: **1** (50%)');
    expect(recap.text).toContain('Disagree: **1** (50%)');
    expect(h.discord.message(poll.id)?.poll?.finalized).toBe(true);
    expect(h.discord.violations).toEqual([]);
    expect(h.discord.unknownRoutes).toEqual([]);
  }, 30_000);
});
