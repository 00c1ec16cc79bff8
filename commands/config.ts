import { ApplicationCommandOptionType, PermissionFlagsBits, roleMention } from 'discord.js';
import { defineCommand } from '../src/app/command.js';
import { type CommandData, SERVER_ONLY } from '../src/discord-kit/options.js';
import { toReply } from '../src/discord-kit/reply.js';
import { embedOf } from '../src/features/reading/render.js';
import { setHostRole, setServerArticle, settingsLines } from '../src/features/settings/server-settings.js';

const data = {
  name: 'config',
  description: "Set this server's article and host role (Manage Server only)",
  default_member_permissions: String(PermissionFlagsBits.ManageGuild),
  ...SERVER_ONLY,
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
} as const satisfies CommandData;

export const config = defineCommand({
  data,
  outsideServer: 'Settings belong to a server: run /config in one.',
  subcommands: {
    article: {
      access: 'manager',
      async run({ interaction, deps, args, place }) {
        const pack = await setServerArticle(deps, place.guildId, args.article);
        const content = `Done: commands now use **${pack.article.title}** (\`${pack.slug}\`) unless told otherwise.`;
        await interaction.reply(toReply({ content }, true));
      },
    },
    'host-role': {
      access: 'manager',
      async run({ interaction, deps, args, place }) {
        await setHostRole(deps, place.guildId, args.role.id);
        const content = `Done: people with ${roleMention(args.role.id)} can now run quiz rounds and discussions.`;
        await interaction.reply(toReply({ content }, true));
      },
    },
    show: {
      access: 'manager',
      async run({ interaction, deps, place }) {
        const lines = await settingsLines(deps, place.guildId);
        await interaction.reply(toReply({ embeds: [embedOf('Roundtable settings', lines)] }, true));
      },
    },
  },
});
