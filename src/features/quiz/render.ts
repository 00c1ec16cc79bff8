import {
  type APIButtonComponent,
  type APIEmbedField,
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
  subtext,
  TimestampStyles,
  time,
} from 'discord.js';
import { DIFFICULTY_LABEL, letter } from '../../content/labels.js';
import type { QuizItem } from '../../content/schema.js';
import { plural } from '../../core/plural.js';
import { LIMITS, truncate } from '../../discord-kit/limits.js';
import { buttonRow, type MessageView } from '../../discord-kit/reply.js';
import { COLOUR, sourceFields } from '../reading/render.js';
import { QUIZ_BUTTONS } from './buttons.js';
import { choiceOrder, shownLetter } from './choice-order.js';
import type { AnswerReply } from './engine.js';
import type { MovingStanding } from './results.js';
import type { RevealView } from './reveal.js';
import { askedIn } from './standings.js';
import type { HistoryEntry, QuizRound, Standing } from './state.js';

/** Quiz state to Discord messages: pure, so what a student sees is tested without Discord. */

const LETTER_EMOJI = ['🇦', '🇧', '🇨', '🇩'] as const;
const MEDALS = ['🥇', '🥈', '🥉'] as const;
const BAR_WIDTH = 12;

/** How many of the round's leaders each reveal shows. */
export const TOP_AFTER_REVEAL = 5;

/** The letter emoji of choice `index`, for its button. */
export function emojiFor(index: number): { name: string } | undefined {
  const name = LETTER_EMOJI[index];
  return name ? { name } : undefined;
}

/** The item's choice indexes in the order they are shown: `order` when given, else the item's own. */
function shownChoices(item: QuizItem, order?: readonly number[]): { choice: string; index: number }[] {
  const indexes = order ?? item.choices.map((_, i) => i);
  return indexes.flatMap((index) => {
    const choice = item.choices[index];
    return choice === undefined ? [] : [{ choice, index }];
  });
}

/** The round's order of question `index`'s choices (see choiceOrder). */
function roundChoiceOrder(round: QuizRound, index: number, item: QuizItem): number[] {
  return choiceOrder(round.roundId, index, item.choices.length);
}

// Lettered by position; the custom id carries the item's index, which is what the engine records.
function answerButtons(round: QuizRound, item: QuizItem, correct: number | null): APIButtonComponent[] {
  return shownChoices(item, roundChoiceOrder(round, round.index, item)).map(({ choice, index }, position) => {
    const emoji = emojiFor(position);
    return {
      type: ComponentType.Button,
      style: correct === null ? ButtonStyle.Primary : index === correct ? ButtonStyle.Success : ButtonStyle.Secondary,
      label: truncate(choice, LIMITS.buttonLabel),
      custom_id: QUIZ_BUTTONS.answer.encode({ roundId: round.roundId, index: round.index, choice: index }),
      disabled: correct !== null,
      ...(emoji ? { emoji } : {}),
    };
  });
}

function questionTitle(round: QuizRound, index: number): string {
  return `Question ${index + 1} of ${round.questionIds.length}`;
}

function footer(round: QuizRound, item: QuizItem, articleTitle: string): string {
  return truncate(`${DIFFICULTY_LABEL[item.difficulty]} · ${articleTitle} · round ${round.roundId}`, LIMITS.footer);
}

/** The choices as a question shows them, in `order` (display position -> item index; default the item's): one line each, with its letter. */
export function choiceLines(item: QuizItem, order?: readonly number[]): string {
  return shownChoices(item, order)
    .map(({ choice }, position) => `${LETTER_EMOJI[position] ?? letter(position)} ${escapeMarkdown(choice)}`)
    .join('\n');
}

/** What a revealed answer explains: why, the quote from the article with its paragraph, and any sources. */
export function explanationFields(item: QuizItem): APIEmbedField[] {
  const fields: APIEmbedField[] = [
    { name: 'Why', value: truncate(escapeMarkdown(item.explanation), LIMITS.fieldValue) },
    {
      name: `From the article (¶${item.paragraph})`,
      value: truncate(`> ${escapeMarkdown(item.quote)}`, LIMITS.fieldValue),
    },
  ];
  fields.push(...sourceFields(item.sources));
  return fields;
}

