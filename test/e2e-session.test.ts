import type { LocalDiscord, MessageView } from '@roundtable/local-discord';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
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

/** Waits until the host's report of a channel's session says it has `expected` replies. */
async function counted(expected: number, channelId = discord.guild.generalChannelId): Promise<void> {
  let said = '';
  for (let i = 0; i < 100; i++) {
    const report = await discord
      .slash(discord.users.teacher, 'session', {}, { subcommand: 'report', channelId })
      .reply();
    said = report.content ?? '';
    if (said.includes(`: ${expected} replies from`)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the report never counted ${expected} replies; it says: ${said}`);
}

describe('a discussion session end to end', () => {
  test('GIVEN a teacher and students THEN prompts, threads, counting, a poll, the recap and the report all work', async () => {
    const { teacher, student1, student2, student3 } = discord.users;

    const starting = discord.slash(teacher, 'session', { prompts: 2 }, { subcommand: 'start' });
    const started = await starting.reply();
    expect(started.ephemeral).toBe(true);
    expect(started.content).toContain('Session started');
    // The host alone gets the teacher note of the prompt on screen.
    const firstNote = await discord.waitFor(() => starting.followUps[0]);
    expect(firstNote.ephemeral).toBe(true);
    expect(firstNote.text).toContain('Teacher note');

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
    await counted(3);

    const polled = await discord.slash(teacher, 'session', { claim: 'vote-result' }, { subcommand: 'poll' }).reply();
    expect(polled.content).toContain('Poll posted');
    const poll = await discord.waitFor(() => discord.channelMessages().find((m) => m.poll));
    expect(poll.poll?.answers.map((a) => a.text)).toEqual(['Agree', 'Disagree', 'Not sure', 'Need more evidence']);
    discord.pollVote(student1, poll, 1);
    discord.pollVote(student2, poll, 1);
    discord.pollVote(student3, poll, 4);

    const current = discord.message(first.id) ?? first;
    const nextClick = discord.click(teacher, current, buttonId(current, 'Next prompt'));
    await nextClick.outcome();
    const second = await discord.waitFor(() => prompts()[1]);
    expect(second.embeds[0]?.title).toBe('Prompt 2 of 2');
    const secondNote = await discord.waitFor(() => nextClick.followUps[0]);
    expect(secondNote.ephemeral).toBe(true);
    expect(secondNote.text).toContain('Teacher note');
    expect(secondNote.text).not.toBe(firstNote.text);
    for (const m of discord.channelMessages().filter((v) => !v.ephemeral)) expect(m.text).not.toContain('Teacher note');
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
    expect(csv.split('\r\n')[0]).toBe('\uFEFFprompt number,prompt,user id,display name,messages');
    expect(csv).toContain(`${student1.id},${student1.globalName},2`);
    expect(discord.violations).toEqual([]);
  });

  test('GIVEN a session without threads THEN replies count in the channel, polls come from the button, quiz waits', async () => {
    const { teacher, student1 } = discord.users;
    const before = prompts().length;
    const pollsAtStart = discord.channelMessages().filter((m) => m.poll).length;
    await discord.slash(teacher, 'session', { prompts: 2, threads: false }, { subcommand: 'start' }).reply();
    const first = await discord.waitFor(() => prompts()[before]);
    expect(first.thread).toBeNull();
    expect(first.text).toContain('here in the channel');

    const quiz = await discord.slash(teacher, 'quiz', {}, { subcommand: 'start' }).reply();
    expect(quiz.ephemeral).toBe(true);
    expect(quiz.content).toContain('discussion session is running');

    discord.postUserMessage(student1);
    await counted(1);

    // The first prompt (recall) draws on one claim: the button polls it at once.
    const cards = () => discord.channelMessages().filter((m) => m.embeds[0]?.title === 'Class poll: do you agree?');
    const cardsBefore = cards().length;
    const direct = await discord.click(teacher, first, buttonId(first, 'Poll a claim')).reply();
    expect(direct.content).toContain('Poll posted');
    const card = await discord.waitFor(() => cards()[cardsBefore]);
    expect(card.embeds[0]?.footer).toContain('Discord polls are not anonymous');
    const livePoll = await discord.waitFor(() => discord.channelMessages().filter((m) => m.poll)[pollsAtStart]);
    discord.pollVote(student1, livePoll, 2);
    const pollsBefore = discord.channelMessages().filter((m) => m.poll).length;

    // The host closes this one poll mid-lesson: its split and its check appear at once.
    const close = buttonId(card, 'Close poll and show the check (host)');
    const refused = await discord.click(student1, card, close).reply();
    expect(refused.content).toMatch(/^Only the host can do that/);
    await discord.click(teacher, card, close).ack();
    const result = await discord.waitFor(() =>
      discord.channelMessages().findLast((m) => m.embeds[0]?.title?.startsWith('Poll: ') && m.embeds.length === 1),
    );
    expect(result.text).toContain('Disagree: **1** (100%)');
    expect(result.text).toContain('The check:');
    expect(discord.message(livePoll.id)?.poll?.finalized).toBe(true);
    expect(discord.message(card.id)?.buttons).toEqual([]);
    const again = await discord.forgeClick(teacher, card, close).reply();
    expect(again.content).toBe('That poll is already closed and its check shown.');
    expect(discord.channelMessages().filter((m) => m.poll)).toHaveLength(pollsBefore);

    await discord.click(teacher, first, buttonId(first, 'Next prompt')).reply();
    const second = await discord.waitFor(() => prompts()[before + 1]);

    // The second draws on two: the host picks one from private buttons.
    const choice = await discord.click(teacher, second, buttonId(second, 'Poll a claim')).reply();
    expect(choice.ephemeral).toBe(true);
    expect(choice.buttons).toHaveLength(2);
    const picked = choice.buttons[0]?.customId ?? '';
    const posted = await discord.click(teacher, choice, picked).reply();
    expect(posted.content).toContain('Poll posted');
    await discord.waitFor(() => discord.channelMessages().filter((m) => m.poll).length === pollsAtStart + 2);

    const status = await discord.slash(student1, 'session', {}, { subcommand: 'status' }).reply();
    expect(status.text).toContain('prompt 2 of 2 · 1 open poll');

    await discord.click(teacher, second, buttonId(second, 'End session')).reply();
    const recaps = await discord.waitFor(() => {
      const found = discord.channelMessages().filter((m) => m.text.includes('Session recap'));
      return found.length === 2 && found;
    });
    expect(recaps[1]?.embeds.filter((e) => e.title?.startsWith('Poll: '))).toHaveLength(2);
    // The poll still open at the end was closed with the session: its card has no live host button left.
    const lastCard = cards()[cardsBefore + 1];
    expect(lastCard?.embeds[0]?.title).toBe('Class poll: do you agree?');
    await discord.waitFor(() => discord.message(lastCard?.id ?? '')?.buttons.length === 0);
    expect(discord.violations).toEqual([]);
  });

  test('GIVEN two channels, a failing post and a deleted prompt and poll THEN both sessions go on', async () => {
    const { teacher, student1, student2 } = discord.users;
    const general = discord.guild.generalChannelId;
    const debate = discord.addChannel('debate');
    const promptsIn = (channelId: string) =>
      discord.channelMessages(channelId).filter((m) => m.embeds[0]?.title?.startsWith('Prompt '));
    const before = promptsIn(general).length;
    for (const channelId of [general, debate]) {
      const started = await discord
        .slash(teacher, 'session', { prompts: 2, threads: false }, { subcommand: 'start', channelId })
        .reply();
      expect(started.content).toContain('Session started');
    }
    const first = await discord.waitFor(() => promptsIn(general)[before]);
    const debateFirst = await discord.waitFor(() => promptsIn(debate)[0]);
    discord.postUserMessage(student1, general);
    discord.postUserMessage(student1, debate);
    discord.postUserMessage(student2, debate);
    await counted(1, general);
    await counted(2, debate);
    const status = await discord.slash(student1, 'session', {}, { subcommand: 'status' }).reply();
    expect(status.embeds[0]?.description).toContain(`<#${general}>`);
    expect(status.embeds[0]?.description).toContain(`<#${debate}>`);

    // Discord fails the next prompt's post (discord.js retries 3 times itself): the bot tries again later.
    const fault = discord.failRequests({ method: 'POST', path: `/channels/${debate}/messages`, status: 500, times: 4 });
    await discord.click(teacher, debateFirst, buttonId(debateFirst, 'Next prompt')).ack();
    const debateSecond = await discord.waitFor(() => promptsIn(debate)[1]);
    expect(fault.hits).toHaveLength(4);
    expect(debateSecond.embeds[0]?.title).toBe('Prompt 2 of 2');
    expect(promptsIn(debate)).toHaveLength(2);

    // A moderator deletes the poll and the prompt of the other session: it goes on all the same.
    await discord.slash(teacher, 'session', { claim: 'vote-result' }, { subcommand: 'poll' }).reply();
    const poll = await discord.waitFor(() => discord.channelMessages(general).find((m) => m.poll && !m.poll.finalized));
    discord.deleteMessage(poll);
    discord.deleteMessage(first);
    const moved = await discord.slash(teacher, 'session', {}, { subcommand: 'next' }).reply();
    expect(moved.content).toContain('Prompt 2 of 2 is posted');
    await discord.waitFor(() => promptsIn(general)[before]?.embeds[0]?.title === 'Prompt 2 of 2');
    discord.postUserMessage(student2, general);
    await counted(2, general);

    for (const channelId of [general, debate]) {
      const ended = await discord.slash(teacher, 'session', {}, { subcommand: 'end', channelId }).reply();
      expect(ended.content).toContain('Session ended');
    }
    const recapIn = (channelId: string) =>
      discord.waitFor(() => discord.channelMessages(channelId).find((m) => m.text.includes('Session recap')));
    const generalRecap = await discord.waitFor(() => {
      const found = discord.channelMessages(general).filter((m) => m.text.includes('Session recap'));
      return found.length === 3 && found[2];
    });
    expect(generalRecap.text).toContain('2 replies from 2 people');
    expect(generalRecap.text).toContain('Discord did not report this poll’s results.');
    expect((await recapIn(debate)).text).toContain('2 replies from 2 people');
    expect(discord.violations).toEqual([]);
  });
});
