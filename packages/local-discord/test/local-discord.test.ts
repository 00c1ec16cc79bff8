import { once } from 'node:events';
import { REST } from '@discordjs/rest';
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ButtonBuilder,
  ButtonStyle,
  type ChatInputCommandInteraction,
  Client,
  DiscordAPIError,
  EmbedBuilder,
  Events,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
  ModalBuilder,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  Routes,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import { afterAll, beforeAll, describe, expect, it, test } from 'vitest';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { type LocalDiscord, PRIVILEGED_INTENTS, renderForTerminal, startLocalDiscord } from '../src/index.js';
import { checkAutocompleteLimits, checkCommandLimits, checkMessageLimits, MESSAGE_LIMITS } from '../src/limits.js';
import { errorTree } from '../src/rest.js';

const commands = [
  { name: 'ping', description: 'Replies privately with a button' },
  { name: 'slow', description: 'Defers, edits, follows up' },
  {
    name: 'pick',
    description: 'Autocompletes a claim',
    options: [{ type: ApplicationCommandOptionType.String, name: 'claim', description: 'A claim', autocomplete: true }],
  },
  { name: 'vote', description: 'Posts a poll and opens a thread' },
  { name: 'long', description: 'Tries a reply over the limit' },
  { name: 'late', description: 'Answers after the deadline' },
  { name: 'twice', description: 'Acknowledges twice' },
  { name: 'form', description: 'Tries to show a modal' },
  { name: 'menu', description: 'Offers a select menu' },
  {
    name: 'grade',
    description: 'Subcommands with typed options',
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'set',
        description: 'Sets a grade',
        options: [
          { type: ApplicationCommandOptionType.User, name: 'student', description: 'Who', required: true },
          { type: ApplicationCommandOptionType.Integer, name: 'points', description: 'How many', required: true },
          { type: ApplicationCommandOptionType.Role, name: 'group', description: 'Which role' },
          { type: ApplicationCommandOptionType.Boolean, name: 'quiet', description: 'Privately?' },
        ],
      },
    ],
    default_member_permissions: '32',
  },
] satisfies RESTPostAPIChatInputApplicationCommandsJSONBody[];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Test-only handlers exercising every response route the bot will use. */
interface Seen {
  errors: unknown[];
  votes: string[];
  responseIds: string[];
  userMessages: string[];
}

function wire(client: Client, seen: Seen) {
  client.on(Events.MessageCreate, (message) => {
    if (!message.author.bot) seen.userMessages.push(message.content);
  });
  client.on(Events.MessagePollVoteAdd, (_answer, userId) => {
    seen.votes.push(userId);
  });
  client.on(Events.InteractionCreate, async (interaction: Interaction) => {
    try {
      if (interaction.isAutocomplete()) {
        const typed = interaction.options.getFocused().toLowerCase();
        const claims = ['kim met putin', 'kim visited russia', 'talks on weapons'];
        await interaction.respond(claims.filter((c) => c.includes(typed)).map((c) => ({ name: c, value: c })));
        return;
      }
      if (interaction.isButton()) {
        await interaction.update({
          content: `clicked by ${interaction.user.username}`,
          components: [
            new ActionRowBuilder<ButtonBuilder>().addComponents(
              new ButtonBuilder()
                .setCustomId('ping:again')
                .setLabel('Again')
                .setStyle(ButtonStyle.Primary)
                .setDisabled(true),
            ),
          ],
        });
        return;
      }
      if (interaction.isChatInputCommand()) await runCommand(interaction, seen);
    } catch (error) {
      seen.errors.push(error);
    }
  });
}

