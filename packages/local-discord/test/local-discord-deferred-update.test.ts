import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { REST } from '@discordjs/rest';
import {
  ActionRowBuilder,
  ButtonBuilder,
  type ButtonInteraction,
  ButtonStyle,
  Client,
  Events,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
  Routes,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import {
  type LocalDiscord,
  type MessageView,
  renderForTerminal,
  startLocalDiscord,
  textPreview,
} from '../src/index.js';
import { createPlaySession, type PlaySession } from '../src/play-session.js';
import { emptyReplyView } from '../src/views.js';

/**
 * A deferred update (callback 6) as Discord has it: the bot acknowledges a click and need not edit
 * the clicked message. `reply()` keeps waiting for an edit or follow-up (what tests assert on);
 * `outcome()` and `npm run play` take the callback as the whole answer and show what the bot does next.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const REPORT_CSV = `\uFEFFround,name,points\r\n${Array.from({ length: 12 }, (_, i) => `r1,Student ${i + 1},${i}`).join('\r\n')}\r\n`;

function row(...buttons: [id: string, label: string][]) {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    buttons.map(([id, label]) => new ButtonBuilder().setCustomId(id).setLabel(label).setStyle(ButtonStyle.Primary)),
  );
}

/** Button handlers: each acknowledges with deferUpdate, then does something else or nothing. */
async function onButton(interaction: ButtonInteraction): Promise<void> {
  await interaction.deferUpdate();
  const channel = interaction.channel;
  if (!channel?.isSendable()) throw new Error('channel not sendable');
  switch (interaction.customId) {
    case 'next':
      // As a quiz host's Next: the clicked message stays, the next question is a new message, a bit later.
      await sleep(50);
      await channel.send({ content: 'Question 2', components: [row(['next', 'Next'], ['quiet', 'Quiet'])] });
      return;
    case 'edit':
      await sleep(30);
      await interaction.editReply({ content: 'edited after defer', components: [] });
      return;
    case 'private':
      await interaction.followUp({ content: 'only for the clicker', flags: MessageFlags.Ephemeral });
      return;
    case 'quiet':
      return;
  }
}

describe('a deferred update with the real discord.js client', () => {
  let discord: LocalDiscord;
  let client: Client;
  let dir: string;
  const errors: unknown[] = [];

  /** Posts a message with every test button, as the bot. */
  async function post(): Promise<MessageView> {
    const channel = client.channels.cache.get(discord.guild.generalChannelId);
    if (!channel?.isSendable()) throw new Error('#general is not cached');
    const sent = await channel.send({
      content: 'Question 1',
      components: [row(['next', 'Next'], ['edit', 'Edit'], ['private', 'Private'], ['quiet', 'Quiet'])],
    });
    const view = discord.message(sent.id);
    if (!view) throw new Error('the message did not arrive');
    return view;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-discord-deferred-'));
    discord = await startLocalDiscord({ timeoutMs: 2000 });
    const rest = new REST({ api: discord.apiUrl }).setToken(discord.token);
    await rest.put(Routes.applicationGuildCommands(discord.applicationId, discord.guild.id), {
      body: [
        { name: 'start', description: 'Posts the buttons' },
        { name: 'report', description: 'Replies privately with a CSV' },
      ],
    });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl } });
    client.on(Events.InteractionCreate, async (interaction: Interaction) => {
      try {
        if (interaction.isButton()) await onButton(interaction);
        else if (interaction.isChatInputCommand() && interaction.commandName === 'start') {
          await interaction.reply({
            content: 'Question 1',
            components: [row(['next', 'Next'], ['edit', 'Edit'], ['quiet', 'Quiet'])],
          });
        } else if (interaction.isChatInputCommand() && interaction.commandName === 'report') {
          await interaction.reply({
            content: 'Your report',
            flags: MessageFlags.Ephemeral,
            files: [
              { name: 'round.csv', attachment: Buffer.from(REPORT_CSV) },
              { name: 'logo.png', attachment: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]) },
            ],
          });
        }
      } catch (error) {
        errors.push(error);
      }
    });
    const ready = once(client, Events.ClientReady);
    await client.login(discord.token);
    await ready;
  });

  afterAll(async () => {
    await client?.destroy();
    await discord?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps reply() waiting for an edit or follow-up, and failing when none comes', async () => {
    const message = await post();
    await expect(discord.click(discord.users.teacher, message, 'quiet').reply(300)).rejects.toThrow(
      'edit the message or follow up after deferUpdate',
    );
    const edited = await discord.click(discord.users.teacher, message, 'edit').reply();
    expect(edited).toMatchObject({ type: 6, id: message.id, content: 'edited after defer' });
  });

  it('resolves outcome() at the callback when the bot does not edit, and lists what it did after', async () => {
    const message = await post();
    const handle = discord.click(discord.users.teacher, message, 'next');
    const outcome = await handle.outcome();
    expect(outcome).toMatchObject({ type: 6, reply: null });
    expect(outcome.changed.map((m) => m.content)).not.toContain('Question 2');

    const next = await discord.waitFor(() => handle.changes().find((m) => m.content === 'Question 2'));
    expect(next.id).not.toBe(message.id);
    expect(discord.message(message.id)?.edits).toBe(0);

    const quiet = await discord.click(discord.users.teacher, message, 'quiet').outcome(500);
    expect(quiet).toEqual({ type: 6, reply: null, changed: [] });
  });

  it('gives outcome() the edit or follow-up once it is there, and reply() as is for other callbacks', async () => {
    const message = await post();
    const edit = discord.click(discord.users.teacher, message, 'edit');
    await edit.outcome();
    const edited = await discord.waitFor(() => edit.changes().find((m) => m.id === message.id));
    expect(edited).toMatchObject({ content: 'edited after defer', edits: 1 });
    expect((await edit.outcome()).reply).toMatchObject({ type: 6, id: message.id, content: 'edited after defer' });

    const started = await discord.slash(discord.users.teacher, 'start').outcome();
    expect(started).toMatchObject({ type: 4, reply: { content: 'Question 1', buttons: [{ label: 'Next' }, {}, {}] } });
    expect(started.changed.map((m) => m.id)).toEqual([started.reply?.id]);
  });

  it('shows each user only their own ephemeral messages among the changes', async () => {
    const message = await post();
    const teacher = discord.click(discord.users.teacher, message, 'quiet');
    await teacher.outcome();
    const student = discord.click(discord.users.student1, message, 'private');
    const own = await discord.waitFor(() => student.changes().find((m) => m.ephemeral));
    expect(own).toMatchObject({ content: 'only for the clicker', ephemeral: true });
    expect((await student.outcome()).reply).toMatchObject({ id: own.id });
    // Made after the teacher clicked, but only the student sees it.
    expect(teacher.changes()).toEqual([]);
  });

  describe('in a play session', () => {
    let session: PlaySession;
    let input: PassThrough;
    let text = '';
    const filesDir = () => join(dir, 'files');

    async function send(line: string, expected: string, timeoutMs = 1500): Promise<string> {
      const from = text.length;
      input.write(`${line}\n`);
      const started = Date.now();
      while (!(text.slice(from).includes(expected) && text.endsWith('> '))) {
        if (Date.now() - started > timeoutMs)
          throw new Error(`no "${expected}" after ${line}; got:\n${text.slice(from)}`);
        await sleep(10);
      }
      return text.slice(from);
    }

    beforeAll(async () => {
      input = new PassThrough();
      const output = new PassThrough();
      output.setEncoding('utf8');
      output.on('data', (chunk: string) => {
        text += chunk;
      });
      session = createPlaySession({ discord, input, output, settleMs: 100, filesDir: filesDir() });
      while (!text.includes('teacher> ')) await sleep(10);
    });

    afterAll(async () => {
      session?.close();
      await session?.closed;
    });

    test('GIVEN a button answered with a deferred update and a new message THEN the message is printed at once, no timeout', async () => {
      await send('/start', '[1] Next');
      const started = Date.now();
      const next = await send('press 1', 'Question 2');
      // The local Discord's timeout is 2 s: a wait for an edit would have taken that long, then failed.
      expect(Date.now() - started).toBeLessThan(1500);
      expect(next).toContain('-- new message in #general --');
      expect(next).not.toMatch(/^! /m);
      expect(next).not.toContain('timed out');
      // The new message's buttons are the ones press clicks now.
      expect(await send('press 2', 'nothing has changed yet')).not.toMatch(/^! /m);
      expect(await send('press 1', 'Question 2')).not.toMatch(/^! /m);
    });

    test('GIVEN a deferred update the bot edits THEN the edit is printed once', async () => {
      await send('/start', '[2] Edit');
      const edited = await send('press 2', 'edited after defer');
      expect(edited.match(/edited after defer/g)).toHaveLength(1);
      expect(edited).toContain('message updated');
    });

    test('GIVEN a file THEN its name, size and first rows are printed, and it is saved', async () => {
      const printed = await send('/report', 'logo.png');
      const path = join(filesDir(), 'round.csv');
      expect(printed).toContain(
        `[file] round.csv (${Buffer.byteLength(REPORT_CSV)} bytes, 13 lines)\n  saved to ${path}\n`,
      );
      expect(printed).toContain('  | round,name,points\n  | r1,Student 1,0\n');
      expect(printed).toContain('  | r1,Student 7,6\n  | ... 5 more lines\n');
      expect(printed).not.toContain('Student 8');
      expect(printed).toContain(`[file] logo.png (8 bytes)\n  saved to ${join(filesDir(), 'logo.png')}\n`);
      expect(await readFile(path, 'utf8')).toBe(REPORT_CSV);
      // The same file again goes to a new name, not over the first.
      expect(await send('/report', 'logo.png')).toContain(`saved to ${join(filesDir(), '2-round.csv')}`);
      expect(discord.violations).toEqual([]);
      expect(errors).toEqual([]);
    });
  });
});

