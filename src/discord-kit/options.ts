import { type APIApplicationCommandBasicOption, ApplicationCommandOptionType } from 'discord.js';

/** Shared option definitions, so every command words them the same way. */
export const privateOption = {
  type: ApplicationCommandOptionType.Boolean,
  name: 'private',
  description: 'Only you see the reply (default: everyone in the channel sees it)',
  required: false,
} as const satisfies APIApplicationCommandBasicOption;

/** Reads an enum option safely: option values come from the client and may be forged. */
export function enumOption<K extends string>(value: string | null, allowed: readonly K[]): K | null {
  if (value === null) return null;
  const found = allowed.find((k) => k === value);
  return found ?? null;
}
