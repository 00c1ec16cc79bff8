import { once } from 'node:events';
import { REST } from '@discordjs/rest';
import { Client, Events, GatewayIntentBits, type Interaction, Routes, Status } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { type LocalDiscord, type LocalDiscordOptions, shardOf, startLocalDiscord } from '../src/index.js';

/** A discord.js client that answers /ping and records what it received. */
interface TestBot {
  client: Client;
  name: string;
  interactions: string[];
  messages: string[];
  guildCreates: string[];
}

const gatewayBotSchema = z.object({
  url: z.string(),
  shards: z.number(),
  session_start_limit: z.object({ max_concurrency: z.number() }),
});

describe('local Discord gateway sessions and shards', () => {
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(options: LocalDiscordOptions = {}): Promise<LocalDiscord> {
    const discord = await startLocalDiscord({ timeoutMs: 5000, ...options });
    cleanups.push(() => discord.close());
    const rest = new REST({ api: discord.apiUrl }).setToken(discord.token);
    await rest.put(Routes.applicationCommands(discord.applicationId), {
      body: [{ name: 'ping', description: 'Replies with the name of the process that answered' }],
    });
    return discord;
  }

  async function connect(
    discord: LocalDiscord,
    name: string,
    sharding: { shards?: number | number[] | 'auto'; shardCount?: number } = {},
  ): Promise<TestBot> {
    const client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
      rest: { api: discord.apiUrl },
      ...sharding,
    });
    const bot: TestBot = { client, name, interactions: [], messages: [], guildCreates: [] };
    client.on(Events.InteractionCreate, async (interaction: Interaction) => {
      bot.interactions.push(interaction.id);
      if (interaction.isChatInputCommand()) await interaction.reply({ content: `answered by ${name}` });
    });
    client.on(Events.MessageCreate, (message) => {
      if (!message.author.bot) bot.messages.push(message.guildId ?? 'dm');
    });
    client.on(Events.GuildCreate, (guild) => {
      bot.guildCreates.push(guild.id);
    });
    const ready = once(client, Events.ClientReady);
    await client.login(discord.token);
    await ready;
    cleanups.push(async () => {
      await client.destroy();
    });
    return bot;
  }

  it('recommends the configured shard count in GET /gateway/bot', async () => {
    const discord = await start({ recommendedShards: 3, maxConcurrency: 2 });
    const rest = new REST({ api: discord.apiUrl }).setToken(discord.token);
    const body = gatewayBotSchema.parse(await rest.get(Routes.gatewayBot()));
    expect(body).toMatchObject({ shards: 3, session_start_limit: { max_concurrency: 2 } });
    discord.recommendedShards = 4;
    expect(gatewayBotSchema.parse(await rest.get(Routes.gatewayBot())).shards).toBe(4);
    expect((await start()).recommendedShards).toBe(1);
  });

  it("routes each guild's events to the session of its shard only", async () => {
    const discord = await start();
    const other = discord.addGuild({ name: 'Second', shard: [0, 2] });
    expect(shardOf(other.id, 2)).toBe(0);
    expect(shardOf(discord.guild.id, 2)).toBe(1);
    expect(discord.guilds.map((g) => g.id)).toEqual([discord.guild.id, other.id]);

    const zero = await connect(discord, 'zero', { shards: [0], shardCount: 2 });
    const one = await connect(discord, 'one', { shards: [1], shardCount: 2 });
    expect([...zero.client.guilds.cache.keys()]).toEqual([other.id]);
    expect([...one.client.guilds.cache.keys()]).toEqual([discord.guild.id]);
    expect(discord.identifies.map((i) => i.shard)).toEqual([
      [0, 2],
      [1, 2],
    ]);

    const inOther = await discord
      .slash(discord.users.student1, 'ping', {}, { channelId: other.generalChannelId })
      .reply();
    expect(inOther.content).toBe('answered by zero');
    const inDefault = await discord.slash(discord.users.student1, 'ping').reply();
    expect(inDefault.content).toBe('answered by one');
    expect(zero.interactions).toHaveLength(1);
    expect(one.interactions).toHaveLength(1);

    discord.postUserMessage(discord.users.student2, other.generalChannelId, 'hello second');
    discord.postUserMessage(discord.users.student2, discord.guild.generalChannelId, 'hello first');
    await discord.waitFor(() => zero.messages.length === 1 && one.messages.length === 1);
    expect(zero.messages).toEqual([other.id]);
    expect(one.messages).toEqual([discord.guild.id]);

    // A guild the bot joins later is announced to its shard's session only.
    const third = discord.addGuild({ name: 'Third', shard: [1, 2] });
    await discord.waitFor(() => one.guildCreates.includes(third.id));
    expect(zero.guildCreates).not.toContain(third.id);
    expect(one.client.guilds.cache.get(third.id)?.name).toBe('Third');
    const channel = discord.addChannel('quiz', third.id);
    expect((await discord.slash(discord.users.teacher, 'ping', {}, { channelId: channel }).reply()).content).toBe(
      'answered by one',
    );
    expect(discord.violations).toEqual([]);
  });

  it('serves every shard to one client that asks for the recommended count', async () => {
    const discord = await start({ recommendedShards: 2, maxConcurrency: 2 });
    const other = discord.addGuild({ shard: [0, 2] });
    const bot = await connect(discord, 'auto', { shards: 'auto' });
    expect(discord.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect([...bot.client.guilds.cache.keys()].sort()).toEqual([discord.guild.id, other.id].sort());
    expect(bot.client.guilds.cache.get(other.id)?.shardId).toBe(0);
    expect(bot.client.guilds.cache.get(discord.guild.id)?.shardId).toBe(1);
  });

  it('sends events of a shard only to its newest session during a handover, the older one staying connected', async () => {
    const discord = await start();
    const old = await connect(discord, 'old');
    expect((await discord.slash(discord.users.student1, 'ping').reply()).content).toBe('answered by old');

    const next = await connect(discord, 'new');
    const clicks = [discord.slash(discord.users.student1, 'ping'), discord.slash(discord.users.student2, 'ping')];
    for (const handle of clicks) expect((await handle.reply()).content).toBe('answered by new');
    discord.postUserMessage(discord.users.student3, discord.guild.generalChannelId, 'during the handover');
    await discord.waitFor(() => next.messages.length === 1);
    expect(old.interactions).toHaveLength(1);
    expect(old.messages).toEqual([]);

    const [oldSession, newSession] = discord.sessions;
    expect(oldSession).toMatchObject({ shard: [0, 1], connected: true });
    expect(newSession).toMatchObject({ shard: [0, 1], connected: true });
    expect(oldSession?.received.INTERACTION_CREATE).toBe(1);
    expect(newSession?.received.INTERACTION_CREATE).toBe(2);
    // The older session still heartbeats and stays ready.
    expect(old.client.ws.status).toBe(Status.Ready);

    // Once the newer process is gone, the older session is the newest again.
    await next.client.destroy();
    await discord.waitFor(() => discord.sessions.length === 1);
    expect((await discord.slash(discord.users.student1, 'ping').reply()).content).toBe('answered by old');
  });

  it('with two shards, hands over one shard to its newest session while the other shard is untouched', async () => {
    const discord = await start();
    const other = discord.addGuild({ name: 'Second', shard: [0, 2] });
    const zero = await connect(discord, 'zero', { shards: [0], shardCount: 2 });
    const oldOne = await connect(discord, 'one-old', { shards: [1], shardCount: 2 });
    const newOne = await connect(discord, 'one-new', { shards: [1], shardCount: 2 });
    // The newer session of shard 1 was told of its guild too.
    expect([...newOne.client.guilds.cache.keys()]).toEqual([discord.guild.id]);

    expect((await discord.slash(discord.users.student1, 'ping').reply()).content).toBe('answered by one-new');
    const inOther = await discord
      .slash(discord.users.student1, 'ping', {}, { channelId: other.generalChannelId })
      .reply();
    expect(inOther.content).toBe('answered by zero');
    discord.postUserMessage(discord.users.student2, discord.guild.generalChannelId, 'to shard 1');
    await discord.waitFor(() => newOne.messages.length === 1);
    expect(oldOne.interactions).toEqual([]);
    expect(oldOne.messages).toEqual([]);
    expect(zero.interactions).toHaveLength(1);

    // The newest session of shard 1 goes away: its older one gets the events again; shard 0 is unaffected.
    await newOne.client.destroy();
    await discord.waitFor(() => discord.sessions.filter((s) => s.shard[0] === 1).length === 1);
    expect((await discord.slash(discord.users.student3, 'ping').reply()).content).toBe('answered by one-old');
    expect(discord.sessions.filter((s) => s.shard[0] === 0)).toHaveLength(1);
    expect(discord.violations).toEqual([]);
  });

  it('closes with 4010 for a shard id outside the count', async () => {
    const discord = await start();
    const ws = new WebSocket(`${discord.gatewayUrl}?v=10&encoding=json`);
    await once(ws, 'open');
    const closed = once(ws, 'close').then(([code]) => Number(code));
    ws.send(JSON.stringify({ op: 2, d: { token: discord.token, intents: 1, properties: {}, shard: [2, 2] } }));
    expect(await closed).toBe(4010);
    expect(discord.sessions).toEqual([]);
  });
});
