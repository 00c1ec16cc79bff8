import {
  type GuildMember,
  type Interaction,
  PermissionFlagsBits,
  type PermissionsBitField,
  roleMention,
} from 'discord.js';
import { UserError } from '../../discord-kit/errors.js';
import type { GuildStore } from '../../store/index.js';
import { settingsRecord } from './record.js';

/** The one host rule: Manage Server, or the server's host role. */
export function isHost(
  permissions: Readonly<PermissionsBitField> | null,
  roleIds: readonly string[],
  hostRoleId: string | null,
): boolean {
  if (permissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  return hostRoleId !== null && roleIds.includes(hostRoleId);
}

function memberRoleIds(member: Interaction['member']): string[] {
  if (!member) return [];
  // Uncached members arrive as raw API data with a plain list of role ids.
  return isGuildMember(member) ? [...member.roles.cache.keys()] : member.roles;
}

function isGuildMember(member: NonNullable<Interaction['member']>): member is GuildMember {
  return !Array.isArray(member.roles);
}

export function hostRefusal(hostRoleId: string | null): string {
  const who = hostRoleId
    ? `people with Manage Server or the ${roleMention(hostRoleId)} role`
    : 'people with Manage Server';
  return `Only the host can do that: ${who}. Ask your teacher, or a server admin can set a host role with \`/config host-role\`.`;
}

/** Whether the user is a host of the server the interaction came from (never in direct messages). */
export async function isHostOf(interaction: Interaction, deps: { readonly store: GuildStore }): Promise<boolean> {
  if (!interaction.guildId) return false;
  const settings = await deps.store.read(interaction.guildId, settingsRecord);
  return isHost(interaction.memberPermissions, memberRoleIds(interaction.member), settings.hostRoleId);
}

/** Throws a refusal the user sees when they are not a host; nothing else changes. */
export async function requireHost(interaction: Interaction, deps: { readonly store: GuildStore }): Promise<void> {
  if (!interaction.guildId) throw new UserError('This works only in a server, not in direct messages.');
  const settings = await deps.store.read(interaction.guildId, settingsRecord);
  if (!isHost(interaction.memberPermissions, memberRoleIds(interaction.member), settings.hostRoleId)) {
    throw new UserError(hostRefusal(settings.hostRoleId));
  }
}
