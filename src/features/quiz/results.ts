import { escapeMarkdown } from 'discord.js';
import { formatCount, plural } from '../../core/plural.js';
import { LIMITS, truncate } from '../../discord-kit/limits.js';
import { choiceOrder, shownLetter } from './choice-order.js';
import { findCorrectChoice } from './scoring.js';
import { roundScores, type ScoreLine, standings } from './standings.js';
import type { Answer, QuizItems, QuizRound, Standing } from './state.js';

/**
 * What one student learns about how they did: after each reveal (edited into
 * their own acknowledgement, or on "My result") and after the round. Pure, over
 * the assembled round.
 */

export interface PersonalResult {
  /** The question the result is about; null for the whole round. */
  readonly index: number | null;
  readonly answer: Answer | undefined;
  /** The right choice's index; null when unknown (item left the content). */
  readonly correctChoice: number | null;
  /** The question's choices (item order) and the order the round showed them in; empty when unknown. */
  readonly choices: readonly string[];
  readonly order: readonly number[];
  readonly points: number;
  /** 1 + players with strictly more points; null when the student has not scored or answered yet. */
  readonly rank: number | null;
  readonly players: number;
  readonly correct: number;
  /** Questions shown so far in the round (skipped ones count). */
  readonly asked: number;
}

/** The round as it stood once question `index` was revealed: answers to later questions left out. */
export function roundUpTo(round: QuizRound, index: number): QuizRound {
  return { ...round, answers: round.answers.map((list, i) => (i <= index ? list : [])) };
}

/**
 * Every named student's result for question `index` (null: the whole round), from one pass over
 * the round: a reveal tells hundreds of students at once, and scoring the round again for each
 * of them made every reveal cost students × answers so far.
 */
export function personalResults(
  round: QuizRound,
  index: number | null,
  userIds: readonly string[],
  items: QuizItems,
): Map<string, PersonalResult> {
  const upTo = index ?? round.index;
  const lines = roundScores(roundUpTo(round, upTo));
  const byUser = new Map(lines.map((l) => [l.userId, l]));
  // Rank = 1 + players with strictly more points: the first position of a score in descending order.
  const points = lines.map((l) => l.points).sort((a, b) => b - a);
  const rankOfPoints = new Map<number, number>();
  points.forEach((p, i) => {
    if (!rankOfPoints.has(p)) rankOfPoints.set(p, i + 1);
  });
  const answers = new Map((index === null ? [] : (round.answers[index] ?? [])).map((a) => [a.userId, a]));
  const item = index === null ? undefined : items.get(round.questionIds[index] ?? '');
  const correctChoice = item ? findCorrectChoice(item) : null;
  const choices = item?.choices ?? [];
  const order = index === null ? [] : choiceOrder(round.roundId, index, choices.length);
  const results = new Map<string, PersonalResult>();
  for (const userId of userIds) {
    const line = byUser.get(userId);
    results.set(userId, {
      index,
      answer: answers.get(userId),
      correctChoice,
      choices,
      order,
      points: line?.points ?? 0,
      rank: line ? (rankOfPoints.get(line.points) ?? null) : null,
      players: lines.length,
      correct: line?.correct ?? 0,
      asked: upTo + 1,
    });
  }
  return results;
}

/** A student's result for question `index` (null: the whole round), counting the questions up to it. */
export function personalResult(
  round: QuizRound,
  index: number | null,
  userId: string,
  items: QuizItems,
): PersonalResult {
  const result = personalResults(round, index, [userId], items).get(userId);
  if (!result) throw new Error('personalResults left out the one student asked for');
  return result;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const ones = n % 10;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ones === 1 ? 'st' : ones === 2 ? 'nd' : ones === 3 ? 'rd' : 'th';
  return `${formatCount(n)}${suffix}`;
}

function standingText(r: PersonalResult): string {
  if (r.rank === null) return '';
  return `You have **${plural(r.points, 'point')}** this round: rank **${r.rank}** of ${r.players}, ${r.correct} of ${plural(r.asked, 'question')} correct.`;
}

/** A choice as the student saw it: the letter of its place in the round's order, and its text. */
function shownChoice(r: PersonalResult, choice: number): string {
  const text = r.choices[choice];
  const mark = `**${shownLetter(r.order, choice)}**`;
  // Cut like its button label, so a result stays far inside a message's limit.
  return text === undefined ? mark : `${mark} (${escapeMarkdown(truncate(text, LIMITS.buttonLabel))})`;
}

/** The words a student reads about their result. */
export function personalResultText(r: PersonalResult): string {
  if (r.index === null) {
    if (r.rank === null) return 'You did not answer in this round.';
    return `Round over: you finished **${ordinal(r.rank)}** of ${r.players} with ${plural(r.points, 'point')}, ${r.correct} of ${plural(r.asked, 'question')} correct.`;
  }
  const number = r.index + 1;
  const right = r.correctChoice !== null ? ` The answer was ${shownChoice(r, r.correctChoice)}.` : '';
  const head = !r.answer
    ? `**Question ${number}:** you did not answer.${right}`
    : r.answer.correct
      ? `**Question ${number}: ✅ correct!** You answered ${shownChoice(r, r.answer.choice)}: +${plural(r.answer.points, 'point')}.`
      : `**Question ${number}: ❌ not this time.** You answered ${shownChoice(r, r.answer.choice)}.${right}`;
  const standing = standingText(r);
  return standing ? `${head}\n${standing}` : head;
}

function rankOf(lines: readonly ScoreLine[], userId: string): { rank: number | null } {
  const line = lines.find((l) => l.userId === userId);
  if (!line) return { rank: null };
  return { rank: 1 + lines.filter((l) => l.points > line.points).length };
}

export interface MovingStanding extends Standing {
  /** Places gained since the previous question (negative: lost); null when new on the board. */
  readonly moved: number | null;
}

/** The top of the round after question `index`, each with how far they moved since the question before. */
export function topWithMovement(round: QuizRound, index: number, limit: number): MovingStanding[] {
  const now = standings(roundScores(roundUpTo(round, index)), limit);
  if (index === 0) return now.map((s) => ({ ...s, moved: null }));
  const before = roundScores(roundUpTo(round, index - 1));
  return now.map((s) => {
    const { rank } = rankOf(before, s.userId);
    return { ...s, moved: rank === null ? null : rank - s.rank };
  });
}