export function renderQuestion(round: QuizRound, item: QuizItem, articleTitle: string): MessageView {
  const answered = round.answers[round.index]?.length ?? 0;
  const timing =
    round.deadline === null
      ? 'No timer: the host reveals the answer.'
      : `Closes ${time(Math.ceil(round.deadline / 1000), TimestampStyles.RelativeTime)}`;
  const choices = choiceLines(item, roundChoiceOrder(round, round.index, item));
  return {
    embeds: [
      {
        title: questionTitle(round, round.index),
        description: truncate(`### ${escapeMarkdown(item.question)}\n\n${choices}`, LIMITS.embedDescription),
        color: COLOUR,
        fields: [
          { name: 'Time', value: timing, inline: true },
          { name: 'Answered', value: String(answered), inline: true },
        ],
        footer: { text: footer(round, item, articleTitle) },
      },
    ],
    components: [
      buttonRow(answerButtons(round, item, null)),
      buttonRow([
        {
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          label: 'Reveal (host)',
          custom_id: QUIZ_BUTTONS.reveal.encode({ roundId: round.roundId, index: round.index }),
        },
        {
          type: ComponentType.Button,
          style: ButtonStyle.Danger,
          label: 'End round (host)',
          custom_id: QUIZ_BUTTONS.stop.encode({ roundId: round.roundId }),
        },
      ]),
    ],
  };
}

function bar(count: number, total: number): string {
  const filled = total === 0 ? 0 : Math.round((count / total) * BAR_WIDTH);
  return `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
}

function movement(moved: number | null): string {
  if (moved === null) return ' 🆕';
  if (moved > 0) return ` ▲${moved}`;
  if (moved < 0) return ` ▼${-moved}`;
  return '';
}

function topLines(top: readonly MovingStanding[]): string {
  return top
    .map((r) => {
      const medal = MEDALS[r.rank - 1] ?? `**${r.rank}.**`;
      return `${medal} ${escapeMarkdown(r.name)}: ${plural(r.points, 'point')}${movement(r.moved)}`;
    })
    .join('\n');
}

/** Everyone can ask how they did, privately: those whose acknowledgement was not edited, or who missed it. */
function myResultButton(roundId: string, index: number): APIButtonComponent {
  return {
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label: 'My result',
    custom_id: QUIZ_BUTTONS.mine.encode({ roundId, index }),
  };
}

export function renderReveal(
  round: QuizRound,
  item: QuizItem,
  view: RevealView,
  articleTitle: string,
  top: readonly MovingStanding[] = [],
): MessageView {
  const lines = shownChoices(item, roundChoiceOrder(round, view.index, item)).map(({ choice, index }, position) => {
    const count = view.counts[index] ?? 0;
    const percent = view.answered === 0 ? 0 : Math.round((count / view.answered) * 100);
    const mark = index === view.correct ? '✅' : '▫️';
    return `${mark} ${LETTER_EMOJI[position] ?? letter(position)} ${escapeMarkdown(choice)}\n\`${bar(count, view.answered)}\` ${count} (${percent}%)`;
  });
  const fields = explanationFields(item);
  const fastest = view.winners.slice(0, 3).map((w) => `${escapeMarkdown(w.displayName)} (+${w.points})`);
  fields.push({
    name: 'Answered',
    value: truncate(
      `${view.answered} answered, ${view.winners.length} correct${fastest.length > 0 ? ` · fastest: ${fastest.join(', ')}` : ''}`,
      LIMITS.fieldValue,
    ),
  });
  if (top.length > 0) {
    fields.push({ name: 'Top of the round', value: truncate(topLines(top), LIMITS.fieldValue) });
  }
  const last = round.index + 1 >= round.questionIds.length;
  const hostRow: APIButtonComponent[] = [];
  if (round.phase === 'question-closed' && view.index === round.index) {
    hostRow.push({
      type: ComponentType.Button,
      style: ButtonStyle.Primary,
      label: last ? 'Final standings (host)' : 'Next question (host)',
      custom_id: QUIZ_BUTTONS.next.encode({ roundId: round.roundId, index: round.index }),
    });
    if (!last) {
      hostRow.push({
        type: ComponentType.Button,
        style: ButtonStyle.Danger,
        label: 'End round (host)',
        custom_id: QUIZ_BUTTONS.stop.encode({ roundId: round.roundId }),
      });
    }
  }
  const auto =
    round.advanceAt !== null && view.index === round.index
      ? `\n${subtext(`${last ? 'Final standings' : 'Next question'} ${time(Math.ceil(round.advanceAt / 1000), TimestampStyles.RelativeTime)}`)}`
      : '';
  const revealedRound = { ...round, index: view.index };
  return {
    embeds: [
      {
        title: `${questionTitle(round, view.index)}: the answer`,
        description: truncate(
          `### ${escapeMarkdown(item.question)}\n\n${lines.join('\n')}${auto}`,
          LIMITS.embedDescription,
        ),
        color: COLOUR,
        fields,
        footer: { text: footer(round, item, articleTitle) },
      },
    ],
    components: [
      buttonRow(answerButtons(revealedRound, item, view.correct)),
      buttonRow([...hostRow, myResultButton(round.roundId, view.index)]),
    ],
  };
}

