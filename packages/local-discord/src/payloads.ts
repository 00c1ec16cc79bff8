import {
  type APIApplication,
  type APIGuild,
  type APITextChannel,
  type APIThreadChannel,
  ChannelType,
  type GatewayGuildCreateDispatchData,
  GatewayIntentBits,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildVerificationLevel,
  Locale,
  OAuth2Scopes,
} from 'discord-api-types/v10';
import { DEFAULT_BOT_PERMISSIONS } from './fixtures.js';
import { type GuildState, NO_FLAGS, type World } from './world.js';

export function applicationPayload(world: World, privilegedIntents: number): APIApplication {
  // Application flags that say which privileged intents are switched on in the portal.
  const members = (privilegedIntents & GatewayIntentBits.GuildMembers) !== 0 ? 1 << 15 : 0;
  const content = (privilegedIntents & GatewayIntentBits.MessageContent) !== 0 ? 1 << 19 : 0;
  const presences = (privilegedIntents & GatewayIntentBits.GuildPresences) !== 0 ? 1 << 13 : 0;
  const flags = members | content | presences;
  return {
    id: world.options.applicationId,
    name: world.options.applicationName,
    icon: null,
    description: 'A bot running against the local Discord double.',
    summary: '',
    bot_public: false,
    bot_require_code_grant: false,
    bot: world.botUser,
    verify_key: '0'.repeat(64),
    team: null,
    flags,
    flags_new: flags.toString(),
    install_params: {
      scopes: [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands],
      permissions: DEFAULT_BOT_PERMISSIONS.toString(),
    },
    integration_types_config: { 0: {} },
    approximate_guild_count: world.guilds.size,
  };
}

export function guildPayload(guild: GuildState): APIGuild {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.Low,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.AllMembers,
    roles: guild.roles,
    emojis: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: NO_FLAGS,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: GuildPremiumTier.None,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    stickers: [],
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
  };
}

export function isThread(channel: APITextChannel | APIThreadChannel): channel is APIThreadChannel {
  return channel.type === ChannelType.PublicThread || channel.type === ChannelType.PrivateThread;
}

/**
 * The GUILD_CREATE a bot receives after READY. Like Discord, the member list
 * holds every member only with the privileged GuildMembers intent; otherwise
 * just the bot itself.
 */
export function guildCreatePayload(world: World, guild: GuildState, intents: number): GatewayGuildCreateDispatchData {
  const channels: APITextChannel[] = [];
  const threads: APIThreadChannel[] = [];
  for (const id of guild.channelIds) {
    const channel = world.channels.get(id);
    if (!channel) continue;
    if (isThread(channel)) {
      if (!channel.thread_metadata?.archived) threads.push(channel);
    } else {
      channels.push(channel);
    }
  }
  const allMembers = (intents & GatewayIntentBits.GuildMembers) !== 0;
  const memberIds = allMembers ? [...guild.members.keys()] : [world.botUser.id];
  const botMember = guild.members.get(world.botUser.id);
  return {
    ...guildPayload(guild),
    joined_at: botMember?.joinedAt ?? new Date().toISOString(),
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    voice_states: [],
    members: memberIds.map((id) => world.memberPayload(guild, id)),
    channels,
    threads,
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
