import { ButtonStyle, ComponentType, subtext } from 'discord.js';
import type { Catalogue } from '../../content/catalogue.js';
import { DIFFICULTY_LABEL } from '../../content/labels.js';
import type { Pack } from '../../content/schema.js';
import { plural } from '../../core/plural.js';
import { messageLink, type Place } from '../../discord-kit/context.js';
import { UserError } from '../../discord-kit/errors.js';
import { LIMITS, truncate } from '../../discord-kit/limits.js';
import { buttonRow, type MessageView } from '../../discord-kit/reply.js';
import type { GuildStore } from '../../store/index.js';
import { resolvePack } from '../settings/article-option.js';
import { type ChannelActivity, startHolding } from '../settings/channel-activity.js';
import { QUIZ_BUTTONS } from './buttons.js';
import type { AnswerEvent } from './engine.js';
import type { QuizStartArgs } from './options.js';
import { quizTotalsRecord } from './records.js';
import { answerReplyText, historyLabel, renderLeaderboard } from './render.js';
import { type RoundReport, roundReport } from './round-csv.js';
import type { AnswerAck, QuizRuntime, StartOutcome } from './runtime.js';
import { allTimeStandings, askedIn, personalScore, roundStandings } from './standings.js';
import { QUESTION_COUNT, SECONDS } from './state.js';

/** What the quiz's commands and buttons do, with Discord left to the command module. */

export interface QuizDeps {
  readonly quiz: QuizRuntime;
  readonly store: GuildStore;
  readonly catalogue: Catalogue;
  readonly channels: ChannelActivity;
  readonly now: () => number;
}

/** Which question of which round a host button belongs to. */
interface QuestionRef {
  readonly roundId: string;
  readonly index: number;
}

const RESET_WINDOW_MS = 5 * 60_000;
const ROUND_OVER = 'This round has ended. A host can start a new one with /quiz start.';
const NO_ROUND_HERE = 'No quiz round has been played in this channel yet.';

// Limits phrased as advice: what to choose, not what the schema said.
function startErrorText(field: string, message: string): string {
  if (field === 'scoring')
    return `Speed scoring needs a timer: choose \`seconds\` from ${SECONDS.min} to ${SECONDS.max}, or \`scoring: simple\`.`;
  if (field === 'seconds') return `Choose ${SECONDS.min} to ${SECONDS.max} seconds, or 0 for no timer.`;
  if (field === 'count') return `Choose ${QUESTION_COUNT.min} to ${QUESTION_COUNT.max} questions.`;
  return `That setting does not work (${field}: ${message}).`;
}

function introOf(pack: Pack, outcome: Extract<StartOutcome, { kind: 'started' }>): MessageView {
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
  return { content: truncate(lines.join('\n'), LIMITS.content) };
}

/**
 * Starts a round in the channel, unless a session holds it, and returns the
 * class's intro; a refusal is a UserError in the host's words.
 */
export async function startQuiz(
  deps: QuizDeps,
  place: Place,
  hostId: string,
  args: QuizStartArgs,
): Promise<MessageView> {
  const { guildId, channelId } = place;
  const pack = await resolvePack(deps, guildId, args.article);
  const { questions, seconds, scoring, difficulty, auto } = args;
  const options = { questions, seconds, scoring, difficulty, auto, hostPlays: args.host_plays };
  const held = await startHolding(deps.channels, place, 'quiz', () =>
    deps.quiz.start({ guildId, channelId, hostId, pack, options }),
  );
  if (held.kind === 'taken') {
    throw new UserError('A discussion session is running in this channel: end it with /session end first.');
  }
  const outcome = held.result;
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
  return introOf(pack, outcome);
}

/** Ends the round now; `roundId` null: whichever runs in the channel (the slash command). */
export async function stopQuiz(deps: QuizDeps, place: Place, { roundId }: { roundId: string | null }): Promise<void> {
  const reply = await deps.quiz.stop(place.guildId, place.channelId, roundId);
  if (reply.kind !== 'stopped') {
    throw new UserError(roundId === null ? 'No quiz round is running in this channel.' : ROUND_OVER);
  }
}

export async function revealAnswer(deps: QuizDeps, place: Place, { roundId, index }: QuestionRef): Promise<void> {
  const reply = await deps.quiz.reveal(place.guildId, place.channelId, roundId, index);
  if (reply.kind === 'revealed') return;
  if (reply.kind === 'closed') throw new UserError('This question is already revealed.');
  if (reply.kind === 'wrong-question') throw new UserError('That question is over; the round has moved on.');
  throw new UserError(ROUND_OVER);
}

export async function nextQuestion(deps: QuizDeps, place: Place, { roundId, index }: QuestionRef): Promise<void> {
  const reply = await deps.quiz.next(place.guildId, place.channelId, roundId, index);
  if (reply.kind === 'advanced' || reply.kind === 'finished') return;
  if (reply.kind === 'still-open') throw new UserError('Reveal the answer first.');
  if (reply.kind === 'wrong-question') throw new UserError('The round has already moved on.');
  throw new UserError(ROUND_OVER);
}

