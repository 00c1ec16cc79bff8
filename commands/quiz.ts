import { ApplicationCommandOptionType, MessageFlags } from 'discord.js';
import { defineCommand, onButton, stepButton } from '../src/app/command.js';
import { clickedAt, displayNameOf, requireChannelPermissions } from '../src/discord-kit/context.js';
import { type CommandData, SERVER_ONLY } from '../src/discord-kit/options.js';
import { ReplyBodies, toMessage, toReply } from '../src/discord-kit/reply.js';
import * as quizActions from '../src/features/quiz/actions.js';
import { QUIZ_BUTTONS } from '../src/features/quiz/buttons.js';
import { QUIZ_START_OPTIONS, roundOption, scopeOption } from '../src/features/quiz/options.js';

const data = {
  name: 'quiz',
  description: 'Quiz rounds about the article: buttons, a timer, reveals with explanations, and scores',
  ...SERVER_ONLY,
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'start',
      description: 'Start a quiz round in this channel (hosts only)',
      options: [...QUIZ_START_OPTIONS],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'stop',
      description: 'End the round in this channel now and show the standings (hosts only)',
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'leaderboard',
      description: 'The top ten, for this round or of all time',
      options: [scopeOption],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'score',
      description: 'Your own points, rank and accuracy (only you see it)',
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'reset',
      description: "Clear this server's all-time scores, after a confirmation (hosts only)",
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'report',
      description: 'A spreadsheet (CSV) of every answer in a round (hosts only)',
      options: [roundOption],
    },
  ],
} as const satisfies CommandData;

/** A click's acknowledgement is one of a few texts: each is resolved into a reply body once. */
const ANSWER_REPLIES = new ReplyBodies<string>();

export const quiz = defineCommand({
  data,
  outsideServer: 'Quiz rounds run in a server channel.',
  subcommands: {
    start: {
      access: 'host',
      async run({ interaction, deps, args, place }) {
        requireChannelPermissions(interaction.appPermissions, 'run a quiz round');
        const intro = await quizActions.startQuiz(deps, place, interaction.user.id, args);
        try {
          await interaction.reply(toReply(intro, false));
        } finally {
          // The first question goes out after the intro, so it lands below it; even if the intro failed.
          deps.quiz.reconcile(place.guildId, place.channelId);
        }
      },
    },
    stop: {
      access: 'host',
      async run({ interaction, deps, place }) {
        // Host actions wait for the store: acknowledge within Discord's 3 s first.
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        await quizActions.stopQuiz(deps, place, { roundId: null });
        await interaction.editReply(toMessage({ content: 'Round ended. The standings are posted below.' }));
      },
    },
    leaderboard: {
      access: 'guild',
      async run({ interaction, deps, args, place }) {
        await interaction.reply(toReply(await quizActions.leaderboard(deps, place, args.scope ?? 'all-time'), false));
      },
    },
    score: {
      access: 'guild',
      async run({ interaction, deps, place }) {
        const content = await quizActions.scoreText(deps, place.guildId, interaction.user.id);
        await interaction.reply(toReply({ content }, true));
      },
    },
    reset: {
      access: 'host',
      async run({ interaction, deps }) {
        await interaction.reply(toReply(quizActions.resetConfirmation(interaction.user.id, deps.now()), true));
      },
    },
    report: {
      access: 'host',
      async run({ interaction, deps, args, place }) {
        const report = await quizActions.roundReportOf(deps, place, args.round);
        const files = report.files.map((f) => ({ name: f.name, data: f.text }));
        await interaction.reply(toReply({ content: report.summary, files }, true));
      },
    },
  },
  async autocomplete(interaction, deps) {
    if (!interaction.guildId) return interaction.respond([]);
    await interaction.respond(
      await quizActions.roundChoices(deps, interaction.guildId, interaction.options.getFocused()),
    );
  },
  buttons: [
    onButton(QUIZ_BUTTONS.answer, {
      access: 'guild',
      async run({ interaction, deps, args, place }) {
        const student = { userId: interaction.user.id, displayName: displayNameOf(interaction) };
        const ack = { applicationId: interaction.applicationId, token: interaction.token };
        const content = await quizActions.answer(
          deps,
          place,
          { ...args, ...student },
          clickedAt(interaction, deps.now()),
          ack,
        );
        await interaction.reply(ANSWER_REPLIES.payload(interaction, content, () => toReply({ content }, true)));
      },
    }),
    onButton(QUIZ_BUTTONS.mine, {
      access: 'guild',
      async run({ interaction, deps, args, place }) {
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        const content = await quizActions.myResult(deps, place.guildId, args.roundId, args.index, interaction.user.id);
        await interaction.editReply(toMessage({ content }));
      },
    }),
    onButton(QUIZ_BUTTONS.resetCancel, {
      access: 'anyone',
      async run({ interaction }) {
        await interaction.update(toMessage({ content: 'Nothing was cleared: the all-time scores stay as they are.' }));
      },
    }),
    stepButton(QUIZ_BUTTONS.reveal, quizActions.revealAnswer),
    stepButton(QUIZ_BUTTONS.next, quizActions.nextQuestion),
    stepButton(QUIZ_BUTTONS.stop, quizActions.stopQuiz),
    onButton(QUIZ_BUTTONS.reset, {
      access: 'host',
      async run({ interaction, deps, args, place }) {
        quizActions.checkResetConfirmation(args.ownerId, args.expires, interaction.user.id, deps.now());
        await interaction.deferUpdate();
        await quizActions.resetScores(deps, place.guildId);
        await interaction.editReply(toMessage({ content: 'All-time scores cleared.' }));
      },
    }),
  ],
});
