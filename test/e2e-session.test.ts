import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LocalDiscord, MessageView } from '../src/local-discord/index.js';
import { sessionLiveRecord } from '../src/session/runtime.js';
import { VALID_CONTENT } from './fixtures/content-fixture.js';
import { buttonId, type Harness, startHarness } from './support/bot-harness.js';

/** A whole discussion session through the real discord.js client against the local Discord. */

let h: Harness;
let discord: LocalDiscord;

beforeAll(async () => {
  h = await startHarness({ contentDir: VALID_CONTENT });
  discord = h.discord;
});

afterAll(async () => {
  await h?.close();
});

function prompts(): MessageView[] {
  return discord.channelMessages().filter((m) => m.embeds[0]?.title?.startsWith('Prompt '));
}

/** Waits until the store has counted `expected` messages for a prompt. */
async function counted(index: number, expected: number): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if ((await messagesOf(index)) === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`prompt ${index + 1} has ${await messagesOf(index)} messages counted, not ${expected}`);
}

async function messagesOf(index: number): Promise<number> {
  const live = await h.store.read(discord.guild.id, sessionLiveRecord);
  const session = live.sessions[discord.guild.generalChannelId];
  return session?.prompts[index]?.participants.reduce((n, p) => n + p.messages, 0) ?? -1;
}

describe('a discussion session end to end', () => {
  test('GIVEN a teacher and students THEN prompts, threads, counting, a poll, the recap and the report all work', async () => {
    const { teacher, student1, student2, student3 } = discord.users;

    const started = await discord.slash(teacher, 'session', { prompts: 2 }, { subcommand: 'start' }).reply();
    expect(started.ephemeral).toBe(true);
    expect(started.content).toContain('Session started');

    const first = await discord.waitFor(() => prompts()[0]?.thread && prompts()[0]);
    const opening = discord.channelMessages()[0];
    expect(opening?.text).toContain('Harbour town votes to keep its lighthouse lit');
    expect(first.embeds[0]?.title).toBe('Prompt 1 of 2');
    const threadId = first.thread?.id ?? '';
    expect(first.thread?.name).toMatch(/^Prompt 1: /);

    // A student cannot use the host buttons, and nothing changes.
    const refused = await discord.click(student1, first, buttonId(first, 'Next prompt')).reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain('Only the host');
    expect(prompts()).toHaveLength(1);

    // Anyone may read the passage, privately.
    const passage = await discord.click(student2, first, buttonId(first, 'Show the passage')).reply();
    expect(passage.ephemeral).toBe(true);
    expect(passage.embeds[0]?.description).toContain('¶');

    discord.postUserMessage(student1, threadId);
    discord.postUserMessage(student2, threadId);
    discord.postUserMessage(student1, threadId);
    discord.postUserMessage(student3);
    await counted(0, 3);

    const polled = await discord.slash(teacher, 'session', { claim: 'vote-result' }, { subcommand: 'poll' }).reply();
    expect(polled.content).toContain('Poll posted');
    const poll = await discord.waitFor(() => discord.channelMessages().find((m) => m.poll));
    expect(poll.poll?.answers.map((a) => a.text)).toEqual(['Agree', 'Disagree', 'Not sure', 'Need more evidence']);
    discord.pollVote(student1, poll, 1);
    discord.pollVote(student2, poll, 1);
    discord.pollVote(student3, poll, 4);

    const current = discord.message(first.id) ?? first;
    await discord.click(teacher, current, buttonId(current, 'Next prompt')).reply();
    const second = await discord.waitFor(() => prompts()[1]);
    expect(second.embeds[0]?.title).toBe('Prompt 2 of 2');
    expect(discord.message(first.id)?.buttons.map((b) => b.label)).toEqual(['Show the passage']);

    const ended = await discord.slash(teacher, 'session', {}, { subcommand: 'end' }).reply();
    expect(ended.content).toContain('Session ended');
    const recap = await discord.waitFor(() => discord.channelMessages().find((m) => m.text.includes('Session recap')));
    expect(recap.text).toContain('3 replies from 2 people');
    expect(recap.text).toContain('Agree: **2** (67%)');
    expect(recap.text).toContain('Need more evidence: **1** (33%)');
    expect(recap.text.indexOf('Agree:')).toBeLessThan(recap.text.indexOf('The check'));
    expect(discord.message(poll.id)?.poll?.finalized).toBe(true);

    const report = await discord.slash(teacher, 'session', {}, { subcommand: 'report' }).reply();
    const csv = report.attachments[0]?.data.toString('utf8') ?? '';
    expect(csv.split('\r\n')[0]).toBe('prompt_number,prompt,participant_id,display_name,messages');
    expect(csv).toContain(`${student1.id},${student1.globalName},2`);
    expect(discord.violations).toEqual([]);
  });

  test('GIVEN a session without threads THEN replies count in the channel, polls come from the button, quiz waits', async () => {
    const { teacher, student1 } = discord.users;
    const before = prompts().length;
    await discord.slash(teacher, 'session', { prompts: 2, threads: false }, { subcommand: 'start' }).reply();
    const first = await discord.waitFor(() => prompts()[before]);
    expect(first.thread).toBeNull();
    expect(first.text).toContain('here in the channel');

    const quiz = await discord.slash(teacher, 'quiz', {}, { subcommand: 'start' }).reply();
    expect(quiz.ephemeral).toBe(true);
    expect(quiz.content).toContain('discussion session is running');

    discord.postUserMessage(student1);
    await counted(0, 1);

    // The first prompt (recall) draws on one claim: the button polls it at once.
    const direct = await discord.click(teacher, first, buttonId(first, 'Poll a claim')).reply();
    expect(direct.content).toContain('Poll posted');
    await discord.click(teacher, first, buttonId(first, 'Next prompt')).reply();
    const second = await discord.waitFor(() => prompts()[before + 1]);

    // The second draws on two: the host picks one from private buttons.
    const choice = await discord.click(teacher, second, buttonId(second, 'Poll a claim')).reply();
    expect(choice.ephemeral).toBe(true);
    expect(choice.buttons).toHaveLength(2);
    const picked = choice.buttons[0]?.customId ?? '';
    const posted = await discord.click(teacher, choice, picked).reply();
    expect(posted.content).toContain('Poll posted');
    await discord.waitFor(() => discord.channelMessages().filter((m) => m.poll).length === 3);

    const status = await discord.slash(student1, 'session', {}, { subcommand: 'status' }).reply();
    expect(status.text).toContain('prompt 2 of 2 · 2 open polls');

    await discord.click(teacher, second, buttonId(second, 'End session')).reply();
    const recaps = await discord.waitFor(() => {
      const found = discord.channelMessages().filter((m) => m.text.includes('Session recap'));
      return found.length === 2 && found;
    });
    expect(recaps[1]?.embeds.filter((e) => e.title?.startsWith('Poll: '))).toHaveLength(2);
    expect(discord.violations).toEqual([]);
  });
});
