import { ApplicationCommandOptionType, MessageFlags } from 'discord.js';
import { defineCommand, onButton } from '../src/app/command.js';
import { clickedAt, displayNameOf, requireChannelPermissions } from '../src/discord-kit/context.js';
import { type CommandData, SERVER_ONLY } from '../src/discord-kit/options.js';
import { toMessage, toReply } from '../src/discord-kit/reply.js';
import * as homeworkActions from '../src/features/homework/actions.js';
import { showRun } from '../src/features/homework/actions.js';
import { HOMEWORK_BUTTONS } from '../src/features/homework/buttons.js';
import { assignmentOption, HOMEWORK_ASSIGN_OPTIONS } from '../src/features/homework/options.js';
import { resolvePack } from '../src/features/settings/article-option.js';

const data = {
  name: 'homework',
  description: 'Self-paced practice on the article: each student at their own pace, the teacher sees who did what',
  ...SERVER_ONLY,
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'assign',
      description: 'Post a homework card in this channel; students press Start (hosts only)',
      options: [...HOMEWORK_ASSIGN_OPTIONS],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'status',
      description: 'Who started and finished, their scores, what the class missed most (hosts only)',
      options: [assignmentOption],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'report',
      description: 'Two spreadsheets (CSV): every answer, and one line per student (hosts only)',
      options: [assignmentOption],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'close',
      description: 'Stop taking answers now; the card says it is closed (hosts only)',
      options: [assignmentOption],
    },
  ],
} as const satisfies CommandData;

export const homework = defineCommand({
  data,
  outsideServer: 'Homework is set in a server channel.',
  subcommands: {
    assign: {
      access: 'host',
      async run({ interaction, deps, args, place }) {
        requireChannelPermissions(interaction.appPermissions, 'post homework');
        const pack = await resolvePack(deps, place.guildId, args.article);
        const dueAt = homeworkActions.dueAtOf(args.due, deps.now());
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        const input = { hostId: interaction.user.id, pack, questions: args.questions, difficulty: args.difficulty };
        const view = await homeworkActions.assignHomework(deps, place, { ...input, late: args.late ?? false }, dueAt);
        await interaction.editReply(toMessage(view));
      },
    },
    status: {
      access: 'host',
      async run({ interaction, deps, args, place }) {
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        await interaction.editReply(toMessage(await homeworkActions.statusOf(deps, place, args.assignment)));
      },
    },
    report: {
      access: 'host',
      async run({ interaction, deps, args, place }) {
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        await interaction.editReply(toMessage(await homeworkActions.reportOf(deps, place, args.assignment)));
      },
    },
    close: {
      access: 'host',
      async run({ interaction, deps, args, place }) {
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        await interaction.editReply(toMessage(await homeworkActions.closeHomework(deps, place, args.assignment)));
      },
    },
  },
  async autocomplete(interaction, deps) {
    if (!interaction.guildId) return interaction.respond([]);
    const query = interaction.options.getFocused();
    await interaction.respond(await homeworkActions.assignmentChoices(deps, interaction.guildId, query));
  },
  buttons: [
    onButton(HOMEWORK_BUTTONS.start, {
      access: 'guild',
      async run({ interaction, deps, args, place }) {
        const at = clickedAt(interaction, deps.now());
        const student = { userId: interaction.user.id, displayName: displayNameOf(interaction) };
        const view = await homeworkActions.beginRun(deps, place.guildId, args.assignmentId, student, at);
        await interaction.reply(toReply(view, true));
      },
    }),
    onButton(HOMEWORK_BUTTONS.answer, {
      access: 'guild',
      async run({ interaction, deps, args, place }) {
        const at = clickedAt(interaction, deps.now());
        const view = await homeworkActions.answerQuestion(deps, place.guildId, interaction.user.id, args, at);
        await showRun(interaction, view, deps.now());
      },
    }),
    onButton(HOMEWORK_BUTTONS.next, {
      access: 'guild',
      async run({ interaction, deps, args, place }) {
        const at = clickedAt(interaction, deps.now());
        const view = await homeworkActions.nextOfRun(deps, place.guildId, args.assignmentId, interaction.user.id, at);
        await showRun(interaction, view, deps.now());
      },
    }),
    onButton(HOMEWORK_BUTTONS.review, {
      access: 'guild',
      async run({ interaction, deps, args, place }) {
        const view = await homeworkActions.reviewOfRun(deps, place.guildId, args, interaction.user.id);
        await showRun(interaction, view, deps.now());
      },
    }),
    onButton(HOMEWORK_BUTTONS.score, {
      access: 'guild',
      async run({ interaction, deps, args, place }) {
        const view = await homeworkActions.scoreOfRun(deps, place.guildId, args.assignmentId, interaction.user.id);
        await showRun(interaction, view, deps.now());
      },
    }),
  ],
});
