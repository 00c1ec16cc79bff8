import {
  type APIButtonComponent,
  type APIEmbed,
  ButtonStyle,
  ComponentType,
  escapeMarkdown,
  TimestampStyles,
  time,
} from 'discord.js';
import { DIFFICULTY_LABEL, letter } from '../../content/labels.js';
import type { Pack, QuizItem } from '../../content/schema.js';
import { formatCount, plural } from '../../core/plural.js';
import { LIMITS, truncate } from '../../discord-kit/limits.js';
import { buttonRow, type MessageView } from '../../discord-kit/reply.js';
import { choiceLines, emojiFor, explanationFields } from '../quiz/render.js';
import { COLOUR } from '../reading/render.js';
import { HOMEWORK_BUTTONS } from './buttons.js';
import {
  acceptsWork,
  type ClassStatus,
  type Missed,
  nextPosition,
  type StudentResult,
  studentResult,
} from './engine.js';
import type { Assignment, CardState, HomeworkAnswer, Progress, QuizItems } from './state.js';

/** Homework to Discord messages: pure, so what a student or teacher sees is tested without Discord. */

/** Students listed by name in the status view; the report has everyone. */
export const STATUS_NAMES = 15;

function button(
  label: string,
  customId: string,
  style: ButtonStyle.Primary | ButtonStyle.Secondary = ButtonStyle.Primary,
): APIButtonComponent {
  return { type: ComponentType.Button, style, label, custom_id: customId };
}

function dueText(dueAt: number): string {
  const seconds = Math.floor(dueAt / 1000);
  return `${time(seconds, TimestampStyles.LongDateShortTime)} (${time(seconds, TimestampStyles.RelativeTime)})`;
}

function footer(assignment: Assignment, title: string): { text: string } {
  return { text: truncate(`Homework ${assignment.id} · ${title}`, LIMITS.footer) };
}

function choiceText(item: QuizItem, choice: number): string {
  return `**${letter(choice)}**. ${escapeMarkdown(item.choices[choice] ?? '')}`;
}

const CARD_STATUS: Record<CardState, (a: Assignment) => { name: string; value: string }> = {
  open: () => ({
    name: 'How it works',
    value:
      'Press **Start** to answer on your own, one question at a time, at your own pace: only you see your questions. ' +
      'Your progress is saved after every answer, so you can stop and press **Start** again later to continue. ' +
      'Only your first answer to a question counts.',
  }),
  late: () => ({
    name: '⏰ The due time has passed',
    value: 'Late work is still accepted and marked late. Press **Start** to begin or to continue.',
  }),
  closed: (a) => ({
    name: '🔒 Closed',
    value:
      a.closedAt !== null && a.closedAt < a.dueAt
        ? `Closed by the host ${time(Math.floor(a.closedAt / 1000), TimestampStyles.RelativeTime)}: answers are no longer taken. Press **My result** to see how you did.`
        : 'The due time has passed: answers are no longer taken. Press **My result** to see how you did.',
  }),
};

/** The card in the channel: the article, how many questions, when it is due, and Start (or My result once closed). */
export function renderCard(assignment: Assignment, pack: Pack, state: CardState): MessageView {
  const brief = pack.summaries.brief.map((s) => s.text).join(' ');
  const count = plural(assignment.questionIds.length, 'question');
  const difficulty = assignment.difficulty ? ` · ${DIFFICULTY_LABEL[assignment.difficulty]}` : '';
  const title = state === 'closed' ? 'Homework (closed)' : 'Homework';
  return {
    embeds: [
      {
        title: truncate(`${title}: ${pack.article.shortTitle}`, LIMITS.embedTitle),
        description: truncate(
          `**${escapeMarkdown(pack.article.title)}**\n${escapeMarkdown(brief)}`,
          LIMITS.embedDescription,
        ),
        color: COLOUR,
        fields: [
          { name: 'Questions', value: `${count}${difficulty}`, inline: true },
          { name: 'Due', value: dueText(assignment.dueAt), inline: true },
          CARD_STATUS[state](assignment),
        ],
        footer: footer(assignment, pack.article.shortTitle),
      },
    ],
    components: [
      buttonRow([
        state === 'closed'
          ? button('My result', HOMEWORK_BUTTONS.start.encode({ assignmentId: assignment.id }), ButtonStyle.Secondary)
          : button('Start', HOMEWORK_BUTTONS.start.encode({ assignmentId: assignment.id })),
      ]),
    ],
  };
}

function heading(progress: Progress, position: number): string {
  return `Question ${position + 1} of ${progress.order.length}`;
}

