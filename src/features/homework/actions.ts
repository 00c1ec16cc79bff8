import { type ButtonInteraction, MessageFlags, TimestampStyles, time } from 'discord.js';
import type { Catalogue } from '../../content/catalogue.js';
import type { Difficulty, Pack } from '../../content/schema.js';
import { plural } from '../../core/plural.js';
import type { Place } from '../../discord-kit/context.js';
import { UserError } from '../../discord-kit/errors.js';
import { LIMITS, truncate } from '../../discord-kit/limits.js';
import { type MessageView, toMessage, toReply } from '../../discord-kit/reply.js';
import { cardState, classStatus, parseDue, type Student, studentResult } from './engine.js';
import { renderReview, renderRun, renderScore, renderStatus, renderVerdict, startNote } from './render.js';
import { homeworkReport } from './report.js';
import type { HomeworkRuntime, Loaded } from './runtime.js';
import { DEFAULT_DUE, HOMEWORK_QUESTIONS, type Progress } from './state.js';

/** What homework's commands and buttons do, with Discord left to the command module. */

export interface HomeworkDeps {
  readonly homework: HomeworkRuntime;
  readonly catalogue: Catalogue;
  readonly now: () => number;
}

/** Interaction tokens last 15 minutes: an ephemeral run older than this gets a fresh reply, not an edit. */
const EPHEMERAL_TTL_MS = 14 * 60_000;
const GONE = 'This homework is no longer kept on this server.';
const NOT_STARTED = 'Press **Start** on the homework card first.';
const CLOSED = 'This homework is closed: answers are no longer taken.';

/**
 * A student's run is one ephemeral message, edited as they go; once its token
 * has expired the next step comes as a fresh ephemeral reply instead.
 */
export async function showRun(interaction: ButtonInteraction, view: MessageView, now: number): Promise<void> {
  const { message } = interaction;
  const ephemeral = message.flags.has(MessageFlags.Ephemeral);
  if (ephemeral && now - message.createdTimestamp < EPHEMERAL_TTL_MS) {
    await interaction.update(toMessage(view));
  } else {
    await interaction.reply(toReply(view, true));
  }
}

function current(loaded: Loaded, progress: Progress, at: number, note: string | null = null): MessageView {
  return renderRun(loaded.assignment, loaded.pack, loaded.items, progress, at, note);
}

/** The homework a host names, else the newest in the channel. */
async function which(deps: HomeworkDeps, place: Place, wanted: string | null) {
  const found = await deps.homework.find(place.guildId, wanted, place.channelId);
  if (!found) {
    throw new UserError(
      wanted
        ? `No homework "${truncate(wanted, 20)}" is kept on this server. Pick one from the list as you type.`
        : 'No homework has been set on this server yet: set some with /homework assign.',
    );
  }
  return found;
}

async function everyone(deps: HomeworkDeps, place: Place, wanted: string | null) {
  const loaded = await deps.homework.everyone(place.guildId, (await which(deps, place, wanted)).id);
  if (!loaded) throw new UserError(GONE);
  return loaded;
}

export interface AssignInput {
  readonly hostId: string;
  readonly pack: Pack;
  readonly questions: number | null;
  readonly difficulty: Difficulty | null;
  readonly late: boolean;
}

/** The due time a host typed, refused in their words before anything is deferred. */
export function dueAtOf(due: string | null, now: number): number {
  const parsed = parseDue(due ?? DEFAULT_DUE, now);
  if (!parsed.ok) throw new UserError(parsed.message);
  return parsed.dueAt;
}

