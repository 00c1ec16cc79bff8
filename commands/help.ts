import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { type CommandModule, defineCommand } from '../src/app/command.js';
import { verdictLegend } from '../src/content/labels.js';
import { VERDICTS } from '../src/content/schema.js';
import { LIMITS, truncate } from '../src/discord-kit/limits.js';
import { SERVER_OR_DM } from '../src/discord-kit/options.js';
import { type Prepared, prepare, preparedReply } from '../src/features/reading/prepared.js';
import { embedOf } from '../src/features/reading/render.js';

/** One line per command and subcommand, from the same definitions Discord shows. */
export function renderHelp(definitions: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[]) {
  const lines = definitions.flatMap((d) => {
    const subs = (d.options ?? []).filter((o) => o.type === ApplicationCommandOptionType.Subcommand);
    if (subs.length === 0) return [`**/${d.name}**: ${d.description}`];
    return subs.map((s) => `**/${d.name} ${s.name}**: ${s.description}`);
  });
  return {
    embeds: [
      {
        ...embedOf(
          'Roundtable: discuss one news article as a class',
          truncate(lines.join('\n'), LIMITS.embedDescription),
        ),
        // Students meet these labels in /claims and in session recaps; "not verified" is not "false".
        fields: [
          { name: 'What the checks on claims mean', value: truncate(verdictLegend(VERDICTS), LIMITS.fieldValue) },
          {
            name: 'Claim polls in a session',
            value:
              'The check stays hidden while the class votes. The host reveals it with **Close poll and show the check** on the poll, or it comes in the recap when the session ends. Discord polls are not anonymous: everyone can see who voted for what. A prompt with a teacher note sends it to the host alone.',
          },
          {
            name: 'Homework',
            value:
              'Each student presses **Start** on the card and answers privately, in their own order, at their own pace; progress is saved after every answer, so **Start** again continues. Only the first answer to a question counts. At the end: the score, what to reread, and **Review**. After the due time the card closes (or, with `late:true`, late work is marked late).',
          },
        ],
        footer: { text: 'Most commands take an optional article; with one article it can be left out.' },
      },
    ],
  };
}

/**
 * /help, from the same list it is part of: `list` is read on first use (the list
 * is built by then) and rendered once, since it never changes while the bot runs.
 */
export function createHelp(list: () => readonly CommandModule[]): CommandModule {
  let prepared: Prepared | undefined;
  return defineCommand({
    data: { name: 'help', description: 'What each Roundtable command does, on one screen', ...SERVER_OR_DM },
    handler: {
      access: 'anyone',
      async run({ interaction }) {
        prepared ??= prepare(renderHelp(list().map((c) => c.data)));
        await interaction.reply(preparedReply(interaction, prepared, true));
      },
    },
  });
}