/** One question of a student's run, with a button per choice. */
export function renderHomeworkQuestion(
  assignment: Assignment,
  progress: Progress,
  position: number,
  item: QuizItem,
  title: string,
  note: string | null = null,
): MessageView {
  return {
    ...(note ? { content: note } : {}),
    embeds: [
      {
        title: heading(progress, position),
        description: truncate(`### ${escapeMarkdown(item.question)}\n\n${choiceLines(item)}`, LIMITS.embedDescription),
        color: COLOUR,
        footer: footer(assignment, title),
      },
    ],
    components: [
      buttonRow(
        item.choices.map((choice, i) => {
          const emoji = emojiFor(i);
          return {
            ...button(
              truncate(choice, LIMITS.buttonLabel),
              HOMEWORK_BUTTONS.answer.encode({ assignmentId: assignment.id, position, choice: i }),
            ),
            ...(emoji ? { emoji } : {}),
          };
        }),
      ),
    ],
  };
}

/** After an answer: right or wrong, the right answer, why, and the quote from the article; then Next. */
export function renderVerdict(
  assignment: Assignment,
  progress: Progress,
  position: number,
  item: QuizItem,
  answer: HomeworkAnswer,
  title: string,
  note: string | null = null,
): MessageView {
  const right = item.choices.indexOf(item.answer);
  const verdict = answer.correct ? '✅ correct' : '❌ not this time';
  const said = answer.correct
    ? `You answered ${choiceText(item, answer.choice)}.`
    : `You answered ${choiceText(item, answer.choice)}. The answer is ${choiceText(item, right)}.`;
  const last = position + 1 >= progress.order.length;
  return {
    ...(note ? { content: note } : {}),
    embeds: [
      {
        title: `${heading(progress, position)}: ${verdict}`,
        description: truncate(`### ${escapeMarkdown(item.question)}\n\n${said}`, LIMITS.embedDescription),
        color: COLOUR,
        fields: explanationFields(item),
        footer: footer(assignment, title),
      },
    ],
    components: [
      buttonRow([
        button(last ? 'See my score' : 'Next question', HOMEWORK_BUTTONS.next.encode({ assignmentId: assignment.id })),
      ]),
    ],
  };
}

function missedLine(m: Missed): string {
  const question = m.item ? escapeMarkdown(truncate(m.item.question, 120)) : 'a question no longer in the content';
  const reread = m.item ? ` (reread ¶${m.item.paragraph})` : '';
  const how = m.answer ? '' : ' (not answered)';
  return `**${m.position + 1}.** ${question}${how}${reread}`;
}

/** The end of a run: the score, the questions missed with the paragraph to reread, and Review. */
export function renderScore(
  assignment: Assignment,
  progress: Progress,
  result: StudentResult,
  title: string,
): MessageView {
  const head = result.finished
    ? `Homework done: ${result.correct} of ${plural(result.total, 'question')} correct`
    : `Homework so far: ${result.correct} of ${plural(result.total, 'question')} correct`;
  const lines: string[] = [];
  if (!result.finished) {
    lines.push(`It closed before you finished: you answered ${result.answered} of ${result.total}.`);
  }
  if (progress.late || progress.answers.some((a) => a.late))
    lines.push('-# Handed in after the due time: marked late.');
  if (result.missed.length === 0) lines.push('Every answer right. Well done!');
  else {
    lines.push(`To go over (${result.missed.length}):`, ...result.missed.map(missedLine));
  }
  return {
    embeds: [
      {
        title: truncate(head, LIMITS.embedTitle),
        description: truncate(lines.join('\n'), LIMITS.embedDescription),
        color: COLOUR,
        footer: footer(assignment, title),
      },
    ],
    components:
      result.missed.length > 0
        ? [
            buttonRow([
              button(
                'Review',
                HOMEWORK_BUTTONS.review.encode({ assignmentId: assignment.id, step: 0 }),
                ButtonStyle.Secondary,
              ),
            ]),
          ]
        : [],
  };
}

