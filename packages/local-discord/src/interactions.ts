import {
  type APIApplicationCommandAutocompleteGuildInteraction,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIApplicationCommandInteractionDataOption,
  type APIAttachment,
  type APIChatInputApplicationCommandGuildInteraction,
  type APIInteractionDataResolved,
  type APIInteractionGuildMember,
  type APIMessageComponentGuildInteraction,
  type APIPartialInteractionGuild,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionContextType,
  InteractionType,
  Locale,
} from 'discord-api-types/v10';
import type { LocalUser } from './fixtures.js';
import type { CommandOptionBody, WireComponent } from './schemas.js';
import type { GuildState, InteractionRecord, StoredCommand, StoredMessage, WireMessage, World } from './world.js';

/** A file a user attaches to an attachment option. */
export interface AttachmentInput {
  filename: string;
  content: string | Buffer;
  contentType?: string;
}

/** What a user can type into an option: text, numbers, booleans, a user, a role or channel id or name, a file. */
export type OptionValue = string | number | boolean | LocalUser | AttachmentInput;

export interface CommandPath {
  subcommand?: string;
  group?: string;
}

type DataOption = APIApplicationCommandInteractionDataOption;
type BasicOption = APIApplicationCommandInteractionDataBasicOption;

/** Fields every guild interaction carries; discord.js throws without several of them. */
function base(world: World, record: InteractionRecord) {
  const guild = world.guilds.get(record.guildId);
  const channel = world.channels.get(record.channelId);
  if (!guild) throw new Error(`unknown guild ${record.guildId}`);
  if (!channel) throw new Error(`unknown channel ${record.channelId}`);
  const member: APIInteractionGuildMember = {
    ...world.memberPayload(guild, record.userId),
    user: userOf(world, record.userId),
    permissions: world.permissionsOf(guild, record.userId).toString(),
  };
  const partialGuild: APIPartialInteractionGuild = { id: guild.id, locale: Locale.EnglishUS, features: [] };
  return {
    id: record.id,
    application_id: world.options.applicationId,
    token: record.token,
    version: 1 as const,
    guild_id: guild.id,
    guild: partialGuild,
    channel,
    channel_id: channel.id,
    member,
    app_permissions: world.permissionsOf(guild, world.botUser.id).toString(),
    locale: Locale.EnglishUS,
    guild_locale: Locale.EnglishUS,
    entitlements: [],
    authorizing_integration_owners: { 0: guild.id },
    context: InteractionContextType.Guild,
    attachment_size_limit: 10 * 1024 * 1024,
  };
}

function userOf(world: World, id: string) {
  const user = world.users.get(id);
  if (!user) throw new Error(`unknown user ${id}`);
  return user;
}

export function chatInputPayload(
  world: World,
  record: InteractionRecord,
  command: StoredCommand,
  values: Record<string, OptionValue>,
  path: CommandPath,
): APIChatInputApplicationCommandGuildInteraction {
  const { options, resolved } = buildOptions(world, record, command, values, path, null);
  return {
    ...base(world, record),
    type: InteractionType.ApplicationCommand,
    data: {
      id: command.id,
      name: command.name,
      type: ApplicationCommandType.ChatInput,
      ...(command.guild_id ? { guild_id: command.guild_id } : {}),
      ...(options.length > 0 ? { options } : {}),
      ...(hasResolved(resolved) ? { resolved } : {}),
    },
  };
}

export function autocompletePayload(
  world: World,
  record: InteractionRecord,
  command: StoredCommand,
  values: Record<string, OptionValue>,
  path: CommandPath,
  focused: { name: string; value: string },
): APIApplicationCommandAutocompleteGuildInteraction {
  const { options } = buildOptions(world, record, command, values, path, focused);
  return {
    ...base(world, record),
    type: InteractionType.ApplicationCommandAutocomplete,
    data: {
      id: command.id,
      name: command.name,
      type: ApplicationCommandType.ChatInput,
      ...(command.guild_id ? { guild_id: command.guild_id } : {}),
      options,
    },
  };
}

export type ComponentInteractionPayload = Omit<APIMessageComponentGuildInteraction, 'message' | 'data'> & {
  message: WireMessage;
  data: { custom_id: string; component_type: number; values?: string[] };
};

export function componentPayload(
  world: World,
  record: InteractionRecord,
  source: StoredMessage,
  component: WireComponent,
  values: string[] | null,
): ComponentInteractionPayload {
  return {
    ...base(world, record),
    type: InteractionType.MessageComponent,
    message: source.message,
    data: {
      custom_id: component.custom_id ?? '',
      component_type: component.type,
      ...(values ? { values } : {}),
    },
  };
}

