import { Client, Events, GatewayIntentBits, Options } from 'discord.js';
import type { Catalogue } from '../content/catalogue.js';
import type { Logger } from '../core/logger.js';
import { createChannelMessages, interactionWebhookRest } from '../discord-kit/channel-messages.js';
import { syncCommands } from '../discord-kit/command-sync.js';
import { createHomeworkRuntime } from '../features/homework/runtime.js';
import { createQuizRuntime } from '../features/quiz/runtime.js';
import { createSessionDiscord, createSessionRuntime } from '../features/session/runtime.js';
import { createChannelActivity } from '../features/settings/channel-activity.js';
import type { GuildStore } from '../store/index.js';
import type { CommandModule, Deps } from './command.js';
import { createRouter } from './router.js';

export interface BotOptions {
  token: string;
  apiUrl: string;
  commands: readonly CommandModule[];
  catalogue: Catalogue;
  store: GuildStore;
  logger: Logger;
  now?: () => number;
  /** The one shard this process runs, with the total; unset: every shard discord.js is told of (one by default). */
  shard?: { readonly id: number; readonly count: number };
  /** False where the command list is registered once for all shards (by the shard manager or `npm run deploy`). */
  registerCommands?: boolean;
}

export interface Bot {
  readonly client: Client<true>;
  /** Stops taking interactions, finishes those in flight, then disconnects (the store is the caller's). */
  stop(): Promise<void>;
  /** Resolves once no interaction is being handled and no round, session or homework card has work queued, in flight or waiting to be retried. */
  idle(): Promise<void>;
}

/** No privileged intent: guild messages are counted by author, their content is never read. */
export const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages];

export async function startBot(options: BotOptions): Promise<Bot> {
  const { logger } = options;
  const client = new Client({
    intents: INTENTS,
    rest: { api: options.apiUrl },
    // Given explicitly, so the client never falls back on SHARDS/SHARD_COUNT of its environment.
    ...(options.shard ? { shards: [options.shard.id], shardCount: options.shard.count } : {}),
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      // Nothing reads cached messages (sessions count messages from the event itself), and caching
      // every public reply the bot sees cost more than answering the interaction at 1,000/s.
      MessageManager: 0,
      // Everything about a user the bot needs comes with the interaction: kept, every student who
      // ever clicked and one member per server stayed in memory (megabytes at 10,000 servers).
      UserManager: { maxSize: 0, keepOverLimit: (user) => user.id === user.client.user.id },
      GuildMemberManager: 0,
      // Never read: no voice, presences, emoji, stickers, bans, invites, events or reactions.
      PresenceManager: 0,
      VoiceStateManager: 0,
      GuildEmojiManager: 0,
      BaseGuildEmojiManager: 0,
      GuildStickerManager: 0,
      GuildBanManager: 0,
      GuildInviteManager: 0,
      GuildScheduledEventManager: 0,
      StageInstanceManager: 0,
      AutoModerationRuleManager: 0,
      ReactionManager: 0,
      ReactionUserManager: 0,
      ThreadMemberManager: 0,
    }),
  });
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn({ message }, 'discord client warning'));
  client.on(Events.ShardDisconnect, (_event, shard) => logger.warn({ shard }, 'gateway disconnected'));

  const ready = new Promise<Client<true>>((resolve) => client.once(Events.ClientReady, resolve));
  await client.login(options.token);
  const readyClient = await ready;

  const now = options.now ?? Date.now;
  const messages = createChannelMessages(readyClient.rest, interactionWebhookRest(options.apiUrl));
  const quiz = createQuizRuntime({ store: options.store, catalogue: options.catalogue, messages, logger, now });
  const sessions = createSessionRuntime({
    store: options.store,
    catalogue: options.catalogue,
    messages,
    discord: createSessionDiscord(readyClient.rest),
    logger,
    now,
  });
  const homework = createHomeworkRuntime({ store: options.store, catalogue: options.catalogue, messages, logger, now });
  const deps: Deps = {
    catalogue: options.catalogue,
    store: options.store,
    logger,
    now,
    quiz,
    sessions,
    homework,
    channels: createChannelActivity({
      store: options.store,
      now,
      isActive: {
        quiz: async (guildId, channelId) => (await quiz.activeRound(guildId, channelId)) !== null,
        session: async (guildId, channelId) => (await sessions.activeSession(guildId, channelId)) !== null,
      },
    }),
  };
  // Rounds, sessions and homework cards whose step failed while the store was down go on as soon as it is back.
  options.store.onAvailable(() => {
    quiz.retryNow();
    sessions.retryNow();
    homework.retryNow();
  });
  const router = createRouter(options.commands, deps);
  readyClient.on(Events.InteractionCreate, (interaction) => router.handle(interaction));
  // Counted by author only: the content is never read (no MessageContent intent).
  readyClient.on(Events.MessageCreate, (message) => {
    if (!message.inGuild()) return;
    sessions.recordMessage({
      guildId: message.guildId,
      channelId: message.channelId,
      userId: message.author.id,
      displayName: message.member?.displayName ?? message.author.displayName,
      isBot: message.author.bot || message.system,
    });
  });
  if (options.registerCommands ?? true) {
    await syncCommands(
      readyClient.rest,
      readyClient.application.id,
      options.commands.map((c) => c.data),
      logger,
    );
  }
  // The servers of this process's shards: Discord announced each of them (GUILD_CREATE) before ready.
  const owns = (guildId: string) => readyClient.guilds.cache.has(guildId);
  const rounds = await quiz.resume(owns);
  const discussions = await sessions.resume(owns);
  const assignments = await homework.resume(owns);
  logger.info(
    { user: readyClient.user.tag, guilds: readyClient.guilds.cache.size, rounds, discussions, assignments },
    'ready',
  );

  return {
    client: readyClient,
    async idle() {
      // A handler that deferred first is still at work after its acknowledgement.
      await router.settled();
      await Promise.all([quiz.idle(), sessions.idle(), homework.idle()]);
    },
    async stop() {
      await router.drain();
      await quiz.shutdown();
      await sessions.shutdown();
      await homework.shutdown();
      await readyClient.destroy();
    },
  };
}
