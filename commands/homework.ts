import {
  ApplicationCommandOptionType,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  MessageFlags,
  TimestampStyles,
  time,
} from 'discord.js';
import { z } from 'zod';
import type { CommandModule, Deps } from '../src/app/command.js';
import { choicesOf, DIFFICULTY_LABEL } from '../src/content/labels.js';
import { DIFFICULTIES } from '../src/content/schema.js';
import { plural } from '../src/core/plural.js';
import { clickedAt, displayNameOf, requireChannelPermissions } from '../src/discord-kit/context.js';
import { numberArg, parseArgs } from '../src/discord-kit/custom-id.js';
import { UserError } from '../src/discord-kit/errors.js';
import { LIMITS, truncate } from '../src/discord-kit/limits.js';
import { enumOption } from '../src/discord-kit/options.js';
import { type MessageView, toMessage, toReply } from '../src/discord-kit/reply.js';
import { cardState, classStatus, parseDue, studentResult } from '../src/features/homework/engine.js';
import {
  HOMEWORK_ACTIONS,
  renderReview,
  renderRun,
  renderScore,
  renderStatus,
  renderVerdict,
  startNote,
} from '../src/features/homework/render.js';
import { homeworkReport } from '../src/features/homework/report.js';
import type { Loaded } from '../src/features/homework/runtime.js';
import { ASSIGNMENT_ID, DEFAULT_DUE, HOMEWORK_QUESTIONS, type Progress } from '../src/features/homework/state.js';
import { articleOption, resolvePack } from '../src/features/settings/article-option.js';
import { requireHost } from '../src/features/settings/host.js';

/** Interaction tokens last 15 minutes: an ephemeral run older than this gets a fresh reply, not an edit. */
const EPHEMERAL_TTL_MS = 14 * 60_000;
const GONE = 'This homework is no longer kept on this server.';
const NOT_STARTED = 'Press **Start** on the homework card first.';
const CLOSED = 'This homework is closed: answers are no longer taken.';

function serverOf(interaction: { guildId: string | null; channelId: string | null }) {
  if (!interaction.guildId || !interaction.channelId) throw new UserError('Homework is set in a server channel.');
  return { guildId: interaction.guildId, channelId: interaction.channelId };
}

/**
 * A student's run is one ephemeral message, edited as they go; once its token
 * has expired the next step comes as a fresh ephemeral reply instead.
 */
async function show(interaction: ButtonInteraction, view: MessageView, deps: Deps): Promise<void> {
  const { message } = interaction;
  const ephemeral = message.flags.has(MessageFlags.Ephemeral);
  if (ephemeral && deps.now() - message.createdTimestamp < EPHEMERAL_TTL_MS) {
    await interaction.update(toMessage(view));
  } else {
    await interaction.reply(toReply(view, true));
  }
}

function current(loaded: Loaded, progress: Progress, at: number, note: string | null = null): MessageView {
  return renderRun(loaded.assignment, loaded.pack, loaded.items, progress, at, note);
}

async function which(interaction: ChatInputCommandInteraction, deps: Deps) {
  const { guildId, channelId } = serverOf(interaction);
  const wanted = interaction.options.getString('assignment');
  const found = await deps.homework.find(guildId, wanted, channelId);
  if (!found) {
    throw new UserError(
      wanted
        ? `No homework "${truncate(wanted, 20)}" is kept on this server. Pick one from the list as you type.`
        : 'No homework has been set on this server yet: set some with /homework assign.',
    );
  }
  return { guildId, assignment: found };
}