function hasResolved(resolved: APIInteractionDataResolved): boolean {
  return Object.values(resolved).some((v) => Object.keys(v ?? {}).length > 0);
}

/**
 * Turns what a user typed into the options Discord sends, checked against the
 * registered definition: the Discord client refuses unknown options, missing
 * required ones, values outside the choices and wrongly typed values.
 */
function buildOptions(
  world: World,
  record: InteractionRecord,
  command: StoredCommand,
  values: Record<string, OptionValue>,
  path: CommandPath,
  focused: { name: string; value: string } | null,
): { options: DataOption[]; resolved: APIInteractionDataResolved } {
  const guild = world.guilds.get(record.guildId);
  if (!guild) throw new Error(`unknown guild ${record.guildId}`);
  const resolved: APIInteractionDataResolved = {};
  const defs = command.options ?? [];
  const where = `/${command.name}`;
  const hasNested = defs.some(
    (d) =>
      d.type === ApplicationCommandOptionType.Subcommand || d.type === ApplicationCommandOptionType.SubcommandGroup,
  );
  if (!hasNested) {
    if (path.group || path.subcommand) throw new Error(`${where} has no subcommands`);
    return { options: leafOptions(world, guild, defs, values, resolved, where, focused), resolved };
  }
  if (path.group) {
    const group = defs.find((d) => d.type === ApplicationCommandOptionType.SubcommandGroup && d.name === path.group);
    if (!group) throw new Error(`${where} has no subcommand group ${path.group}`);
    const sub = (group.options ?? []).find((d) => d.name === path.subcommand);
    if (!sub) throw new Error(`${where} ${path.group} has no subcommand ${path.subcommand ?? '(none given)'}`);
    const leaf = leafOptions(
      world,
      guild,
      sub.options ?? [],
      values,
      resolved,
      `${where} ${group.name} ${sub.name}`,
      focused,
    );
    return {
      options: [
        {
          type: ApplicationCommandOptionType.SubcommandGroup,
          name: group.name,
          options: [{ type: ApplicationCommandOptionType.Subcommand, name: sub.name, options: leaf }],
        },
      ],
      resolved,
    };
  }
  const sub = defs.find((d) => d.type === ApplicationCommandOptionType.Subcommand && d.name === path.subcommand);
  if (!sub) throw new Error(`${where} has no subcommand ${path.subcommand ?? '(none given)'}`);
  const leaf = leafOptions(world, guild, sub.options ?? [], values, resolved, `${where} ${sub.name}`, focused);
  return { options: [{ type: ApplicationCommandOptionType.Subcommand, name: sub.name, options: leaf }], resolved };
}

function leafOptions(
  world: World,
  guild: GuildState,
  defs: readonly CommandOptionBody[],
  values: Record<string, OptionValue>,
  resolved: APIInteractionDataResolved,
  where: string,
  focused: { name: string; value: string } | null,
): BasicOption[] {
  for (const name of [...Object.keys(values), ...(focused ? [focused.name] : [])]) {
    if (!defs.some((d) => d.name === name)) throw new Error(`${where} has no option ${name}`);
  }
  const out: BasicOption[] = [];
  for (const def of defs) {
    if (focused?.name === def.name) {
      if (!def.autocomplete) throw new Error(`${where} option ${def.name} has no autocomplete`);
      // The focused value is what the user typed so far, always sent as text.
      out.push({ type: ApplicationCommandOptionType.String, name: def.name, value: focused.value, focused: true });
      continue;
    }
    const value = values[def.name];
    if (value === undefined) {
      if (def.required && !focused) throw new Error(`${where} needs option ${def.name}`);
      continue;
    }
    out.push(toDataOption(world, guild, def, value, resolved, `${where} ${def.name}`));
  }
  return out;
}