/**
 * What a board counts: a round's points, out of the questions asked (a
 * skipped question is not hidden), or all-time correct answers.
 */
export type BoardMeasure = { readonly kind: 'round'; readonly asked: number } | { readonly kind: 'all-time' };

export function standingLines(rows: readonly Standing[], measure: BoardMeasure): string {
  if (rows.length === 0) return 'Nobody answered.';
  return rows
    .map((r) => {
      const medal = MEDALS[r.rank - 1] ?? `**${r.rank}.**`;
      const score =
        measure.kind === 'round'
          ? `**${plural(r.points, 'point')}** (${r.correct}/${measure.asked} correct)`
          : `**${r.correct} correct** of ${plural(r.answered, 'answer')}`;
      return `${medal} ${escapeMarkdown(r.name)}: ${score}`;
    })
    .join('\n');
}

export function renderStandings(round: QuizRound, rows: readonly Standing[], players: number): MessageView {
  const ended =
    round.endedBy === 'stopped' ? `Round ended by the host after question ${round.index + 1}.` : 'Round complete.';
  return {
    embeds: [
      {
        title: 'Final standings',
        description: truncate(
          `${ended} ${plural(players, 'player')}.\n\n${standingLines(rows, { kind: 'round', asked: askedIn(round) })}`,
          LIMITS.embedDescription,
        ),
        color: COLOUR,
        footer: { text: `Round ${round.roundId} · /quiz leaderboard for all-time scores · /quiz report for the CSV` },
      },
    ],
    components: [buttonRow([myResultButton(round.roundId, round.questionIds.length)])],
  };
}

export function renderLeaderboard(
  title: string,
  rows: readonly Standing[],
  note: string,
  measure: BoardMeasure,
): MessageView {
  return {
    embeds: [
      {
        title: truncate(title, LIMITS.embedTitle),
        description: truncate(standingLines(rows, measure), LIMITS.embedDescription),
        color: COLOUR,
        footer: { text: truncate(note, LIMITS.footer) },
      },
    ],
  };
}

export function historyLabel(entry: HistoryEntry): string {
  const when = new Date(entry.startedAt).toISOString().slice(0, 16).replace('T', ' ');
  return `${when} UTC · ${plural(entry.players, 'player')} · ${plural(entry.questionsShown, 'question')} (${entry.roundId})`;
}

/** Said when an answer could not be saved: nothing was recorded, so the student can click again. */
export const ANSWER_NOT_SAVED =
  "The bot's storage is unavailable right now; your answer was not saved. Try again in a moment.";

/**
 * The ephemeral acknowledgement of a click, in the words a student reads. `order` is the
 * question's choice order, so the letter is the one the student saw.
 */
export function answerReplyText(reply: AnswerReply, order: readonly number[] = []): string {
  switch (reply.kind) {
    case 'accepted':
      return `Answer received: **${shownLetter(order, reply.choice)}**. Your result appears here at the reveal.`;
    case 'already-answered':
      return `You already answered **${shownLetter(order, reply.choice)}**. Your first answer is the one that counts.`;
    case 'closed':
      return 'This question has closed: answers are no longer taken.';
    case 'round-ended':
      return 'This round has ended. Ask your host to start a new one with /quiz start.';
    case 'wrong-question':
      return `This button belongs to an earlier question. Answer question ${reply.current + 1} instead.`;
    case 'invalid-choice':
      return 'That is not one of the choices.';
    case 'unavailable':
      return 'This question is no longer available. Tell your host.';
    case 'store-unavailable':
      return ANSWER_NOT_SAVED;
    case 'host-not-playing':
      return 'You are hosting this round, so your answers do not count. To play along, start a round with `host_plays: True`.';
  }
}
