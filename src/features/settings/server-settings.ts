import { roleMention } from 'discord.js';
import type { Catalogue } from '../../content/catalogue.js';
import type { Pack } from '../../content/schema.js';
import type { GuildStore } from '../../store/index.js';
import { choosePack } from './article-option.js';
import { settingsRecord } from './record.js';

/** What /config does: the server's article and host role. */

interface SettingsDeps {
  readonly catalogue: Catalogue;
  readonly store: GuildStore;
}

/** Makes the article every command uses when none is given; an unknown one is refused with suggestions. */
export async function setServerArticle(deps: SettingsDeps, guildId: string, requested: string): Promise<Pack> {
  const pack = choosePack(deps.catalogue, requested, null);
  await deps.store.update(guildId, settingsRecord, (s) => ({ value: { ...s, article: pack.slug }, result: null }));
  return pack;
}

export async function setHostRole(deps: SettingsDeps, guildId: string, roleId: string): Promise<void> {
  await deps.store.update(guildId, settingsRecord, (s) => ({ value: { ...s, hostRoleId: roleId }, result: null }));
}

/** The settings as lines for the host: names, not ids. */
export async function settingsLines(deps: SettingsDeps, guildId: string): Promise<string> {
  const settings = await deps.store.read(guildId, settingsRecord);
  const article = settings.article ? deps.catalogue.pack(settings.article) : undefined;
  return [
    `**Article:** ${article ? `${article.article.title} (\`${article.slug}\`)` : 'none set (the only article, or the one given in each command)'}`,
    `**Host role:** ${settings.hostRoleId ? roleMention(settings.hostRoleId) : 'none (only Manage Server)'}`,
  ].join('\n');
}