function toDataOption(
  world: World,
  guild: GuildState,
  def: CommandOptionBody,
  value: OptionValue,
  resolved: APIInteractionDataResolved,
  where: string,
): BasicOption {
  const name = def.name;
  const checkChoice = (v: string | number) => {
    if (def.choices && def.choices.length > 0 && !def.choices.some((c) => c.value === v)) {
      throw new Error(`${where}: ${JSON.stringify(v)} is not one of the choices`);
    }
  };
  switch (def.type) {
    case ApplicationCommandOptionType.String: {
      if (typeof value !== 'string') throw new Error(`${where} takes text`);
      checkChoice(value);
      if (def.min_length != null && value.length < def.min_length) throw new Error(`${where} is too short`);
      if (def.max_length != null && value.length > def.max_length) throw new Error(`${where} is too long`);
      return { type: ApplicationCommandOptionType.String, name, value };
    }
    case ApplicationCommandOptionType.Integer:
    case ApplicationCommandOptionType.Number: {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${where} takes a number`);
      if (def.type === ApplicationCommandOptionType.Integer && !Number.isInteger(value)) {
        throw new Error(`${where} takes a whole number`);
      }
      checkChoice(value);
      if (def.min_value != null && value < def.min_value) throw new Error(`${where} is below ${def.min_value}`);
      if (def.max_value != null && value > def.max_value) throw new Error(`${where} is above ${def.max_value}`);
      return def.type === ApplicationCommandOptionType.Integer
        ? { type: ApplicationCommandOptionType.Integer, name, value }
        : { type: ApplicationCommandOptionType.Number, name, value };
    }
    case ApplicationCommandOptionType.Boolean:
      if (typeof value !== 'boolean') throw new Error(`${where} takes true or false`);
      return { type: ApplicationCommandOptionType.Boolean, name, value };
    case ApplicationCommandOptionType.User: {
      const id = resolveUser(world, guild, value, where);
      addUser(world, guild, id, resolved);
      return { type: ApplicationCommandOptionType.User, name, value: id };
    }
    case ApplicationCommandOptionType.Role: {
      const id = resolveRole(world, guild, value, resolved, where);
      return { type: ApplicationCommandOptionType.Role, name, value: id };
    }
    case ApplicationCommandOptionType.Mentionable: {
      if (typeof value === 'string' && guild.roles.some((r) => r.id === value || r.name === value)) {
        return {
          type: ApplicationCommandOptionType.Mentionable,
          name,
          value: resolveRole(world, guild, value, resolved, where),
        };
      }
      const id = resolveUser(world, guild, value, where);
      addUser(world, guild, id, resolved);
      return { type: ApplicationCommandOptionType.Mentionable, name, value: id };
    }
    case ApplicationCommandOptionType.Channel: {
      const channel = typeof value === 'string' ? world.channels.get(value) : undefined;
      if (!channel || channel.guild_id !== guild.id) throw new Error(`${where} takes a channel id of this guild`);
      resolved.channels = {
        ...resolved.channels,
        [channel.id]: {
          id: channel.id,
          type: channel.type,
          name: channel.name,
          permissions: world.permissionsOf(guild, world.botUser.id).toString(),
          ...('thread_metadata' in channel && channel.thread_metadata
            ? { parent_id: channel.parent_id ?? guild.id, thread_metadata: channel.thread_metadata }
            : {}),
        },
      };
      return { type: ApplicationCommandOptionType.Channel, name, value: channel.id };
    }
    case ApplicationCommandOptionType.Attachment: {
      if (typeof value !== 'object' || !('filename' in value)) throw new Error(`${where} takes a file`);
      const id = world.nextId();
      const data = typeof value.content === 'string' ? Buffer.from(value.content) : value.content;
      const url = `${world.baseUrl}/attachments/uploads/${id}/${encodeURIComponent(value.filename)}`;
      world.uploads.set(id, data);
      const attachment: APIAttachment = {
        id,
        filename: value.filename,
        size: data.length,
        url,
        proxy_url: url,
        content_type: value.contentType ?? 'application/octet-stream',
      };
      resolved.attachments = { ...resolved.attachments, [id]: attachment };
      return { type: ApplicationCommandOptionType.Attachment, name, value: id };
    }
    default:
      throw new Error(`${where}: option type ${def.type} cannot take a value`);
  }
}

function resolveUser(world: World, guild: GuildState, value: OptionValue, where: string): string {
  const id =
    typeof value === 'object' && 'id' in value
      ? value.id
      : typeof value === 'string'
        ? ([...world.users.values()].find((u) => u.id === value || u.username === value)?.id ?? value)
        : undefined;
  if (!id || !world.users.has(id)) throw new Error(`${where} takes a user`);
  if (!guild.members.has(id)) throw new Error(`${where}: user ${id} is not in the guild`);
  return id;
}

function addUser(world: World, guild: GuildState, id: string, resolved: APIInteractionDataResolved): void {
  const { user, ...member } = world.memberPayload(guild, id);
  resolved.users = { ...resolved.users, [id]: user };
  resolved.members = {
    ...resolved.members,
    [id]: { ...member, permissions: world.permissionsOf(guild, id).toString() },
  };
}

function resolveRole(
  _world: World,
  guild: GuildState,
  value: OptionValue,
  resolved: APIInteractionDataResolved,
  where: string,
): string {
  const role = typeof value === 'string' ? guild.roles.find((r) => r.id === value || r.name === value) : undefined;
  if (!role) throw new Error(`${where} takes a role id or name of this guild`);
  resolved.roles = { ...resolved.roles, [role.id]: role };
  return role.id;
}