async function runCommand(interaction: ChatInputCommandInteraction, seen: Seen) {
  switch (interaction.commandName) {
    case 'ping': {
      const response = await interaction.reply({
        withResponse: true,
        flags: MessageFlags.Ephemeral,
        embeds: [new EmbedBuilder().setTitle('Pong').setDescription('Only you see this').setFooter({ text: 'foot' })],
        components: [
          new ActionRowBuilder<ButtonBuilder>().addComponents(
            new ButtonBuilder().setCustomId('ping:again').setLabel('Again').setStyle(ButtonStyle.Primary),
          ),
        ],
      });
      seen.responseIds.push(response.resource?.message?.id ?? 'none');
      return;
    }
    case 'menu':
      await interaction.reply({
        content: 'choose',
        components: [
          new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(
            new StringSelectMenuBuilder()
              .setCustomId('menu')
              .setPlaceholder('Pick one')
              .addOptions({ label: 'Kim', value: 'kim' }, { label: 'Putin', value: 'putin' }),
          ),
        ],
      });
      return;
    case 'slow':
      await interaction.deferReply();
      await sleep(20);
      await interaction.editReply({
        content: 'done',
        files: [{ attachment: Buffer.from('a,b\n1,2\n'), name: 'report.csv' }],
      });
      await interaction.followUp({ content: 'more', flags: MessageFlags.Ephemeral });
      return;
    case 'vote': {
      await interaction.reply({ content: 'posting', flags: MessageFlags.Ephemeral });
      const channel = interaction.channel;
      if (!channel?.isSendable()) throw new Error('channel not sendable');
      const message = await channel.send({
        poll: {
          question: { text: 'Who met?' },
          answers: [{ text: 'Kim' }, { text: 'Putin' }],
          duration: 1,
          allowMultiselect: false,
        },
      });
      const thread = await message.startThread({ name: 'Discussion' });
      await thread.send({ content: 'Talk here', allowedMentions: { parse: [] } });
      return;
    }
    case 'long':
      try {
        await interaction.reply({ content: 'x'.repeat(MESSAGE_LIMITS.content + 1) });
      } catch (error) {
        const code = error instanceof DiscordAPIError ? error.code : 'unknown';
        await interaction.reply({ content: `refused with ${code}`, flags: MessageFlags.Ephemeral });
      }
      return;
    case 'late':
      await sleep(300);
      await interaction.reply({ content: 'too late' });
      return;
    case 'twice':
      await interaction.reply({ content: 'first' });
      await interaction.client.rest.post(Routes.interactionCallback(interaction.id, interaction.token), {
        body: { type: 4, data: { content: 'second' } },
        auth: false,
      });
      return;
    case 'form':
      await interaction.showModal(
        new ModalBuilder()
          .setCustomId('form')
          .setTitle('Your answer')
          .addComponents(
            new ActionRowBuilder<TextInputBuilder>().addComponents(
              new TextInputBuilder().setCustomId('answer').setLabel('Answer').setStyle(TextInputStyle.Short),
            ),
          ),
      );
      return;
    case 'grade': {
      const student = interaction.options.getUser('student', true);
      const points = interaction.options.getInteger('points', true);
      const group = interaction.options.getRole('group')?.name ?? 'none';
      await interaction.reply({
        content: `${student.username}: ${points} (${group}) by ${interaction.member && 'displayName' in interaction.member ? interaction.member.displayName : '?'}`,
        flags: interaction.options.getBoolean('quiet') ? MessageFlags.Ephemeral : undefined,
        allowedMentions: { parse: [] },
      });
      return;
    }
  }
}

