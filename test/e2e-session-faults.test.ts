import type { LocalDiscord, MessageView } from '@roundtable/local-discord';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { VALID_CONTENT } from './fixtures/content-fixture.js';
import { buttonId, type Harness, startHarness } from './support/bot-harness.js';

/**
 * The faults a discussion meets, through the real discord.js client and a real
 * SQLite store, as quiz rounds meet them (e2e-quiz-faults.test.ts): a prompt a
 * moderator deleted, and Discord failing for longer than discord.js retries.
 */

let h: Harness;
let discord: LocalDiscord;

beforeAll(async () => {
  h = await startHarness({ contentDir: VALID_CONTENT, discord: { timeoutMs: 10_000 } });
  discord = h.discord;
});

afterAll(async () => {
  await h?.close();
});

function promptsIn(channelId: string): MessageView[] {
  return discord.channelMessages(channelId).filter((m) => m.embeds[0]?.title?.startsWith('Prompt '));
}

function recapIn(channelId: string): MessageView | undefined {
  return discord.channelMessages(channelId).find((m) => m.text.includes('Session recap'));
}

function cardIn(channelId: string): MessageView | undefined {
  return discord.channelMessages(channelId).find((m) => m.embeds[0]?.title === 'Class poll: do you agree?');
}

describe('a prompt deleted by a moderator', () => {
  test('GIVEN the prompt deleted while its follow-up waits out a failure THEN the follow-up, the prompt, the poll close and the recap come as new messages', async () => {
    const { teacher, student1, student2 } = discord.users;
    const channelId = discord.addChannel('moderated');
    await discord.slash(teacher, 'session', { prompts: 2, threads: false }, { subcommand: 'start', channelId }).reply();
    const first = await discord.waitFor(() => promptsIn(channelId)[0]);

    // The follow-up's post fails once (discord.js retries 4 times itself); meanwhile the prompt is deleted.
    const fault = discord.failRequests({
      method: 'POST',
      path: `/channels/${channelId}/messages`,
      status: 503,
      times: 4,
    });
    await discord.click(teacher, first, buttonId(first, 'Show follow-up')).ack();
    discord.deleteMessage(first);
    await h.bot.idle();
    expect(fault.remaining).toBe(0);
    expect(discord.channelMessages(channelId).filter((m) => m.embeds[0]?.title?.startsWith('Follow-up'))).toHaveLength(
      1,
    );
    const reposted = promptsIn(channelId);
    expect(reposted.map((m) => m.embeds[0]?.title)).toEqual(['Prompt 1 of 2']);
    const prompt = reposted[0] as MessageView;
    expect(prompt.id).not.toBe(first.id);
    expect(prompt.buttons.map((b) => b.label)).toContain('Next prompt');
    discord.postUserMessage(student1, channelId);

    // Deleted again, the host goes on with commands: a poll, closed from its card.
    discord.deleteMessage(prompt);
    const polled = await discord
      .slash(teacher, 'session', { claim: 'vote-result' }, { subcommand: 'poll', channelId })
      .reply();
    expect(polled.content).toContain('Poll posted');
    await h.bot.idle();
    const poll = discord.channelMessages(channelId).find((m) => m.poll);
    const card = cardIn(channelId);
    if (!poll || !card) throw new Error('the poll was not posted');
    discord.pollVote(student1, poll, 1);
    discord.pollVote(student2, poll, 2);
    await discord.click(teacher, card, buttonId(card, 'Close poll and show the check (host)')).ack();
    await h.bot.idle();
    const result = discord
      .channelMessages(channelId)
      .find((m) => m.embeds[0]?.title?.startsWith('Poll: ') && m.embeds.length === 1);
    expect(result?.text).toContain('Agree: **1** (50%)');
    expect(result?.text).toContain('The check:');
    expect(discord.message(poll.id)?.poll?.finalized).toBe(true);

    const ended = await discord.slash(teacher, 'session', {}, { subcommand: 'end', channelId }).reply();
    expect(ended.content).toContain('Session ended');
    await h.bot.idle();
    const recap = recapIn(channelId);
    expect(recap?.text).toContain('1 reply from 1 person');
    expect(recap?.text).toContain('Disagree: **1** (50%)');
    // The prompt deleted last is not posted again only to lose its host buttons at the end.
    expect(promptsIn(channelId)).toHaveLength(0);
    expect(discord.violations).toEqual([]);
  }, 30_000);
});

describe('Discord failing underneath', () => {
  test('GIVEN runs of 5xx answers longer than discord.js retries THEN the session is delayed, then goes on and recaps', async () => {
    const { teacher, student1, student2 } = discord.users;
    const channelId = discord.addChannel('outage');
    const messages = `/channels/${channelId}/messages`;
    // Eight failures outlast two whole calls: the opening and the prompt fail, and go out on the retry.
    const atStart = discord.failRequests({ method: 'POST', path: messages, status: 503, times: 8 });
    const started = await discord
      .slash(teacher, 'session', { prompts: 1, threads: false }, { subcommand: 'start', channelId })
      .reply();
    expect(started.content).toContain('Session started');
    expect(promptsIn(channelId)).toHaveLength(0);
    await h.bot.idle();
    expect(atStart.remaining).toBe(0);
    expect(discord.channelMessages(channelId)[0]?.text).toContain('Harbour town votes to keep its lighthouse lit');
    expect(promptsIn(channelId).map((m) => m.embeds[0]?.title)).toEqual(['Prompt 1 of 1']);

    discord.postUserMessage(student1, channelId);
    discord.postUserMessage(student2, channelId);
    await discord.slash(teacher, 'session', { claim: 'vote-result' }, { subcommand: 'poll', channelId }).reply();
    await h.bot.idle();
    const poll = discord.channelMessages(channelId).find((m) => m.poll);
    if (!poll) throw new Error('the poll was not posted');
    discord.pollVote(student1, poll, 1);

    // At the end, closing the poll fails twice over, then the recap's post: it waits, then goes out with the split.
    const atClose = discord.failRequests({
      method: 'POST',
      path: `/channels/${channelId}/polls/${poll.id}/expire`,
      status: 502,
      times: 8,
    });
    const atRecap = discord.failRequests({ method: 'POST', path: messages, status: 500, times: 4 });
    const ended = await discord.slash(teacher, 'session', {}, { subcommand: 'end', channelId }).reply();
    expect(ended.content).toContain('Session ended');
    await h.bot.idle();
    expect(atClose.remaining).toBe(0);
    expect(atRecap.remaining).toBe(0);
    const recaps = discord.channelMessages(channelId).filter((m) => m.text.includes('Session recap'));
    expect(recaps).toHaveLength(1);
    expect(recaps[0]?.text).toContain('2 replies from 2 people');
    expect(recaps[0]?.text).toContain('Agree: **1** (100%)');
    expect(discord.message(poll.id)?.poll?.finalized).toBe(true);
    expect(discord.channelMessages(channelId).filter((m) => m.poll)).toHaveLength(1);
    expect(discord.violations).toEqual([]);
  }, 60_000);
});
