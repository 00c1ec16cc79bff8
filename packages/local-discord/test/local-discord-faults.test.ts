import { once } from 'node:events';
import { REST } from '@discordjs/rest';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  HTTPError,
  type Interaction,
  type Message,
  MessageFlags,
  Routes,
  SnowflakeUtil,
  type TextChannel,
} from 'discord.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type LocalDiscord, startLocalDiscord } from '../src/index.js';

/** What the test bot saw of each interaction. */
interface Seen {
  interactions: { id: string; createdTimestamp: number; receivedAt: number }[];
  deleted: string[];
  errors: unknown[];
}

const errorBodySchema = z.object({ message: z.string(), code: z.number() });
const rateLimitBodySchema = z.object({ message: z.string(), retry_after: z.number(), global: z.boolean() });

describe('local Discord faults, deletions and interaction timing, with a real discord.js client', () => {
  let discord: LocalDiscord;
  let client: Client;
  let general: TextChannel;
  const seen: Seen = { interactions: [], deleted: [], errors: [] };
  /** Posts the message with a button the timing tests click. */
  let buttonMessage: () => Promise<Message>;

  beforeAll(async () => {
    discord = await startLocalDiscord({ timeoutMs: 3000 });
    const rest = new REST({ api: discord.apiUrl }).setToken(discord.token);
    await rest.put(Routes.applicationGuildCommands(discord.applicationId, discord.guild.id), {
      body: [
        { name: 'ping', description: 'Replies' },
        { name: 'edit', description: 'Defers, then edits the reply' },
      ],
    });
    client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
      rest: { api: discord.apiUrl },
    });
    client.on(Events.MessageDelete, (message) => {
      seen.deleted.push(message.id);
    });
    client.on(Events.InteractionCreate, async (interaction: Interaction) => {
      seen.interactions.push({
        id: interaction.id,
        createdTimestamp: interaction.createdTimestamp,
        receivedAt: Date.now(),
      });
      try {
        if (interaction.isButton()) await interaction.reply({ content: 'counted', flags: MessageFlags.Ephemeral });
        else if (interaction.isChatInputCommand() && interaction.commandName === 'ping') {
          await interaction.reply({ content: 'pong' });
        } else if (interaction.isChatInputCommand() && interaction.commandName === 'edit') {
          await interaction.deferReply();
          await interaction.editReply({ content: 'edited' }).catch(async (error: unknown) => {
            seen.errors.push(error);
          });
        }
      } catch (error) {
        seen.errors.push(error);
      }
    });
    const ready = once(client, Events.ClientReady);
    await client.login(discord.token);
    await ready;
    const channel = client.channels.cache.get(discord.guild.generalChannelId);
    if (channel?.type !== 0) throw new Error('#general is not a cached text channel');
    general = channel;
    buttonMessage = () =>
      general.send({
        content: 'answer',
        components: [
          new ActionRowBuilder<ButtonBuilder>().addComponents(
            new ButtonBuilder().setCustomId('a').setLabel('A').setStyle(ButtonStyle.Primary),
          ),
        ],
      });
  });

  afterEach(() => {
    discord.clearFaults();
  });

  afterAll(async () => {
    await client?.destroy();
    await discord?.close();
  });

  describe('fault injection', () => {
    const messagesRoute = /^\/channels\/\d+\/messages$/;

    it('absorbs three 500s: discord.js retries them itself and the call succeeds', async () => {
      const before = discord.requests.length;
      const fault = discord.failRequests({ method: 'POST', path: messagesRoute, status: 500, times: 3 });
      expect(fault.remaining).toBe(3);
      const sent = await general.send('after three failures');
      expect(sent.content).toBe('after three failures');
      expect(fault.remaining).toBe(0);
      const posts = discord.requests.slice(before).filter((r) => r.method === 'POST');
      expect(posts.map((r) => [r.status, r.injected])).toEqual([
        [500, true],
        [500, true],
        [500, true],
        [200, false],
      ]);
      expect(fault.hits).toHaveLength(3);
      expect(posts[0]?.body).toEqual(expect.objectContaining({ content: 'after three failures' }));
    });

    it('fails a call with four 5xx in a row (HTTPError), then lets the next through', async () => {
      const fault = discord.failRequests({ path: '/channels/:channel/messages', status: 503, times: 4 });
      const failed = await general.send('lost').catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(HTTPError);
      expect(failed).toMatchObject({ status: 503 });
      expect(fault.remaining).toBe(0);
      expect((await general.send('through')).content).toBe('through');
      expect(discord.channelMessages().map((m) => m.content)).not.toContain('lost');
      expect(discord.violations).toEqual([]);
    });

    it('keeps an outage up until cleared, only on the matching method', async () => {
      const outage = discord.failRequestsUntilCleared({ method: 'POST', path: messagesRoute, status: 502 });
      await expect(general.send('one')).rejects.toBeInstanceOf(HTTPError);
      await expect(general.send('two')).rejects.toBeInstanceOf(HTTPError);
      expect(outage.remaining).toBe(Number.POSITIVE_INFINITY);
      expect(outage.hits).toHaveLength(8);
      // GET on the same path is not affected.
      expect((await general.messages.fetch({ limit: 1 })).size).toBe(1);
      outage.clear();
      expect(outage.remaining).toBe(0);
      expect((await general.send('three')).content).toBe('three');
    });

    it('answers 5xx and 429 with Discord-shaped bodies and rate-limit headers', async () => {
      const url = `${discord.apiUrl}/v10/channels/${discord.guild.generalChannelId}/messages`;
      const init = {
        method: 'POST',
        headers: { authorization: `Bot ${discord.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'raw' }),
      };
      discord.failRequests({ path: messagesRoute, status: 500 });
      const server = await fetch(url, init);
      expect(server.status).toBe(500);
      expect(errorBodySchema.parse(await server.json())).toEqual({ message: '500: Internal Server Error', code: 0 });

      discord.failRequests({ path: messagesRoute, status: 429, retryAfter: 0.25 });
      const limited = await fetch(url, init);
      expect(limited.status).toBe(429);
      expect(rateLimitBodySchema.parse(await limited.json())).toEqual({
        message: 'You are being rate limited.',
        retry_after: 0.25,
        global: false,
      });
      expect(limited.headers.get('retry-after')).toBe('0.25');
      expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(limited.headers.get('x-ratelimit-reset-after')).toBe('0.250');
      expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
      expect(limited.headers.get('x-ratelimit-bucket')).toMatch(/^local[0-9a-f]{8}$/);
      expect(limited.headers.has('x-ratelimit-global')).toBe(false);
      expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
      const after = await fetch(url, init);
      expect(after.status).toBe(200);
    });

    it('delays a call on 429: discord.js waits retry-after and tries again', async () => {
      const fault = discord.failRequests({
        method: 'POST',
        path: messagesRoute,
        status: 429,
        times: 2,
        retryAfter: 0.1,
      });
      const started = Date.now();
      const sent = await general.send('after waiting');
      expect(sent.content).toBe('after waiting');
      expect(Date.now() - started).toBeGreaterThanOrEqual(180);
      expect(fault.hits.map((r) => r.status)).toEqual([429, 429]);
    });

    it('matches a RegExp against the decoded path too (@original), failing editReply', async () => {
      discord.failRequests({ method: 'PATCH', path: /\/messages\/@original$/, status: 500, times: 4 });
      const handle = discord.slash(discord.users.student1, 'edit');
      await handle.ack();
      const error = await discord.waitFor(() => seen.errors.find((e) => e instanceof HTTPError));
      expect(error).toMatchObject({ status: 500 });
      expect(handle.original?.loading).toBe(true);
      seen.errors.splice(0);
    });
  });

  describe('a moderator deleting a message', () => {
    it('removes it, tells the bot, and answers 404 10008 to GET, PATCH and DELETE without a violation', async () => {
      const message = await general.send('question 1');
      discord.deleteMessage(message.id);
      await discord.waitFor(() => seen.deleted.includes(message.id));
      expect(discord.channelMessages().map((m) => m.id)).not.toContain(message.id);
      expect(discord.message(message.id)?.deleted).toBe(true);
      expect(() => discord.deleteMessage(message.id)).toThrow(/unknown message/);

      const edit = await message.edit('revealed').catch((e: unknown) => e);
      expect(edit).toBeInstanceOf(DiscordAPIError);
      expect(edit).toMatchObject({ status: 404, code: 10008, message: 'Unknown Message' });
      await expect(general.messages.fetch({ message: message.id, force: true })).rejects.toMatchObject({
        code: 10008,
      });
      await expect(message.delete()).rejects.toMatchObject({ code: 10008 });
      expect(discord.violations).toEqual([]);
    });

    it('already answers PATCH on a message that never existed with 404 10008 (a violation: the bot made it up)', async () => {
      const rest = new REST({ api: discord.apiUrl }).setToken(discord.token);
      await expect(
        rest.patch(Routes.channelMessage(discord.guild.generalChannelId, '1200000000000009999'), {
          body: { content: 'x' },
        }),
      ).rejects.toMatchObject({ status: 404, code: 10008 });
      expect(discord.takeViolations().map((v) => v.kind)).toEqual(['unknown-message']);
    });

    it('makes an interaction reply deleted by a moderator unknown to its webhook', async () => {
      const handle = discord.slash(discord.users.student2, 'ping');
      const reply = await handle.reply();
      discord.deleteMessage(reply.id);
      const rest = new REST({ api: discord.apiUrl }).setToken(discord.token);
      await expect(
        rest.patch(Routes.webhookMessage(discord.applicationId, handle.record.token, '@original'), {
          body: { content: 'edited' },
          auth: false,
        }),
      ).rejects.toMatchObject({ status: 404, code: 10008 });
      expect(discord.violations).toEqual([]);
    });
  });

  describe('interaction timing', () => {
    it('creates an interaction whose snowflake carries an earlier time, and its token still works', async () => {
      const message = await buttonMessage();
      const clickedAt = Date.now() - 5_000;
      const handle = discord.click(discord.users.student1, message.id, 'a', { createdAt: clickedAt });
      expect(handle.createdAt).toBe(clickedAt);
      expect(SnowflakeUtil.timestampFrom(handle.id)).toBe(clickedAt);
      const reply = await handle.reply();
      expect(reply).toMatchObject({ content: 'counted', ephemeral: true });
      const bot = seen.interactions.find((i) => i.id === handle.id);
      expect(bot?.createdTimestamp).toBe(clickedAt);

      // Two clicks at the same past millisecond get distinct ids, both carrying that time.
      const first = discord.clickAt(clickedAt, discord.users.student2, message.id, 'a');
      const second = discord.clickAt(clickedAt, discord.users.student3, message.id, 'a');
      expect(first.id).not.toBe(second.id);
      expect([first.createdAt, second.createdAt]).toEqual([clickedAt, clickedAt]);
      await Promise.all([first.reply(), second.reply()]);

      const slash = discord.slash(discord.users.student1, 'ping', {}, { createdAt: clickedAt - 1000 });
      expect(SnowflakeUtil.timestampFrom(slash.id)).toBe(clickedAt - 1000);
      expect((await slash.reply()).content).toBe('pong');
    });

    it('holds an interaction until deliver(), with the deadline counted from delivery', async () => {
      const message = await buttonMessage();
      const handle = discord.click(discord.users.student1, message.id, 'a', {
        createdAt: Date.now() - 10_000,
        hold: true,
      });
      expect(handle.delivered).toBe(false);
      expect(handle.dispatchedAt).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen.interactions.some((i) => i.id === handle.id)).toBe(false);
      handle.deliver();
      handle.deliver();
      expect(handle.delivered).toBe(true);
      expect((await handle.reply()).content).toBe('counted');
      expect(seen.interactions.filter((i) => i.id === handle.id)).toHaveLength(1);
    });

    it('delays delivery by delayMs', async () => {
      const message = await buttonMessage();
      const clicked = Date.now();
      const handle = discord.click(discord.users.student2, message.id, 'a', { delayMs: 200 });
      expect(handle.delivered).toBe(false);
      await handle.reply();
      const bot = seen.interactions.find((i) => i.id === handle.id);
      expect((bot?.receivedAt ?? 0) - clicked).toBeGreaterThanOrEqual(190);
      // The id carries the time of the click, not of the delivery.
      expect((bot?.receivedAt ?? 0) - handle.createdAt).toBeGreaterThanOrEqual(190);
      expect(handle.createdAt).toBeGreaterThanOrEqual(clicked);
    });

    it('tells when the interaction was dispatched and when its callback arrived', async () => {
      const handle = discord.slash(discord.users.student3, 'ping');
      expect(handle.dispatchedAt).toEqual(expect.any(Number));
      expect(handle.ackedAt).toBeNull();
      expect(handle.ackLatencyMs).toBeNull();
      await handle.ack();
      expect(handle.ackedAt).toBeGreaterThanOrEqual(handle.dispatchedAt ?? Number.POSITIVE_INFINITY);
      expect(handle.ackLatencyMs).toBeGreaterThanOrEqual(0);
      expect(handle.ackLatencyMs).toBeLessThan(3000);
    });
  });

  it('saw no unknown routes, no violations and no unexpected handler errors', () => {
    expect(discord.unknownRoutes).toEqual([]);
    expect(discord.violations).toEqual([]);
    expect(seen.errors).toEqual([]);
  });
});