describe('local Discord with the real discord.js client', () => {
  let discord: LocalDiscord;
  let client: Client;
  const seen: Seen = { errors: [], votes: [], responseIds: [], userMessages: [] };

  beforeAll(async () => {
    discord = await startLocalDiscord({ timeoutMs: 3000 });
    const rest = new REST({ api: discord.apiUrl }).setToken(discord.token);
    await rest.put(Routes.applicationGuildCommands(discord.applicationId, discord.guild.id), { body: commands });
    client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.GuildMessagePolls],
      rest: { api: discord.apiUrl },
    });
    wire(client, seen);
    const ready = once(client, Events.ClientReady);
    await client.login(discord.token);
    await ready;
  });

  afterAll(async () => {
    await client?.destroy();
    await discord?.close();
  });

  it('identifies without privileged intents and caches the guild', async () => {
    await discord.waitForReady();
    expect(discord.identifies).toHaveLength(1);
    expect((discord.identifies[0]?.intents ?? -1) & PRIVILEGED_INTENTS).toBe(0);
    const guild = client.guilds.cache.get(discord.guild.id);
    expect(guild?.channels.cache.get(discord.guild.generalChannelId)?.name).toBe('general');
    expect(guild?.roles.cache.get(discord.guild.teacherRoleId)?.name).toBe('Teacher');
    expect(guild?.members.me?.id).toBe(discord.applicationId);
    const app = await client.application?.fetch();
    expect(app?.id).toBe(discord.applicationId);
  });

  it('stores commands and counts overwrites; an unchanged PUT keeps ids and versions', async () => {
    const stored = discord.commands(discord.guild.id);
    expect(stored.map((c) => c.name)).toEqual(commands.map((c) => c.name));
    const rest = new REST({ api: discord.apiUrl }).setToken(discord.token);
    await rest.put(Routes.applicationGuildCommands(discord.applicationId, discord.guild.id), { body: commands });
    expect(discord.commandPuts).toBe(2);
    expect(discord.commands(discord.guild.id).map((c) => [c.id, c.version])).toEqual(
      stored.map((c) => [c.id, c.version]),
    );
    const fetched = await client.application?.commands.fetch({ guildId: discord.guild.id });
    expect(fetched?.size).toBe(commands.length);
  });

  it('refuses a wrong token with 401', async () => {
    const rest = new REST({ api: discord.apiUrl }).setToken('wrong');
    await expect(rest.get(Routes.gatewayBot())).rejects.toMatchObject({ status: 401 });
    expect(discord.takeViolations().map((v) => v.kind)).toEqual(['unauthorized']);
  });

  it('shows an ephemeral embed with a button, and a click updates the stored message', async () => {
    const reply = await discord.slash(discord.users.student1, 'ping').reply();
    expect(reply).toMatchObject({ type: 4, ephemeral: true, content: '' });
    expect(reply.embeds[0]).toMatchObject({ title: 'Pong', description: 'Only you see this', footer: 'foot' });
    expect(reply.buttons).toEqual([
      expect.objectContaining({ label: 'Again', customId: 'ping:again', disabled: false }),
    ]);
    expect(renderForTerminal(reply)).toContain('[1] Again');
    await discord.waitFor(() => seen.responseIds.length > 0);
    expect(seen.responseIds).toEqual([reply.id]);
    expect(() => discord.click(discord.users.student2, reply, 'ping:again')).toThrow(/ephemeral/);

    const click = await discord.click(discord.users.student1, reply, 'ping:again').reply();
    expect(click).toMatchObject({ type: 7, id: reply.id, content: 'clicked by student1' });
    expect(discord.message(reply.id)?.buttons[0]?.disabled).toBe(true);
    expect(() => discord.click(discord.users.student1, reply, 'ping:again')).toThrow(/disabled/);
  });

  it('resolves subcommands, users, roles and integers from the registered definition', async () => {
    const { student2, teacher } = discord.users;
    const reply = await discord
      .slash(teacher, 'grade', { student: student2, points: 7, group: 'Teacher' }, { subcommand: 'set' })
      .reply();
    expect(reply.content).toBe('student2: 7 (Teacher) by Teacher');
    expect(reply.ephemeral).toBe(false);
    expect(() => discord.slash(student2, 'grade', { student: teacher, points: 1 }, { subcommand: 'set' })).toThrow(
      /hidden/,
    );
    expect(() => discord.slash(teacher, 'grade', { points: 1 }, { subcommand: 'set' })).toThrow(/needs option student/);
  });

  it('waits through deferReply for the edit and collects follow-ups', async () => {
    const handle = discord.slash(discord.users.student1, 'slow');
    const reply = await handle.reply();
    expect(reply).toMatchObject({ type: 5, content: 'done', loading: false, ephemeral: false });
    expect(reply.attachments.map((a) => [a.filename, a.data.toString()])).toEqual([['report.csv', 'a,b\n1,2\n']]);
    const more = await discord.waitFor(() => handle.followUps[0]);
    expect(more).toMatchObject({ content: 'more', ephemeral: true });
    expect(discord.channelMessages().map((m) => m.content)).toContain('done');
    expect(discord.channelMessages().map((m) => m.content)).not.toContain('more');
  });

  it('returns autocomplete choices', async () => {
    const choices = await discord.autocomplete(discord.users.student1, 'pick', { focused: 'claim', value: 'kim' });
    expect(choices.map((c) => c.name)).toEqual(['kim met putin', 'kim visited russia']);
  });

  it('shows a select menu in the message view (picking from one is not modelled)', async () => {
    const menu = await discord.slash(discord.users.student1, 'menu').reply();
    expect(menu.selects[0]).toMatchObject({ customId: 'menu', placeholder: 'Pick one' });
    expect(renderForTerminal(menu)).toContain('[select] Pick one');
  });

  it('refuses a modal, which it does not model, as a rejected callback', async () => {
    const handle = discord.slash(discord.users.student3, 'form');
    await discord.waitFor(() => (handle.rejections.length > 0 ? true : undefined));
    expect(handle.rejections.join('\n')).toContain('does not model modals');
    expect(handle.ackedAt).toBeNull();
    expect(discord.takeViolations().map((v) => v.kind)).toEqual(['invalid-callback']);
  });

  it('posts a poll, starts a thread, forwards votes and expires the poll', async () => {
    await discord.slash(discord.users.teacher, 'vote').reply();
    const poll = await discord.waitFor(() => discord.channelMessages().find((m) => m.poll && m.thread));
    expect(poll.poll).toMatchObject({ question: 'Who met?', answers: [{ text: 'Kim' }, { text: 'Putin' }] });
    expect(poll.thread?.name).toBe('Discussion');
    const threadId = poll.thread?.id ?? '';
    expect(discord.threads().map((t) => t.id)).toContain(threadId);
    const inThread = await discord.waitFor(() => discord.channelMessages(threadId)[0]);
    expect(inThread.content).toBe('Talk here');
    expect(client.channels.cache.get(threadId)?.isThread()).toBe(true);

    discord.pollVote(discord.users.student1, poll, 1);
    expect(() => discord.pollVote(discord.users.student1, poll, 2)).toThrow(/one answer/);
    await discord.waitFor(() => seen.votes.includes(discord.users.student1.id));

    const general = client.channels.cache.get(discord.guild.generalChannelId);
    if (!general?.isTextBased()) throw new Error('#general is not cached');
    const message = await general.messages.fetch(poll.id);
    await message.poll?.end();
    expect(discord.message(poll.id)?.poll).toMatchObject({ finalized: true, answers: [{ votes: 1 }, { votes: 0 }] });

    discord.postUserMessage(discord.users.student2, threadId, 'my view');
    expect(discord.channelMessages(threadId, { includeUsers: true })).toHaveLength(2);
    // Without the privileged MessageContent intent the bot sees that a message came, not what it says.
    await discord.waitFor(() => seen.userMessages.length > 0);
    expect(seen.userMessages).toEqual(['']);
  });

  it('refuses a message over the limits with 50035 and records it', async () => {
    const reply = await discord.slash(discord.users.student1, 'long').reply();
    expect(reply.content).toBe('refused with 50035');
    const [violation, ...others] = discord.takeViolations();
    expect(others).toEqual([]);
    expect(violation).toMatchObject({ kind: 'limit', path: expect.stringContaining('/callback') });
    expect(violation?.problems).toEqual(['content: Must be 2000 or fewer in length (got 2001).']);
  });

  it('refuses a second acknowledgement (40060) and a late one (10062)', async () => {
    const twice = discord.slash(discord.users.student1, 'twice');
    await twice.reply();
    await discord.waitFor(() => discord.violations.find((v) => v.kind === 'already-acknowledged'));
    await discord.waitFor(() => seen.errors.find((e) => e instanceof DiscordAPIError && e.code === 40060));

    discord.callbackDeadlineMs = 200;
    const late = discord.slash(discord.users.student1, 'late');
    await expect(late.reply()).rejects.toThrow('acknowledge within 200 ms');
    await discord.waitFor(() => seen.errors.find((e) => e instanceof DiscordAPIError && e.code === 10062));
    expect(late.rejections).toEqual([expect.stringMatching(/^unknown-interaction: answered \d+ ms after/)]);
    discord.callbackDeadlineMs = 3000;
    expect(discord.takeViolations().map((v) => v.kind)).toEqual(['already-acknowledged', 'unknown-interaction']);
    seen.errors.splice(0);
  });

  it('resumes after a reconnect request and after a dropped socket, replaying what was sent meanwhile', async () => {
    await discord.reconnect('op7');
    expect(discord.gateway.resumes).toBe(1);

    discord.disconnect();
    const handle = discord.slash(discord.users.student2, 'ping');
    expect((await handle.reply()).embeds[0]?.title).toBe('Pong');
    expect(discord.gateway.resumes).toBe(2);
    expect(discord.identifies).toHaveLength(1);
  });

  it('saw no unknown routes, no refusals and no handler errors, and closes cleanly', async () => {
    expect(discord.unknownRoutes).toEqual([]);
    expect(discord.violations).toEqual([]);
    expect(seen.errors).toEqual([]);
    await client.destroy();
    await discord.waitFor(() => discord.gateway.connectedSessions === 0);
    await discord.close();
  });
});

