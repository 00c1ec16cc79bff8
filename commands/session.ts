import { ApplicationCommandOptionType } from 'discord.js';
import { defineCommand, onButton, stepButton } from '../src/app/command.js';
import { requireChannelPermissions } from '../src/discord-kit/context.js';
import { type CommandData, SERVER_ONLY } from '../src/discord-kit/options.js';
import { NO_MENTIONS, toMessage, toReply } from '../src/discord-kit/reply.js';
import { claimOption, suggestClaims } from '../src/features/reading/claim-option.js';
import * as sessionActions from '../src/features/session/actions.js';
import { sessionPlace } from '../src/features/session/actions.js';
import { SESSION_BUTTONS } from '../src/features/session/buttons.js';
import { SESSION_START_OPTIONS } from '../src/features/session/options.js';
import { resolvePackQuietly } from '../src/features/settings/article-option.js';

const data = {
  name: 'session',
  description: 'Run a class discussion of the article: prompts with threads, follow-ups, claim polls and a recap',
  ...SERVER_ONLY,
  options: [
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'start',
      description: 'Start a discussion session in this channel (hosts only)',
      options: [...SESSION_START_OPTIONS],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'next',
      description: 'Post the next prompt; after the last one the session ends (hosts only)',
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'poll',
      description: 'Let the class vote on a claim; the check is revealed in the recap (hosts only)',
      options: [claimOption],
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'end',
      description: 'End the session now: polls close and the recap is posted (hosts only)',
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'status',
      description: 'Which channels of this server have a session running, and how far along',
    },
    {
      type: ApplicationCommandOptionType.Subcommand,
      name: 'report',
      description: 'A spreadsheet (CSV) of who took part in each prompt of this channel’s session (hosts only)',
    },
  ],
} as const satisfies CommandData;

export const session = defineCommand({
  data,
  outsideServer: 'Discussion sessions run in a server channel.',
  actsIn: sessionPlace,
  subcommands: {
    start: {
      access: 'host',
      async run({ interaction, deps, args, place }) {
        requireChannelPermissions(interaction.appPermissions, 'run a discussion session');
        const inThread = interaction.channel?.isThread() ?? false;
        const start = { hostId: interaction.user.id, permissions: interaction.appPermissions, inThread };
        const { intro, note } = await sessionActions.startSession(deps, place, start, args);
        await interaction.reply(toReply(intro, true));
        if (note) await interaction.followUp(toReply(note, true));
      },
    },
    next: {
      access: 'host',
      async run({ interaction, deps, place }) {
        const { text, note } = await sessionActions.nextPrompt(deps, place, null);
        await interaction.reply(toReply({ content: text }, true));
        if (note) await interaction.followUp(toReply(note, true));
      },
    },
    poll: {
      access: 'host',
      async run({ interaction, deps, args, place }) {
        sessionActions.requirePolls(interaction.appPermissions);
        const content = await sessionActions.pollTypedClaim(deps, place, args.claim);
        await interaction.reply(toReply({ content }, true));
      },
    },
    end: {
      access: 'host',
      async run({ interaction, deps, place }) {
        await sessionActions.endSession(deps, place, { sessionId: null });
        const content = 'Session ended. Polls are closing; the recap follows in the channel.';
        await interaction.reply(toReply({ content }, true));
      },
    },
    status: {
      access: 'guild',
      async run({ interaction, deps, place }) {
        await interaction.reply(toReply(await sessionActions.statusOf(deps, place.guildId), true));
      },
    },
    report: {
      access: 'host',
      async run({ interaction, deps, place }) {
        await interaction.reply(toReply(await sessionActions.sessionReport(deps, place), true));
      },
    },
  },
  async autocomplete(interaction, deps) {
    if (!interaction.guildId || !interaction.channelId) return interaction.respond([]);
    const place = sessionPlace(deps, { guildId: interaction.guildId, channelId: interaction.channelId });
    const claims = await sessionActions.claimsToPoll(deps, place, () => resolvePackQuietly(deps, interaction));
    await interaction.respond(suggestClaims(claims, interaction.options.getFocused()));
  },
  buttons: [
    onButton(SESSION_BUTTONS.next, {
      access: 'host',
      async run({ interaction, deps, args, place }) {
        const { note } = await sessionActions.nextPrompt(deps, place, args);
        await interaction.deferUpdate();
        if (note) await interaction.followUp(toReply(note, true));
      },
    }),
    stepButton(SESSION_BUTTONS.followUp, sessionActions.showFollowUp),
    onButton(SESSION_BUTTONS.poll, {
      access: 'host',
      async run({ interaction, deps, args, place }) {
        const view = await sessionActions.pollPromptClaim(deps, place, args, interaction.appPermissions);
        await interaction.reply(toReply(view, true));
      },
    }),
    onButton(SESSION_BUTTONS.pollClaim, {
      access: 'host',
      async run({ interaction, deps, args, place }) {
        const content = await sessionActions.pollChosenClaim(deps, place, args, interaction.appPermissions);
        await interaction.update(toMessage({ content }));
      },
    }),
    onButton(SESSION_BUTTONS.closePoll, {
      access: 'host',
      async run({ interaction, deps, args, place }) {
        await sessionActions.closePoll(deps, place, args);
        // The card loses its button; the split and the check follow in the channel.
        await interaction.update({ components: [], allowedMentions: NO_MENTIONS });
      },
    }),
    stepButton(SESSION_BUTTONS.end, sessionActions.endSession),
    onButton(SESSION_BUTTONS.passage, {
      access: 'anyone',
      async run({ interaction, deps, args }) {
        await interaction.reply(toReply(sessionActions.passageOf(deps, args.slug, args.questionId), true));
      },
    }),
  ],
});
