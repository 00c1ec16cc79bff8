import {
  type APIRole,
  type APITextChannel,
  type APIUser,
  ChannelType,
  PermissionFlagsBits,
} from 'discord-api-types/v10';
import { NO_FLAGS, type World } from './world.js';

/** A user of the local Discord, as tests refer to them. */
export interface LocalUser {
  readonly id: string;
  readonly username: string;
  readonly globalName: string;
}

/** The default guild every local Discord starts with. */
export interface LocalGuild {
  readonly id: string;
  readonly name: string;
  readonly generalChannelId: string;
  readonly everyoneRoleId: string;
  readonly teacherRoleId: string;
  readonly botRoleId: string;
}

export const DEFAULT_USER_NAMES = ['owner', 'teacher', 'student1', 'student2', 'student3'] as const;
export type DefaultUserName = (typeof DEFAULT_USER_NAMES)[number];

/** What @everyone may do on a fresh community server. */
export const EVERYONE_PERMISSIONS =
  PermissionFlagsBits.CreateInstantInvite |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.Connect |
  PermissionFlagsBits.Speak |
  PermissionFlagsBits.ChangeNickname |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.SendPolls;

/** What the bot's managed role grants when invited with the usual scopes. */
export const DEFAULT_BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.ManageThreads |
  PermissionFlagsBits.SendPolls |
  PermissionFlagsBits.UseApplicationCommands;

// Fixed ids keep failures readable and runs comparable.
const GUILD_ID = '1200000000000000100';
const GENERAL_ID = '1200000000000000200';
const TEACHER_ROLE_ID = '1200000000000000301';
const BOT_ROLE_ID = '1200000000000000302';
const FIRST_USER_ID = 1200000000000000401n;
const JOINED_AT = '2024-09-01T08:00:00.000Z';

export function role(id: string, name: string, permissions: bigint, position: number, botId?: string): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    position,
    permissions: permissions.toString(),
    managed: botId !== undefined,
    mentionable: false,
    flags: NO_FLAGS,
    ...(botId !== undefined ? { tags: { bot_id: botId } } : {}),
  };
}

export function toLocalUser(user: APIUser): LocalUser {
  return { id: user.id, username: user.username, globalName: user.global_name ?? user.username };
}

/** Seeds the world with the default guild, its #general channel, roles and users. */
export function seedDefaultGuild(
  world: World,
  botPermissions: bigint,
): { guild: LocalGuild; users: Record<DefaultUserName, LocalUser> } {
  const users = {} as Record<DefaultUserName, LocalUser>;
  DEFAULT_USER_NAMES.forEach((name, i) => {
    const id = (FIRST_USER_ID + BigInt(i)).toString();
    const displayName = name.replace(/^\w/, (c) => c.toUpperCase()).replace(/(\d)$/, ' $1');
    const user: APIUser = { id, username: name, global_name: displayName, discriminator: '0', avatar: null };
    world.users.set(id, user);
    users[name] = toLocalUser(user);
  });
  const guild = seedGuild(world, {
    id: GUILD_ID,
    name: 'Roundtable Class',
    generalChannelId: GENERAL_ID,
    everyoneRoleId: GUILD_ID,
    teacherRoleId: TEACHER_ROLE_ID,
    botRoleId: BOT_ROLE_ID,
    ownerId: users.owner.id,
    members: Object.values(users).map((u) => u.id),
    teacherId: users.teacher.id,
    botPermissions,
  });
  return { guild, users };
}

/**
 * Adds a guild shaped like the default one: #general, @everyone, a Teacher role (Manage Server) held
 * by `teacherId`, the bot's managed role, the given members and the bot.
 */
export function seedGuild(
  world: World,
  spec: LocalGuild & { ownerId: string; members: readonly string[]; teacherId: string | null; botPermissions: bigint },
): LocalGuild {
  const { id, generalChannelId } = spec;
  world.channels.set(
    generalChannelId,
    textChannel({ id: generalChannelId, guildId: id, name: 'general', position: 0 }),
  );
  const members = new Map<string, { roles: string[]; joinedAt: string; nick: string | null }>();
  for (const userId of spec.members) {
    members.set(userId, {
      roles: userId === spec.teacherId ? [spec.teacherRoleId] : [],
      joinedAt: JOINED_AT,
      nick: null,
    });
  }
  members.set(world.botUser.id, { roles: [spec.botRoleId], joinedAt: JOINED_AT, nick: null });
  world.guilds.set(id, {
    id,
    name: spec.name,
    ownerId: spec.ownerId,
    roles: [
      role(id, '@everyone', EVERYONE_PERMISSIONS, 0),
      role(spec.teacherRoleId, 'Teacher', PermissionFlagsBits.ManageGuild, 1),
      role(spec.botRoleId, world.botUser.username, spec.botPermissions, 2, world.botUser.id),
    ],
    channelIds: [generalChannelId],
    members,
  });
  return {
    id,
    name: spec.name,
    generalChannelId,
    everyoneRoleId: id,
    teacherRoleId: spec.teacherRoleId,
    botRoleId: spec.botRoleId,
  };
}

/** A plain text channel of the guild, as Discord describes a new one. */
export function textChannel(at: { id: string; guildId: string; name: string; position: number }): APITextChannel {
  return {
    id: at.id,
    type: ChannelType.GuildText,
    guild_id: at.guildId,
    name: at.name,
    position: at.position,
    parent_id: null,
    topic: null,
    nsfw: false,
    rate_limit_per_user: 0,
    last_message_id: null,
    permission_overwrites: [],
    flags: NO_FLAGS,
  };
}
