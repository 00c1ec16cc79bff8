import type { APIApplicationCommandBasicOption, APIApplicationCommandOptionChoice } from 'discord.js';
import { ApplicationCommandOptionType } from 'discord.js';
import type { Catalogue } from '../../content/catalogue.js';
import type { Pack } from '../../content/schema.js';
import { closestCandidates, searchCandidates } from '../../core/text-match.js';
import { UserError } from '../../discord-kit/errors.js';
import { LIMITS, truncate } from '../../discord-kit/limits.js';
import type { GuildStore } from '../../store/index.js';
import { settingsRecord } from './record.js';

/** What choosing a pack needs: the catalogue and the server's settings. */
interface PackDeps {
  readonly catalogue: Catalogue;
  readonly store: GuildStore;
}

export const articleOption = {
  type: ApplicationCommandOptionType.String,
  name: 'article',
  description: "Which article (leave it out to use this server's article)",
  autocomplete: true,
  required: false,
} as const satisfies APIApplicationCommandBasicOption;

export function suggestArticles(query: string, catalogue: Catalogue): APIApplicationCommandOptionChoice<string>[] {
  const candidates = catalogue.packs.map((p) => ({ id: p.slug, label: p.article.title }));
  return searchCandidates(query, candidates, LIMITS.choices).map((c) => ({
    name: truncate(`${c.label} (${c.id})`, LIMITS.choiceName),
    value: c.id,
  }));
}

/**
 * The pack a command is about: the option if given, else the server's default,
 * else the only pack there is.
 */
export function choosePack(catalogue: Catalogue, requested: string | null, serverDefault: string | null): Pack {
  if (requested) {
    const pack = catalogue.pack(requested);
    if (pack) return pack;
    const all = catalogue.packs.map((p) => ({ id: p.slug, label: p.article.title }));
    const near = closestCandidates(requested, all, 3);
    // Nothing close: the available ones are listed rather than unrelated "suggestions".
    const listed = near.length > 0 ? near : all.slice(0, 5);
    throw new UserError(
      `There is no article called "${truncate(requested, 60)}". Available: ${listed.map((c) => `\`${c.id}\``).join(', ')}.`,
    );
  }
  const fallback = serverDefault ? catalogue.pack(serverDefault) : undefined;
  if (fallback) return fallback;
  const [only, ...others] = catalogue.packs;
  if (only && others.length === 0) return only;
  throw new UserError(
    'This server has several articles. Pick one with the `article` option, or ask a host to run `/config article`.',
  );
}

/** The pack of a command: its `article` option (null when left out), in the server `guildId` (null in DMs). */
export async function resolvePack(deps: PackDeps, guildId: string | null, requested: string | null): Promise<Pack> {
  // A named article, or the only one there is: the server's default cannot change the answer, so no
  // store read (reading commands keep working while the store is down).
  if (requested || deps.catalogue.packs.length === 1) return choosePack(deps.catalogue, requested, null);
  const settings = guildId ? await deps.store.read(guildId, settingsRecord) : null;
  return choosePack(deps.catalogue, requested, settings?.article ?? null);
}

/** The pack an autocomplete is about, from the `article` typed so far, without throwing: autocomplete must always answer. */
export async function resolvePackQuietly(
  deps: PackDeps,
  interaction: { guildId: string | null; options: { getString(name: string): string | null } },
): Promise<Pack | undefined> {
  try {
    return await resolvePack(deps, interaction.guildId, interaction.options.getString(articleOption.name));
  } catch {
    return undefined;
  }
}