/** Posts the card and returns what the host is told. */
export async function assignHomework(
  deps: HomeworkDeps,
  place: Place,
  input: AssignInput,
  dueAt: number,
): Promise<MessageView> {
  const { pack, late } = input;
  const outcome = await deps.homework.assign({
    ...place,
    hostId: input.hostId,
    pack,
    options: { questions: input.questions, difficulty: input.difficulty, dueAt, late },
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
  return { content: truncate(lines.join('\n'), LIMITS.content) };
}

export async function statusOf(deps: HomeworkDeps, place: Place, wanted: string | null): Promise<MessageView> {
  const loaded = await everyone(deps, place, wanted);
  return renderStatus(
    loaded.assignment,
    classStatus(loaded.assignment, loaded.progresses, loaded.items),
    cardState(loaded.assignment, deps.now()),
    loaded.pack.article.shortTitle,
  );
}

export async function reportOf(deps: HomeworkDeps, place: Place, wanted: string | null): Promise<MessageView> {
  const loaded = await everyone(deps, place, wanted);
  const made = homeworkReport(loaded.assignment, loaded.progresses, loaded.items);
  return { content: made.summary, files: made.files.map((f) => ({ name: f.name, data: f.text })) };
}

export async function closeHomework(deps: HomeworkDeps, place: Place, wanted: string | null): Promise<MessageView> {
  const { id } = await which(deps, place, wanted);
  const closed = await deps.homework.close(place.guildId, id);
  if (closed === null) throw new UserError(GONE);
  return {
    content: closed
      ? `Homework **${id}** is closed: its card says so and no more answers are taken. Students can still see their result.`
      : `Homework **${id}** was already closed.`,
  };
}

/** A student presses Start (or My result): their run from where they left it. */
export async function beginRun(
  deps: HomeworkDeps,
  guildId: string,
  assignmentId: string,
  student: Student,
  at: number,
): Promise<MessageView> {
  const found = await deps.homework.begin(guildId, assignmentId, student, at);
  if (!found) throw new UserError(GONE);
  const { outcome } = found;
  if (!outcome.progress) throw new UserError(CLOSED);
  const note = outcome.kind === 'closed' ? CLOSED : startNote(outcome.kind, outcome.progress);
  return current(found, outcome.progress, at, note);
}

export async function answerQuestion(
  deps: HomeworkDeps,
  guildId: string,
  userId: string,
  click: { assignmentId: string; position: number; choice: number },
  at: number,
): Promise<MessageView> {
  const { assignmentId, position, choice } = click;
  const found = await deps.homework.answer(guildId, assignmentId, userId, { position, choice }, at);
  if (!found) throw new UserError(GONE);
  const { outcome, progress, assignment, pack, items } = found;
  if (!progress) throw new UserError(NOT_STARTED);
  const item = items.get(progress.order[position] ?? '');
  if ((outcome.kind === 'recorded' || outcome.kind === 'already-answered') && item) {
    const note =
      outcome.kind === 'already-answered'
        ? 'You already answered this question: your first answer is the one that counts.'
        : null;
    return renderVerdict(assignment, progress, position, item, outcome.answer, pack.article.shortTitle, note);
  }
  return current(found, progress, at, outcome.kind === 'closed' ? CLOSED : 'Answer this question first.');
}

/** The student's progress for a button on their run; refuses those who never started. */
async function runOf(deps: HomeworkDeps, guildId: string, assignmentId: string, userId: string) {
  const found = await deps.homework.progressOf(guildId, assignmentId, userId);
  if (!found) throw new UserError(GONE);
  if (!found.progress) throw new UserError(NOT_STARTED);
  return { ...found, progress: found.progress };
}

export async function nextOfRun(deps: HomeworkDeps, guildId: string, assignmentId: string, userId: string, at: number) {
  const found = await runOf(deps, guildId, assignmentId, userId);
  return current(found, found.progress, at);
}

export async function reviewOfRun(
  deps: HomeworkDeps,
  guildId: string,
  click: { assignmentId: string; step: number },
  userId: string,
) {
  const { assignment, progress, pack, items } = await runOf(deps, guildId, click.assignmentId, userId);
  return renderReview(assignment, progress, studentResult(progress, items), click.step, pack);
}

export async function scoreOfRun(deps: HomeworkDeps, guildId: string, assignmentId: string, userId: string) {
  const { assignment, progress, pack, items } = await runOf(deps, guildId, assignmentId, userId);
  return renderScore(assignment, progress, studentResult(progress, items), pack.article.shortTitle);
}

/** The server's homework matching what the host types, for the `assignment` autocomplete. */
export async function assignmentChoices(deps: HomeworkDeps, guildId: string, query: string) {
  const wanted = query.toLowerCase();
  return (await deps.homework.list(guildId))
    .map((e) => {
      const title = deps.catalogue.pack(e.article)?.article.shortTitle ?? e.article;
      const due = new Date(e.dueAt).toISOString().slice(0, 16).replace('T', ' ');
      return { name: truncate(`${e.id} · ${title} · due ${due} UTC`, LIMITS.choiceName), value: e.id };
    })
    .filter((c) => c.name.toLowerCase().includes(wanted))
    .slice(0, LIMITS.choices);
}
