import type { MessageView } from '@roundtable/local-discord';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sessionControlRecord } from '../src/features/session/runtime.js';
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
    const live = await h.store.read(h.discord.guild.id, sessionControlRecord(h.discord.guild.generalChannelId));
    const threadId = live?.prompts[index]?.threadId;
    if (threadId) return threadId;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the bot never stored the thread of prompt ${index + 1}`);
}

/** What the host's report says about the channel's session, e.g. "…: 2 replies from 2 people." */
async function reportSays(): Promise<string> {
  const report = await h.discord.slash(h.discord.users.teacher, 'session', {}, { subcommand: 'report' }).reply();
  return report.content ?? '';
}

async function counted(expected: number): Promise<void> {
  let said = '';
  for (let attempt = 0; attempt < 100; attempt++) {
    said = await reportSays();
    if (said.includes(`: ${expected} replies from`)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the report never counted ${expected} replies; it says: ${said}`);
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
    expect(opening?.embeds[0]?.title).toBe('Discussion: Kim and Putin, September 2023');
    expect(opening?.embeds[0]?.description).toContain("Kim Jong Un's September 2023 visit to Russia");
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
    // The bot has counted both (in memory; they are written every few seconds): stop it at once.
    await counted(2);

    await h.stopBot();
    await h.restartBot();
    // The clean shutdown wrote them.
    expect(await reportSays()).toContain(': 2 replies from 2 people');

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
