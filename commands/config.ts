import { ApplicationCommandOptionType, PermissionFlagsBits, roleMention } from 'discord.js';
import type { CommandModule } from '../src/app/command.js';
import { UserError } from '../src/discord-kit/errors.js';
import { toReply } from '../src/discord-kit/reply.js';
import { embedOf } from '../src/features/reading/render.js';
import { choosePack } from '../src/features/settings/article-option.js';
import { settingsRecord } from '../src/features/settings/record.js';

export const config: CommandModule = {
  data: {
    name: 'config',
    description: "Set this server's article and host role (Manage Server only)",
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    dm_permission: false,
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'article',
        description: 'The article every command uses when none is given',
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'article',
            description: 'Start typing the article title',
            required: true,
            autocomplete: true,
          },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'host-role',
        description: 'People with this role can run quiz rounds and discussions',
        options: [
          { type: ApplicationCommandOptionType.Role, name: 'role', description: 'The host role', required: true },
        ],
      },
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'show',
        description: "Show this server's settings",
      },
    ],
  },
  async execute(interaction, deps) {
    const guildId = interaction.guildId;
    if (!guildId) throw new UserError('Settings belong to a server: run /config in one.');
    // Discord hides the command from others, but permissions can be overridden per server: check anyway.
    if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
      throw new UserError('Only people with Manage Server can change the settings.');
    }
    const sub = interaction.options.getSubcommand();
    if (sub === 'article') {
      const pack = choosePack(deps.catalogue, interaction.options.getString('article', true), null);
      await deps.store.update(guildId, settingsRecord, (s) => ({ value: { ...s, article: pack.slug }, result: null }));
      await interaction.reply(
        toReply(
          { content: `Done: commands now use **${pack.article.title}** (\`${pack.slug}\`) unless told otherwise.` },
          true,
        ),
      );
      return;
    }
    if (sub === 'host-role') {
      const role = interaction.options.getRole('role', true);
      await deps.store.update(guildId, settingsRecord, (s) => ({ value: { ...s, hostRoleId: role.id }, result: null }));
      await interaction.reply(
        toReply(
          { content: `Done: people with ${roleMention(role.id)} can now run quiz rounds and discussions.` },
          true,
        ),
      );
      return;
    }
    const settings = await deps.store.read(guildId, settingsRecord);
    const article = settings.article ? deps.catalogue.pack(settings.article) : undefined;
    const lines = [
      `**Article:** ${article ? `${article.article.title} (\`${article.slug}\`)` : 'none set (the only article, or the one given in each command)'}`,
      `**Host role:** ${settings.hostRoleId ? roleMention(settings.hostRoleId) : 'none (only Manage Server)'}`,
    ];
    await interaction.reply(toReply({ embeds: [embedOf('Roundtable settings', lines.join('\n'))] }, true));
  },
};
