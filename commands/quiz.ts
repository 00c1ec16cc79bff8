import {
  ApplicationCommandOptionType,
  ButtonStyle,
  type ChatInputCommandInteraction,
  ComponentType,
  MessageFlags,
  subtext,
} from 'discord.js';
import { z } from 'zod';
import type { CommandModule, Deps } from '../src/app/command.js';
import { choicesOf, DIFFICULTY_LABEL } from '../src/content/labels.js';
import { DIFFICULTIES } from '../src/content/schema.js';
import { plural } from '../src/core/plural.js';
import { clickedAt, displayNameOf, messageLink, requireChannelPermissions } from '../src/discord-kit/context.js';
import { encodeId, parseArgs } from '../src/discord-kit/custom-id.js';
import { UserError } from '../src/discord-kit/errors.js';
import { LIMITS, truncate } from '../src/discord-kit/limits.js';
import { enumOption } from '../src/discord-kit/options.js';
import { toMessage, toReply } from '../src/discord-kit/reply.js';
import { quizTotalsRecord } from '../src/features/quiz/records.js';
import { answerReplyText, historyLabel, QUIZ_ACTIONS, renderLeaderboard } from '../src/features/quiz/render.js';
import { roundReport } from '../src/features/quiz/round-csv.js';
import { allTimeStandings, askedIn, personalScore, roundStandings } from '../src/features/quiz/standings.js';
import { QUESTION_COUNT, SCORING, SECONDS } from '../src/features/quiz/state.js';
import { articleOption, resolvePack } from '../src/features/settings/article-option.js';
import { requireHost } from '../src/features/settings/host.js';

const RESET_WINDOW_MS = 5 * 60_000;

function inGuild(interaction: { guildId: string | null; channelId: string | null }): {
  guildId: string;
  channelId: string;
} {
  if (!interaction.guildId || !interaction.channelId) throw new UserError('Quiz rounds run in a server channel.');
  return { guildId: interaction.guildId, channelId: interaction.channelId };
}

// Limits phrased as advice: what to choose, not what the schema said.
function startErrorText(field: string, message: string): string {
  if (field === 'scoring')
    return `Speed scoring needs a timer: choose \`seconds\` from ${SECONDS.min} to ${SECONDS.max}, or \`scoring: simple\`.`;
  if (field === 'seconds') return `Choose ${SECONDS.min} to ${SECONDS.max} seconds, or 0 for no timer.`;
  if (field === 'count') return `Choose ${QUESTION_COUNT.min} to ${QUESTION_COUNT.max} questions.`;
  return `That setting does not work (${field}: ${message}).`;
}