/** One missed question again, with the right answer and the paragraph to reread; not scored. */
export function renderReview(
  assignment: Assignment,
  progress: Progress,
  result: StudentResult,
  step: number,
  pack: Pack,
): MessageView {
  const m = result.missed[step];
  const title = pack.article.shortTitle;
  if (!m?.item) return renderScore(assignment, progress, result, title);
  const { item } = m;
  const right = item.choices.indexOf(item.answer);
  const yours = m.answer ? `You answered ${choiceText(item, m.answer.choice)}.` : 'You did not answer it.';
  const paragraph = pack.article.paragraphs.find((p) => p.n === item.paragraph);
  const embed: APIEmbed = {
    title: `Review ${step + 1} of ${result.missed.length}: question ${m.position + 1}`,
    description: truncate(
      `### ${escapeMarkdown(item.question)}\n\n${yours}\nThe answer: ${choiceText(item, right)}`,
      LIMITS.embedDescription,
    ),
    color: COLOUR,
    fields: [
      ...explanationFields(item),
      ...(paragraph
        ? [{ name: `Reread ¶${paragraph.n}`, value: truncate(escapeMarkdown(paragraph.text), LIMITS.fieldValue) }]
        : []),
    ],
    footer: { text: truncate(`Review: not scored · Homework ${assignment.id} · ${title}`, LIMITS.footer) },
  };
  const last = step + 1 >= result.missed.length;
  return {
    embeds: [embed],
    components: [
      buttonRow([
        last
          ? button(
              'Back to my score',
              HOMEWORK_BUTTONS.score.encode({ assignmentId: assignment.id }),
              ButtonStyle.Secondary,
            )
          : button(
              'Next missed question',
              HOMEWORK_BUTTONS.review.encode({ assignmentId: assignment.id, step: step + 1 }),
            ),
      ]),
    ],
  };
}

/** Where a student stands at `at`: their next question, or their score when none is left or it closed. */
export function renderRun(
  assignment: Assignment,
  pack: Pack,
  items: QuizItems,
  progress: Progress,
  at: number,
  note: string | null = null,
): MessageView {
  const title = pack.article.shortTitle;
  const position = nextPosition(progress);
  const item = position === null ? undefined : items.get(progress.order[position] ?? '');
  if (position === null || !item || !acceptsWork(assignment, at)) {
    const score = renderScore(assignment, progress, studentResult(progress, items), title);
    return note ? { ...score, content: note } : score;
  }
  return renderHomeworkQuestion(assignment, progress, position, item, title, note);
}

/** What a student reads above their first question, or when they come back. */
export function startNote(kind: 'started' | 'resumed', progress: Progress): string | null {
  if (kind === 'started') {
    return `Your own questions, in your own order; only you see them.${progress.late ? ' The due time has passed, so your work is marked late.' : ''}`;
  }
  const position = nextPosition(progress);
  if (position === null) return null;
  return `Welcome back: you answered ${progress.answers.length} of ${progress.order.length}. Here is question ${position + 1}.`;
}

const STATE_WORDS: Record<CardState, string> = {
  open: 'open',
  late: 'past due, taking late work',
  closed: 'closed',
};

function count(n: number): string {
  return formatCount(n);
}

function studentLine(s: ClassStatus['students'][number]): string {
  const name = escapeMarkdown(truncate(s.name, 40));
  const late = s.late ? ' (late)' : '';
  return s.finished
    ? `✅ ${name}: **${s.correct}/${s.total}**${late}`
    : `⏳ ${name}: ${s.answered} of ${s.total} answered, ${s.correct} correct${late}`;
}

/** The host's short view: counts, a few names with scores (the report has all), and the most-missed questions. */
export function renderStatus(
  assignment: Assignment,
  status: ClassStatus,
  state: CardState,
  title: string,
): MessageView {
  const summary = [
    `Due ${dueText(assignment.dueAt)} · ${STATE_WORDS[state]} · ${plural(assignment.questionIds.length, 'question')}`,
    `**${count(status.started)}** started · **${count(status.finished)}** finished · **${count(status.started - status.finished)}** in progress${status.late > 0 ? ` · ${count(status.late)} late` : ''}`,
    status.averagePercent === null
      ? 'Nobody has finished yet.'
      : `Average score of those who finished: **${status.averagePercent}%**.`,
  ];
  const shown = status.students.slice(0, STATUS_NAMES).map(studentLine);
  const more = status.students.length - shown.length;
  if (more > 0) shown.push(`…and ${plural(more, 'more student')}: /homework report lists everyone.`);
  const missed = status.mostMissed.map(
    (m) =>
      `**${m.wrong} wrong** of ${m.answered}: ${m.item ? escapeMarkdown(truncate(m.item.question, 90)) : m.questionId} (¶${m.item?.paragraph ?? '?'})`,
  );
  return {
    embeds: [
      {
        title: truncate(`Homework ${assignment.id}: ${title}`, LIMITS.embedTitle),
        description: truncate(summary.join('\n'), LIMITS.embedDescription),
        color: COLOUR,
        fields: [
          { name: 'Students', value: truncate(shown.join('\n') || 'Nobody has started yet.', LIMITS.fieldValue) },
          { name: 'Missed most', value: truncate(missed.join('\n') || 'Nothing missed yet.', LIMITS.fieldValue) },
        ],
        footer: { text: '/homework report for the spreadsheets · /homework close to stop taking answers' },
      },
    ],
  };
}