const frameSchema = z.looseObject({
  op: z.number(),
  t: z.string().nullish(),
  d: z.unknown(),
});
const guildCreateSchema = z.looseObject({
  members: z.array(z.looseObject({ user: z.looseObject({ id: z.string() }) })),
});

/** A raw gateway client, to exercise what discord.js never sends. */
async function rawGateway(discord: LocalDiscord) {
  const ws = new WebSocket(`${discord.gatewayUrl}?v=10&encoding=json`);
  const frames: z.infer<typeof frameSchema>[] = [];
  ws.on('message', (data) => {
    frames.push(frameSchema.parse(JSON.parse(String(data))));
  });
  await once(ws, 'open');
  const closed = once(ws, 'close').then(([code]) => Number(code));
  const identify = (token: string, intents: number) =>
    ws.send(JSON.stringify({ op: 2, d: { token, intents, properties: {}, shard: [0, 1] } }));
  return { ws, frames, closed, identify };
}

describe('gateway conversation', () => {
  it('says HELLO, acks heartbeats and lists members only with the GuildMembers intent', async () => {
    const discord = await startLocalDiscord({
      heartbeatIntervalMs: 1000,
      privilegedIntents: GatewayIntentBits.GuildMembers,
    });
    try {
      const plain = await rawGateway(discord);
      await discord.waitFor(() => plain.frames[0]);
      expect(plain.frames[0]).toMatchObject({ op: 10, d: { heartbeat_interval: 1000 } });
      plain.ws.send(JSON.stringify({ op: 1, d: null }));
      await discord.waitFor(() => plain.frames.find((f) => f.op === 11));
      plain.identify(discord.token, GatewayIntentBits.Guilds);
      const guildCreate = await discord.waitFor(() => plain.frames.find((f) => f.t === 'GUILD_CREATE'));
      expect(guildCreateSchema.parse(guildCreate.d).members.map((m) => m.user.id)).toEqual([discord.applicationId]);

      const members = await rawGateway(discord);
      members.identify(discord.token, GatewayIntentBits.Guilds | GatewayIntentBits.GuildMembers);
      const full = await discord.waitFor(() => members.frames.find((f) => f.t === 'GUILD_CREATE'));
      expect(guildCreateSchema.parse(full.d).members).toHaveLength(6);
      expect(members.frames.map((f) => f.t).slice(1)).toEqual(['READY', 'GUILD_CREATE']);
      plain.ws.close(1000);
      members.ws.close(1000);
      await Promise.all([plain.closed, members.closed]);
    } finally {
      await discord.close();
    }
  });

  it('closes with 4014 for a privileged intent not switched on and 4004 for a wrong token', async () => {
    const discord = await startLocalDiscord();
    try {
      const content = await rawGateway(discord);
      content.identify(discord.token, GatewayIntentBits.Guilds | GatewayIntentBits.MessageContent);
      expect(await content.closed).toBe(4014);
      const wrong = await rawGateway(discord);
      wrong.identify('not-the-token', GatewayIntentBits.Guilds);
      expect(await wrong.closed).toBe(4004);
      expect(discord.identifies.map((i) => i.intents)).toEqual([
        GatewayIntentBits.Guilds | GatewayIntentBits.MessageContent,
      ]);
    } finally {
      await discord.close();
    }
  });
});