async function assign(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void> {
  await requireHost(interaction, deps);
  const { guildId, channelId } = serverOf(interaction);
  requireChannelPermissions(interaction.appPermissions, 'post homework');
  const pack = await resolvePack(interaction, deps);
  const due = parseDue(interaction.options.getString('due') ?? DEFAULT_DUE, deps.now());
  if (!due.ok) throw new UserError(due.message);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const late = interaction.options.getBoolean('late') ?? false;
  const outcome = await deps.homework.assign({
    guildId,
    channelId,
    hostId: interaction.user.id,
    pack,
    options: {
      questions: interaction.options.getInteger('questions'),
      difficulty: enumOption(interaction.options.getString('difficulty'), DIFFICULTIES),
      dueAt: due.dueAt,
      late,
    },
  });
  if (outcome.kind === 'error') {
    throw new UserError(
      outcome.error === 'empty-bank'
        ? 'This article has no quiz questions at that difficulty. Try another difficulty, or none.'
        : `Choose ${HOMEWORK_QUESTIONS.min} to ${HOMEWORK_QUESTIONS.max} questions.`,
    );
  }
  const { assignment, fewer } = outcome;
  const lines = [
    `Homework **${assignment.id}** set on "${pack.article.shortTitle}": ${plural(assignment.questionIds.length, 'question')}, due ${time(Math.floor(assignment.dueAt / 1000), TimestampStyles.LongDateShortTime)}. Its card is posted in this channel; each student presses **Start** for their own private run.`,
    late
      ? 'After the due time late work is still accepted, marked late.'
      : 'After the due time the card closes and no more answers are taken.',
    `-# /homework status assignment:${assignment.id} shows who has done what; /homework report gives the spreadsheets; /homework close stops it early.`,
  ];
  if (fewer) {
    lines.push(
      `-# This article has ${plural(fewer.available, 'question')} to choose from, so the homework uses ${fewer.available}.`,
    );
  }
  await interaction.editReply(toMessage({ content: truncate(lines.join('\n'), LIMITS.content) }));
}

async function status(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void> {
  await requireHost(interaction, deps);
  const { guildId, assignment } = await which(interaction, deps);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const loaded = await deps.homework.everyone(guildId, assignment.id);
  if (!loaded) throw new UserError(GONE);
  const view = renderStatus(
    loaded.assignment,
    classStatus(loaded.assignment, loaded.progresses, loaded.items),
    cardState(loaded.assignment, deps.now()),
    loaded.pack.article.shortTitle,
  );
  await interaction.editReply(toMessage(view));
}

async function report(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void> {
  await requireHost(interaction, deps);
  const { guildId, assignment } = await which(interaction, deps);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const loaded = await deps.homework.everyone(guildId, assignment.id);
  if (!loaded) throw new UserError(GONE);
  const made = homeworkReport(loaded.assignment, loaded.progresses, loaded.items);
  await interaction.editReply(
    toMessage({ content: made.summary, files: made.files.map((f) => ({ name: f.name, data: f.text })) }),
  );
}

async function close(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void> {
  await requireHost(interaction, deps);
  const { guildId, assignment } = await which(interaction, deps);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const closed = await deps.homework.close(guildId, assignment.id);
  if (closed === null) throw new UserError(GONE);
  await interaction.editReply(
    toMessage({
      content: closed
        ? `Homework **${assignment.id}** is closed: its card says so and no more answers are taken. Students can still see their result.`
        : `Homework **${assignment.id}** was already closed.`,
    }),
  );
}

const IdArgs = z.tuple([z.string().regex(ASSIGNMENT_ID)]);
const AnswerArgs = z.tuple([z.string().regex(ASSIGNMENT_ID), numberArg(/^\d{1,2}$/), numberArg(/^[0-3]$/)]);
const ReviewArgs = z.tuple([z.string().regex(ASSIGNMENT_ID), numberArg(/^\d{1,2}$/)]);

/** The student's progress for a button on their run; refuses those who never started. */
async function runOf(interaction: ButtonInteraction, assignmentId: string, deps: Deps) {
  const { guildId } = serverOf(interaction);
  const found = await deps.homework.progressOf(guildId, assignmentId, interaction.user.id);
  if (!found) throw new UserError(GONE);
  if (!found.progress) throw new UserError(NOT_STARTED);
  return { ...found, progress: found.progress };
}

const assignmentOption = {
  type: ApplicationCommandOptionType.String,
  name: 'assignment',
  description: 'Which homework (default: the newest in this channel)',
  autocomplete: true,
} as const;

export const homework: CommandModule = {
  data: {
    name: 'homework',
    description: 'Self-paced practice on the article: each student at their own pace, the teacher sees who did what',
    dm_permission: false,
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'assign',
        description: 'Post a homework card in this channel; students press Start (hosts only)',
        options: [
          {
            type: ApplicationCommandOptionType.Integer,
            name: 'questions',
            description: `How many questions, ${HOMEWORK_QUESTIONS.min} to ${HOMEWORK_QUESTIONS.max} (default ${HOMEWORK_QUESTIONS.default})`,
            min_value: HOMEWORK_QUESTIONS.min,
            max_value: HOMEWORK_QUESTIONS.max,
          },
          {
            type: ApplicationCommandOptionType.String,
            name: 'due',
            description: `When it is due: 3d, 12h, 90m, or a date such as 2026-12-10 (default ${DEFAULT_DUE})`,
            max_length: 40,
          },
          {
            type: ApplicationCommandOptionType.String,
            name: 'difficulty',
            description: 'Only questions of this difficulty',
            choices: choicesOf(DIFFICULTIES, DIFFICULTY_LABEL),
          },
          articleOption,
          {
            type: ApplicationCommandOptionType.Boolean,
            name: 'late',
            description: 'Accept work after the due time, marked late (default: the card closes at the due time)',
          },
        ],
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
  },
  async execute(interaction, deps) {
    const sub = interaction.options.getSubcommand();
    if (sub === 'assign') return assign(interaction, deps);
    if (sub === 'status') return status(interaction, deps);
    if (sub === 'report') return report(interaction, deps);
    return close(interaction, deps);
  },
  async autocomplete(interaction, deps) {
    if (!interaction.guildId) return interaction.respond([]);
    const query = interaction.options.getFocused().toLowerCase();
    const choices = (await deps.homework.list(interaction.guildId))
      .map((e) => {
        const title = deps.catalogue.pack(e.article)?.article.shortTitle ?? e.article;
        const due = new Date(e.dueAt).toISOString().slice(0, 16).replace('T', ' ');
        return { name: truncate(`${e.id} · ${title} · due ${due} UTC`, LIMITS.choiceName), value: e.id };
      })
      .filter((c) => c.name.toLowerCase().includes(query))
      .slice(0, LIMITS.choices);
    await interaction.respond(choices);
  },
  components: {
    async [HOMEWORK_ACTIONS.start](interaction, args, deps) {
      const at = clickedAt(interaction, deps.now());
      const [assignmentId] = parseArgs(IdArgs, args);
      const { guildId } = serverOf(interaction);
      const student = { userId: interaction.user.id, displayName: displayNameOf(interaction) };
      const found = await deps.homework.begin(guildId, assignmentId, student, at);
      if (!found) throw new UserError(GONE);
      const { outcome } = found;
      if (!outcome.progress) throw new UserError(CLOSED);
      const note = outcome.kind === 'closed' ? CLOSED : startNote(outcome.kind, outcome.progress);
      await interaction.reply(toReply(current(found, outcome.progress, at, note), true));
    },
    async [HOMEWORK_ACTIONS.answer](interaction, args, deps) {
      const at = clickedAt(interaction, deps.now());
      const [assignmentId, position, choice] = parseArgs(AnswerArgs, args);
      const { guildId } = serverOf(interaction);
      const found = await deps.homework.answer(guildId, assignmentId, interaction.user.id, { position, choice }, at);
      if (!found) throw new UserError(GONE);
      const { outcome, progress, assignment, pack, items } = found;
      if (!progress) throw new UserError(NOT_STARTED);
      const title = pack.article.shortTitle;
      const item = items.get(progress.order[position] ?? '');
      let view: MessageView;
      if ((outcome.kind === 'recorded' || outcome.kind === 'already-answered') && item) {
        const note =
          outcome.kind === 'already-answered'
            ? 'You already answered this question: your first answer is the one that counts.'
            : null;
        view = renderVerdict(assignment, progress, position, item, outcome.answer, title, note);
      } else if (outcome.kind === 'closed') {
        view = current(found, progress, at, CLOSED);
      } else {
        view = current(found, progress, at, 'Answer this question first.');
      }
      await show(interaction, view, deps);
    },
    async [HOMEWORK_ACTIONS.next](interaction, args, deps) {
      const at = clickedAt(interaction, deps.now());
      const [assignmentId] = parseArgs(IdArgs, args);
      const found = await runOf(interaction, assignmentId, deps);
      await show(interaction, current(found, found.progress, at), deps);
    },
    async [HOMEWORK_ACTIONS.review](interaction, args, deps) {
      const [assignmentId, step] = parseArgs(ReviewArgs, args);
      const { assignment, progress, pack, items } = await runOf(interaction, assignmentId, deps);
      await show(interaction, renderReview(assignment, progress, studentResult(progress, items), step, pack), deps);
    },
    async [HOMEWORK_ACTIONS.score](interaction, args, deps) {
      const [assignmentId] = parseArgs(IdArgs, args);
      const { assignment, progress, pack, items } = await runOf(interaction, assignmentId, deps);
      await show(
        interaction,
        renderScore(assignment, progress, studentResult(progress, items), pack.article.shortTitle),
        deps,
      );
    },
  },
};