async function start(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void> {
  await requireHost(interaction, deps);
  const { guildId, channelId } = inGuild(interaction);
  requireChannelPermissions(interaction.appPermissions, 'run a quiz round');
  if (await deps.sessions.activeSession(guildId, channelId))
    throw new UserError('A discussion session is running in this channel: end it with /session end first.');
  const pack = await resolvePack(interaction, deps);
  const outcome = await deps.quiz.start({
    guildId,
    channelId,
    hostId: interaction.user.id,
    pack,
    options: {
      questions: interaction.options.getInteger('questions'),
      seconds: interaction.options.getInteger('seconds'),
      scoring: enumOption(interaction.options.getString('scoring'), SCORING),
      difficulty: enumOption(interaction.options.getString('difficulty'), DIFFICULTIES),
      auto: interaction.options.getBoolean('auto'),
      hostPlays: interaction.options.getBoolean('host_plays'),
    },
  });
  if (outcome.kind === 'busy') {
    const where = outcome.reposted
      ? ' Its message had been deleted, so it is posted again below.'
      : ` ${messageLink(guildId, channelId, outcome.messageId)}`;
    throw new UserError(
      `A quiz round is already running in this channel.${where} End it with /quiz stop, or start one in another channel.`,
    );
  }
  if (outcome.kind === 'error') {
    throw new UserError(
      outcome.error.kind === 'empty-bank'
        ? 'This article has no quiz questions at that difficulty. Try another difficulty, or none.'
        : startErrorText(outcome.error.field, outcome.error.message),
    );
  }
  const { settings } = outcome.round;
  const count = outcome.round.questionIds.length;
  const pace = settings.seconds === 0 ? 'no timer (you reveal each answer)' : `${settings.seconds} seconds a question`;
  const lines = [
    `**Quiz round on "${pack.article.title}"**`,
    `${count} ${count === 1 ? 'question' : 'questions'} · ${pace} · ${settings.scoring === 'speed' ? 'speed scoring (faster correct answers earn more, up to 1,000)' : '1 point per correct answer'}${settings.difficulty ? ` · ${DIFFICULTY_LABEL[settings.difficulty]}` : ''}`,
    'Click a button to answer; only your first answer counts. Only you see that it was received, and how you did once the answer is revealed.',
  ];
  if (!settings.hostPlays) lines.push(subtext('The host runs the round and does not score.'));
  if (outcome.note) lines.push(subtext(outcome.note));
  try {
    await interaction.reply(toReply({ content: truncate(lines.join('\n'), LIMITS.content) }, false));
  } finally {
    // The first question goes out after the intro, so it lands below it; even if the intro failed.
    deps.quiz.reconcile(guildId, channelId);
  }
}

async function stop(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void> {
  await requireHost(interaction, deps);
  const { guildId, channelId } = inGuild(interaction);
  // Host actions wait for the store: acknowledge within Discord's 3 s first.
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const reply = await deps.quiz.stop(guildId, channelId, null);
  if (reply.kind !== 'stopped') throw new UserError('No quiz round is running in this channel.');
  await interaction.editReply(toMessage({ content: 'Round ended. The standings are posted below.' }));
}

async function leaderboard(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void> {
  const { guildId, channelId } = inGuild(interaction);
  const scope = interaction.options.getString('scope') ?? 'all-time';
  if (scope === 'round') {
    const round = await deps.quiz.latestRound(guildId, channelId);
    if (!round) throw new UserError('No quiz round has been played in this channel yet.');
    const running = round.phase !== 'finished';
    const view = renderLeaderboard(
      running ? 'Leaderboard: this round so far' : 'Leaderboard: the last round here',
      roundStandings(round),
      `Round ${round.roundId} · question ${round.index + 1} of ${round.questionIds.length}`,
      { kind: 'round', asked: askedIn(round) },
    );
    await interaction.reply(toReply(view, false));
    return;
  }
  const totals = await deps.store.read(guildId, quizTotalsRecord);
  const view = renderLeaderboard(
    'Leaderboard: all time',
    allTimeStandings(totals.scores),
    `${plural(Object.keys(totals.scores).length, 'player')} · ${plural(totals.history.length, 'round')} kept · ranked by correct answers · /quiz score for yours`,
    { kind: 'all-time' },
  );
  await interaction.reply(toReply(view, false));
}

async function score(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void> {
  const { guildId } = inGuild(interaction);
  const totals = await deps.store.read(guildId, quizTotalsRecord);
  const mine = personalScore(totals.scores, interaction.user.id);
  const content = mine
    ? `You have **${mine.correct} correct** of ${plural(mine.answered, 'answer')} (${Math.round((mine.accuracy ?? 0) * 100)}%) over ${plural(mine.rounds, 'round')}: rank **${mine.rank}** of ${mine.of}.`
    : 'You have no answers counted yet on this server: join the next quiz round! (Rounds count once they finish.)';
  await interaction.reply(toReply({ content }, true));
}

async function reset(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void> {
  await requireHost(interaction, deps);
  const expires = Math.floor((deps.now() + RESET_WINDOW_MS) / 1000);
  await interaction.reply(
    toReply(
      {
        content:
          "This clears every player's all-time points on this server. Round history and reports stay. Are you sure?",
        components: [
          {
            type: ComponentType.ActionRow,
            components: [
              {
                type: ComponentType.Button,
                style: ButtonStyle.Danger,
                label: 'Yes, clear all scores',
                custom_id: encodeId(QUIZ_ACTIONS.reset, interaction.user.id, expires),
              },
              {
                type: ComponentType.Button,
                style: ButtonStyle.Secondary,
                label: 'Cancel',
                custom_id: encodeId(QUIZ_ACTIONS.resetCancel),
              },
            ],
          },
        ],
      },
      true,
    ),
  );
}

async function report(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void> {
  await requireHost(interaction, deps);
  const { guildId, channelId } = inGuild(interaction);
  const wanted = interaction.options.getString('round');
  const round = wanted ? await deps.quiz.findRound(guildId, wanted) : await deps.quiz.latestRound(guildId, channelId);
  if (!round) {
    throw new UserError(
      wanted
        ? `No round "${truncate(wanted, 40)}" is kept on this server. Pick one from the list as you type.`
        : 'No quiz round has been played in this channel yet.',
    );
  }
  const pack = deps.catalogue.pack(round.article);
  const items = new Map((pack?.quiz ?? []).map((i) => [i.id, i]));
  const report = roundReport(round, items);
  await interaction.reply({
    ...toReply({ content: report.summary }, true),
    files: report.files.map((f) => ({ name: f.name, attachment: Buffer.from(f.text) })),
  });
}

const AnswerArgs = z.tuple([
  z.string().regex(/^[a-z0-9]{1,20}$/),
  z
    .string()
    .regex(/^\d{1,2}$/)
    .transform(Number),
  z
    .string()
    .regex(/^[0-3]$/)
    .transform(Number),
]);
const StepArgs = z.tuple([
  z.string().regex(/^[a-z0-9]{1,20}$/),
  z
    .string()
    .regex(/^\d{1,2}$/)
    .transform(Number),
]);
const StopArgs = z.tuple([z.string().regex(/^[a-z0-9]{1,20}$/)]);
const ResetArgs = z.tuple([
  z.string().regex(/^\d{1,20}$/),
  z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number),
]);

const ROUND_OVER = 'This round has ended. A host can start a new one with /quiz start.';

export const quiz: CommandModule = {
  data: {
    name: 'quiz',
    description: 'Quiz rounds about the article: buttons, a timer, reveals with explanations, and scores',
    dm_permission: false,
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'start',
        description: 'Start a quiz round in this channel (hosts only)',
        options: [
          {
            type: ApplicationCommandOptionType.Integer,
            name: 'questions',
            description: `How many questions, ${QUESTION_COUNT.min} to ${QUESTION_COUNT.max} (default ${QUESTION_COUNT.default})`,
            min_value: QUESTION_COUNT.min,
            max_value: QUESTION_COUNT.max,
          },
          {
            type: ApplicationCommandOptionType.Integer,
            name: 'seconds',
            description: `Seconds per question, ${SECONDS.min} to ${SECONDS.max} (default ${SECONDS.default}); 0 = no timer, you reveal`,
            min_value: 0,
            max_value: SECONDS.max,
          },
          {
            type: ApplicationCommandOptionType.String,
            name: 'scoring',
            description: 'speed: faster correct answers earn more; simple: 1 point per correct answer',
            choices: [
              { name: 'Speed (up to 1,000 points)', value: 'speed' },
              { name: 'Simple (1 point each)', value: 'simple' },
            ],
          },
          {
            type: ApplicationCommandOptionType.String,
            name: 'difficulty',
            description: 'Only questions of this difficulty',
            choices: choicesOf(DIFFICULTIES, DIFFICULTY_LABEL),
          },
          {
            type: ApplicationCommandOptionType.Boolean,
            name: 'auto',
            description: 'Go to the next question by itself a few seconds after each reveal',
          },
          {
            type: ApplicationCommandOptionType.Boolean,
            name: 'host_plays',
            description: 'Your own answers score too (default: you run the round and do not score)',
          },
          articleOption,
        ],
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
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'scope',
            description: "This channel's round, or all rounds on this server (default)",
            choices: [
              { name: 'This round', value: 'round' },
              { name: 'All time', value: 'all-time' },
            ],
          },
        ],
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
        options: [
          {
            type: ApplicationCommandOptionType.String,
            name: 'round',
            description: 'Which round (default: the latest in this channel)',
            autocomplete: true,
          },
        ],
      },
    ],
  },
  async execute(interaction, deps) {
    const sub = interaction.options.getSubcommand();
    if (sub === 'start') return start(interaction, deps);
    if (sub === 'stop') return stop(interaction, deps);
    if (sub === 'leaderboard') return leaderboard(interaction, deps);
    if (sub === 'score') return score(interaction, deps);
    if (sub === 'reset') return reset(interaction, deps);
    return report(interaction, deps);
  },
  async autocomplete(interaction, deps) {
    if (!interaction.guildId) return interaction.respond([]);
    const totals = await deps.store.read(interaction.guildId, quizTotalsRecord);
    const query = interaction.options.getFocused().toLowerCase();
    const choices = totals.history
      .filter((h) => historyLabel(h).toLowerCase().includes(query))
      .slice(0, LIMITS.choices)
      .map((h) => ({ name: truncate(historyLabel(h), LIMITS.choiceName), value: h.roundId }));
    await interaction.respond(choices);
  },
  components: {
    async [QUIZ_ACTIONS.answer](interaction, args, deps) {
      const [roundId, index, choice] = parseArgs(AnswerArgs, args);
      const { guildId, channelId } = inGuild(interaction);
      const { reply, order } = await deps.quiz.answer(
        guildId,
        channelId,
        { roundId, index, choice, userId: interaction.user.id, displayName: displayNameOf(interaction) },
        clickedAt(interaction, deps.now()),
        { applicationId: interaction.applicationId, token: interaction.token },
      );
      await interaction.reply({
        content: answerReplyText(reply, order),
        flags: MessageFlags.Ephemeral,
        allowedMentions: { parse: [] },
      });
    },
    async [QUIZ_ACTIONS.mine](interaction, args, deps) {
      const [roundId, index] = parseArgs(StepArgs, args);
      const { guildId } = inGuild(interaction);
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const text = await deps.quiz.myResult(guildId, roundId, index, interaction.user.id);
      if (text === null) throw new UserError('That round is no longer kept on this server.');
      await interaction.editReply(toMessage({ content: text }));
    },
    async [QUIZ_ACTIONS.resetCancel](interaction) {
      await interaction.update(toMessage({ content: 'Nothing was cleared: the all-time scores stay as they are.' }));
    },
    async [QUIZ_ACTIONS.reveal](interaction, args, deps) {
      const [roundId, index] = parseArgs(StepArgs, args);
      await requireHost(interaction, deps);
      const { guildId, channelId } = inGuild(interaction);
      await interaction.deferUpdate();
      const reply = await deps.quiz.reveal(guildId, channelId, roundId, index);
      if (reply.kind === 'revealed') return;
      if (reply.kind === 'closed') throw new UserError('This question is already revealed.');
      if (reply.kind === 'wrong-question') throw new UserError('That question is over; the round has moved on.');
      throw new UserError(ROUND_OVER);
    },
    async [QUIZ_ACTIONS.next](interaction, args, deps) {
      const [roundId, index] = parseArgs(StepArgs, args);
      await requireHost(interaction, deps);
      const { guildId, channelId } = inGuild(interaction);
      await interaction.deferUpdate();
      const reply = await deps.quiz.next(guildId, channelId, roundId, index);
      if (reply.kind === 'advanced' || reply.kind === 'finished') return;
      if (reply.kind === 'still-open') throw new UserError('Reveal the answer first.');
      if (reply.kind === 'wrong-question') throw new UserError('The round has already moved on.');
      throw new UserError(ROUND_OVER);
    },
    async [QUIZ_ACTIONS.stop](interaction, args, deps) {
      const [roundId] = parseArgs(StopArgs, args);
      await requireHost(interaction, deps);
      const { guildId, channelId } = inGuild(interaction);
      await interaction.deferUpdate();
      const reply = await deps.quiz.stop(guildId, channelId, roundId);
      if (reply.kind !== 'stopped') throw new UserError(ROUND_OVER);
    },
    async [QUIZ_ACTIONS.reset](interaction, args, deps) {
      const [ownerId, expires] = parseArgs(ResetArgs, args);
      await requireHost(interaction, deps);
      if (ownerId !== interaction.user.id) throw new UserError('Only the host who asked can confirm this.');
      if (deps.now() > expires * 1000) throw new UserError('This confirmation has expired. Run /quiz reset again.');
      const { guildId } = inGuild(interaction);
      await interaction.deferUpdate();
      await deps.store.update(guildId, quizTotalsRecord, (totals) => ({
        value: { ...totals, scores: {} },
        result: null,
      }));
      await interaction.editReply(toMessage({ content: 'All-time scores cleared.' }));
    },
  },
};