describe('limits', () => {
  test.each([
    ['content at the limit', { content: 'x'.repeat(2000) }, []],
    ['content over the limit', { content: 'x'.repeat(2001) }, ['content']],
    ['11 embeds', { embeds: Array.from({ length: 11 }, () => ({ title: 't' })) }, ['embeds']],
    ['long embed title', { embeds: [{ title: 't'.repeat(257) }] }, ['embeds.0.title']],
    ['long description', { embeds: [{ description: 'd'.repeat(4097) }] }, ['embeds.0.description']],
    ['empty field value', { embeds: [{ fields: [{ name: 'n', value: '' }] }] }, ['embeds.0.fields.0.value']],
    [
      '26 fields',
      { embeds: [{ fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) }] },
      ['embeds.0.fields'],
    ],
    ['long footer', { embeds: [{ footer: { text: 'f'.repeat(2049) } }] }, ['embeds.0.footer.text']],
    [
      'embeds over 6000 in all',
      { embeds: [{ description: 'd'.repeat(4000) }, { description: 'd'.repeat(2001) }] },
      ['embeds'],
    ],
    [
      '6 action rows',
      {
        components: Array.from({ length: 6 }, (_, i) => ({
          type: 1,
          components: [{ type: 2, style: 1, custom_id: `b${i}`, label: 'x' }],
        })),
      },
      ['components'],
    ],
    [
      '6 buttons in a row',
      {
        components: [
          { type: 1, components: Array.from({ length: 6 }, (_, i) => ({ type: 2, style: 1, custom_id: `b${i}` })) },
        ],
      },
      ['components.0.components'],
    ],
    [
      'long button label',
      { components: [{ type: 1, components: [{ type: 2, style: 1, custom_id: 'a', label: 'l'.repeat(81) }] }] },
      ['components.0.components.0.label'],
    ],
    [
      'empty custom_id',
      { components: [{ type: 1, components: [{ type: 2, style: 1, custom_id: '' }] }] },
      ['components.0.components.0.custom_id'],
    ],
    [
      'duplicate custom_id',
      {
        components: [
          {
            type: 1,
            components: [
              { type: 2, style: 1, custom_id: 'a' },
              { type: 2, style: 1, custom_id: 'a' },
            ],
          },
        ],
      },
      ['components'],
    ],
    [
      '26 select options',
      {
        components: [
          {
            type: 1,
            components: [
              {
                type: 3,
                custom_id: 's',
                options: Array.from({ length: 26 }, (_, i) => ({ label: `${i}`, value: `${i}` })),
              },
            ],
          },
        ],
      },
      ['components.0.components.0.options'],
    ],
    [
      'long poll question',
      { poll: { question: { text: 'q'.repeat(301) }, answers: [{ poll_media: { text: 'a' } }] } },
      ['poll.question.text'],
    ],
    [
      '11 poll answers',
      { poll: { question: { text: 'q' }, answers: Array.from({ length: 11 }, () => ({ poll_media: { text: 'a' } })) } },
      ['poll.answers'],
    ],
    [
      'long poll answer',
      { poll: { question: { text: 'q' }, answers: [{ poll_media: { text: 'a'.repeat(56) } }] } },
      ['poll.answers.0.poll_media.text'],
    ],
    [
      'poll over 32 days',
      { poll: { question: { text: 'q' }, answers: [{ poll_media: { text: 'a' } }], duration: 769 } },
      ['poll.duration'],
    ],
  ])('GIVEN %s THEN checkMessageLimits reports %j', (_name, payload, paths) => {
    expect(checkMessageLimits(payload).map((p) => p.split(': ')[0])).toEqual(paths);
  });

  test.each([
    ['a valid command', { name: 'summary', description: 'A summary' }, []],
    ['upper case', { name: 'Summary', description: 'd' }, ['name']],
    ['a space', { name: 'my summary', description: 'd' }, ['name']],
    ['33 characters', { name: 'a'.repeat(33), description: 'd' }, ['name']],
    ['an empty description', { name: 'summary', description: '' }, ['description']],
    [
      '26 options',
      {
        name: 's',
        description: 'd',
        options: Array.from({ length: 26 }, (_, i) => ({ type: 3, name: `o${i}`, description: 'd' })),
      },
      ['options'],
    ],
    [
      '26 choices',
      {
        name: 's',
        description: 'd',
        options: [
          {
            type: 3,
            name: 'o',
            description: 'd',
            choices: Array.from({ length: 26 }, (_, i) => ({ name: `${i}`, value: `${i}` })),
          },
        ],
      },
      ['options.0.choices'],
    ],
    [
      'a required option after an optional one',
      {
        name: 's',
        description: 'd',
        options: [
          { type: 3, name: 'a', description: 'd' },
          { type: 3, name: 'b', description: 'd', required: true },
        ],
      },
      ['options.1.required'],
    ],
    ['a Devanagari name', { name: 'सारांश', description: 'd' }, []],
  ])('GIVEN %s THEN checkCommandLimits reports %j', (_name, def, paths) => {
    expect(checkCommandLimits(def).map((p) => p.split(': ')[0])).toEqual(paths);
  });

  it('checks autocomplete choices', () => {
    expect(checkAutocompleteLimits(Array.from({ length: 26 }, (_, i) => ({ name: `${i}`, value: i })))).toHaveLength(1);
    expect(checkAutocompleteLimits([{ name: '', value: 'x' }])).toHaveLength(1);
  });

  it('nests problems into the errors tree of a 50035 answer', () => {
    expect(errorTree(['embeds.0.title: too long'])).toEqual({
      embeds: { 0: { title: { _errors: [{ code: 'BASE_TYPE_INVALID', message: 'too long' }] } } },
    });
  });
});