/** A student's click on a choice: what they are told, privately. */
export async function answer(
  deps: QuizDeps,
  place: Place,
  click: AnswerEvent,
  clickedAt: number,
  ack: AnswerAck,
): Promise<string> {
  const { reply, order } = await deps.quiz.answer(place.guildId, place.channelId, click, clickedAt, ack);
  return answerReplyText(reply, order);
}

export async function myResult(
  deps: QuizDeps,
  guildId: string,
  roundId: string,
  index: number,
  userId: string,
): Promise<string> {
  const text = await deps.quiz.myResult(guildId, roundId, index, userId);
  if (text === null) throw new UserError('That round is no longer kept on this server.');
  return text;
}

export async function leaderboard(deps: QuizDeps, place: Place, scope: 'round' | 'all-time'): Promise<MessageView> {
  if (scope === 'round') {
    const round = await deps.quiz.latestRound(place.guildId, place.channelId);
    if (!round) throw new UserError(NO_ROUND_HERE);
    const running = round.phase !== 'finished';
    return renderLeaderboard(
      running ? 'Leaderboard: this round so far' : 'Leaderboard: the last round here',
      roundStandings(round),
      `Round ${round.roundId} · question ${round.index + 1} of ${round.questionIds.length}`,
      { kind: 'round', asked: askedIn(round) },
    );
  }
  const totals = await deps.store.read(place.guildId, quizTotalsRecord);
  return renderLeaderboard(
    'Leaderboard: all time',
    allTimeStandings(totals.scores),
    `${plural(Object.keys(totals.scores).length, 'player')} · ${plural(totals.history.length, 'round')} kept · ranked by correct answers · /quiz score for yours`,
    { kind: 'all-time' },
  );
}

export async function scoreText(deps: QuizDeps, guildId: string, userId: string): Promise<string> {
  const totals = await deps.store.read(guildId, quizTotalsRecord);
  const mine = personalScore(totals.scores, userId);
  return mine
    ? `You have **${mine.correct} correct** of ${plural(mine.answered, 'answer')} (${Math.round((mine.accuracy ?? 0) * 100)}%) over ${plural(mine.rounds, 'round')}: rank **${mine.rank}** of ${mine.of}.`
    : 'You have no answers counted yet on this server: join the next quiz round! (Rounds count once they finish.)';
}

/** The confirmation a host must press to clear the scores: theirs alone, for five minutes. */
export function resetConfirmation(hostId: string, now: number): MessageView {
  const expires = Math.floor((now + RESET_WINDOW_MS) / 1000);
  return {
    content: "This clears every player's all-time points on this server. Round history and reports stay. Are you sure?",
    components: [
      buttonRow([
        {
          type: ComponentType.Button,
          style: ButtonStyle.Danger,
          label: 'Yes, clear all scores',
          custom_id: QUIZ_BUTTONS.reset.encode({ ownerId: hostId, expires }),
        },
        {
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          label: 'Cancel',
          custom_id: QUIZ_BUTTONS.resetCancel.encode({}),
        },
      ]),
    ],
  };
}

/** Refuses a confirmation that is not the clicker's or has expired; the caller then clears the scores. */
export function checkResetConfirmation(ownerId: string, expires: number, userId: string, now: number): void {
  if (ownerId !== userId) throw new UserError('Only the host who asked can confirm this.');
  if (now > expires * 1000) throw new UserError('This confirmation has expired. Run /quiz reset again.');
}

/** Clears every player's all-time points; round history and reports stay. */
export async function resetScores(deps: QuizDeps, guildId: string): Promise<void> {
  await deps.store.update(guildId, quizTotalsRecord, (totals) => ({ value: { ...totals, scores: {} }, result: null }));
}

export async function roundReportOf(deps: QuizDeps, place: Place, wanted: string | null): Promise<RoundReport> {
  const round = wanted
    ? await deps.quiz.findRound(place.guildId, wanted)
    : await deps.quiz.latestRound(place.guildId, place.channelId);
  if (!round) {
    throw new UserError(
      wanted
        ? `No round "${truncate(wanted, 40)}" is kept on this server. Pick one from the list as you type.`
        : NO_ROUND_HERE,
    );
  }
  const pack = deps.catalogue.pack(round.article);
  return roundReport(round, new Map((pack?.quiz ?? []).map((i) => [i.id, i])));
}

/** The kept rounds matching what the host types, for the report's autocomplete. */
export async function roundChoices(deps: QuizDeps, guildId: string, query: string) {
  const totals = await deps.store.read(guildId, quizTotalsRecord);
  const wanted = query.toLowerCase();
  return totals.history
    .filter((h) => historyLabel(h).toLowerCase().includes(wanted))
    .slice(0, LIMITS.choices)
    .map((h) => ({ name: truncate(historyLabel(h), LIMITS.choiceName), value: h.roundId }));
}