describe('textPreview and renderForTerminal of files', () => {
  const file = (filename: string, data: string | Buffer, contentType: string | null = null) => ({
    id: '1',
    filename,
    size: Buffer.byteLength(data),
    contentType,
    data: Buffer.isBuffer(data) ? data : Buffer.from(data),
  });

  test.each([
    ['a.csv', 'a,b\n1,2\n', null, { lines: ['a,b', '1,2'], total: 2 }],
    ['notes', '\uFEFFhello\r\nworld', 'text/plain; charset=utf-8', { lines: ['hello', 'world'], total: 2 }],
    ['data.json', '{}', 'application/json', { lines: ['{}'], total: 1 }],
    ['picture.png', 'a,b', 'image/png', null],
    ['bytes.csv', Buffer.from([0x61, 0, 0x62]), null, null],
    ['latin1.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9]), null, null],
  ])('GIVEN %s THEN %j', (name, data, type, expected) => {
    expect(textPreview(file(name, data, type))).toEqual(expected);
  });

  test('GIVEN long lines and many of them THEN eight are shown, each cut to fit', () => {
    const data = Array.from({ length: 20 }, (_, i) => `${i}:${'x'.repeat(200)}`).join('\n');
    const preview = textPreview(file('long.txt', data));
    expect(preview?.total).toBe(20);
    expect(preview?.lines).toHaveLength(8);
    expect(preview?.lines.every((l) => l.length === 160 && l.endsWith('...'))).toBe(true);
    expect(textPreview(file('long.txt', data), 2)?.lines).toHaveLength(2);
  });

  test('GIVEN a message with a file THEN the terminal shows name, size, where it was saved and the rows', () => {
    const view = {
      ...emptyMessage(),
      content: 'Report',
      attachments: [file('r.csv', 'h1,h2\nv1,v2\n')],
    };
    expect(renderForTerminal(view)).toBe('Report\n[file] r.csv (12 bytes, 2 lines)\n  | h1,h2\n  | v1,v2');
    expect(renderForTerminal(view, { savedPath: () => '/tmp/r.csv' })).toContain(
      '[file] r.csv (12 bytes, 2 lines)\n  saved to /tmp/r.csv\n  | h1,h2',
    );
  });
});

function emptyMessage(): MessageView {
  const { type: _type, ...view } = emptyReplyView(0);
  return { ...view, id: '1', channelId: '1', authorId: '1' };
}
