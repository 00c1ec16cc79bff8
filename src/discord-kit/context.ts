import {
  channelLink,
  messageLink as discordMessageLink,
  type Interaction,
  PermissionFlagsBits,
  type PermissionsBitField,
} from 'discord.js';
import { UserError } from './errors.js';

/** Small readings of an interaction that several commands share. */

/** The server and channel an interaction came from. */
export interface Place {
  readonly guildId: string;
  readonly channelId: string;
}

/** The name classmates know: the server nickname, else the display name. */
export function displayNameOf(interaction: Interaction): string {
  const member = interaction.member;
  if (member && 'displayName' in member) return member.displayName;
  if (member && 'nick' in member && member.nick) return member.nick;
  return interaction.user.globalName ?? interaction.user.username;
}

/**
 * When the user clicked: the interaction's snowflake time, clamped to when it
 * reached us (a clock ahead of ours must not buy extra time). Take `now` before
 * the handler's first await, so it is the arrival, not the end of a queue.
 */
export function clickedAt(interaction: { createdTimestamp: number }, now: number): number {
  return Math.min(interaction.createdTimestamp, now);
}

/** A link to a message, or to its channel while the message id is not known yet. */
export function messageLink(guildId: string, channelId: string, messageId: string | null): string {
  return messageId ? discordMessageLink(channelId, messageId, guildId) : channelLink(channelId, guildId);
}

const NEEDED = [
  ['View Channel', PermissionFlagsBits.ViewChannel],
  ['Send Messages', PermissionFlagsBits.SendMessages],
  ['Embed Links', PermissionFlagsBits.EmbedLinks],
] as const;

/** The permissions Roundtable is missing in a channel, by the names shown in Discord's settings. */
export function missingPermissions(
  permissions: Readonly<PermissionsBitField> | null,
  needed: ReadonlyArray<readonly [string, bigint]> = NEEDED,
): string[] {
  if (!permissions) return [];
  return needed.filter(([, flag]) => !permissions.has(flag)).map(([name]) => name);
}

/** Tells the host, before anything starts, what the bot cannot do in this channel. */
export function requireChannelPermissions(permissions: Readonly<PermissionsBitField> | null, purpose: string): void {
  const missing = missingPermissions(permissions);
  if (missing.length > 0) {
    throw new UserError(
      `Roundtable needs ${missing.map((m) => `**${m}**`).join(', ')} in this channel to ${purpose}. A server admin can grant them in the channel's settings (Permissions).`,
    );
  }
}
