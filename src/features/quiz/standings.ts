import { compareText } from '../../core/compare.js';
import {
  type AllTimeScores,
  type HistoryEntry,
  LEADERBOARD_SIZE,
  type QuizControl,
  type QuizRound,
  type Standing,
} from './state.js';

export interface ScoreLine {
  readonly userId: string;
  readonly name: string;
  readonly points: number;
  readonly correct: number;
  readonly answered: number;
}

export interface PersonalScore {
  /** By correct answers, shared with everyone on as many. */
  readonly rank: number;
  /** Players on the server's scoreboard. */
  readonly of: number;
  readonly correct: number;
  readonly answered: number;
  readonly rounds: number;
  /** Share of correct answers, 0 to 1; null before the first answer. */
  readonly accuracy: number | null;
}

/** Questions the class has seen in a round, the current one included. */
export function askedIn(round: QuizControl): number {
  return Math.min(round.index + 1, round.questionIds.length);
}

/** Totals per player of one round, in order of first answer; names are the latest seen. */
export function roundScores(state: QuizRound): ScoreLine[] {
  const totals = new Map<string, ScoreLine>();
  for (const list of state.answers) {
    for (const a of list) {
      const before = totals.get(a.userId);
      totals.set(a.userId, {
        userId: a.userId,
        name: a.displayName,
        points: (before?.points ?? 0) + a.points,
        correct: (before?.correct ?? 0) + (a.correct ? 1 : 0),
        answered: (before?.answered ?? 0) + 1,
      });
    }
  }
  return [...totals.values()];
}

/**
 * Leaderboard rows: rank = 1 + players with strictly more points, so equal
 * points share a rank. At most `limit` rows; the order inside a tie (more
 * correct, then name, then id) only decides who is shown first.
 */
export function standings(scores: readonly ScoreLine[], limit: number = LEADERBOARD_SIZE): Standing[] {
  const sorted = [...scores].sort(compareLines);
  const rows: Standing[] = [];
  let rank = 1;
  for (const [i, line] of sorted.entries()) {
    if (rows.length >= limit) break;
    const above = sorted[i - 1];
    if (above !== undefined && above.points > line.points) rank = i + 1;
    rows.push({ rank, ...pickLine(line) });
  }
  return rows;
}

export function roundStandings(state: QuizRound, limit: number = LEADERBOARD_SIZE): Standing[] {
  return standings(roundScores(state), limit);
}

export function allTimeStandings(allTime: AllTimeScores, limit: number = LEADERBOARD_SIZE): Standing[] {
  return standings(listAllTime(allTime), limit);
}

/** Adds a finished round to a server's all-time scores; anything else leaves them as they are. */
export function foldRound(allTime: AllTimeScores, state: QuizRound): AllTimeScores {
  if (state.phase !== 'finished') return allTime;
  const folded: AllTimeScores = { ...allTime };
  for (const line of roundScores(state)) {
    const before = Object.hasOwn(allTime, line.userId) ? allTime[line.userId] : undefined;
    folded[line.userId] = {
      name: line.name,
      points: (before?.points ?? 0) + line.points,
      correct: (before?.correct ?? 0) + line.correct,
      answered: (before?.answered ?? 0) + line.answered,
      rounds: (before?.rounds ?? 0) + 1,
    };
  }
  return folded;
}

/** What `/quiz score` shows; null for someone who never answered on this server. */
export function personalScore(allTime: AllTimeScores, userId: string): PersonalScore | null {
  const mine = Object.hasOwn(allTime, userId) ? allTime[userId] : undefined;
  if (!mine) return null;
  const players = Object.values(allTime);
  const above = players.filter((p) => p.correct > mine.correct).length;
  return {
    rank: above + 1,
    of: players.length,
    correct: mine.correct,
    answered: mine.answered,
    rounds: mine.rounds,
    accuracy: mine.answered > 0 ? mine.correct / mine.answered : null,
  };
}

/** The line kept in the server's round history; null while the round runs. */
export function createHistoryEntry(state: QuizRound): HistoryEntry | null {
  if (state.phase !== 'finished' || state.endedAt === null || state.endedBy === null) return null;
  const scores = roundScores(state);
  return {
    roundId: state.roundId,
    article: state.article,
    channelId: state.channelId,
    hostId: state.hostId,
    difficulty: state.settings.difficulty,
    scoring: state.settings.scoring,
    startedAt: state.startedAt,
    endedAt: state.endedAt,
    endedBy: state.endedBy,
    questionsShown: state.index + 1,
    players: scores.length,
    top: standings(scores),
  };
}

/**
 * All-time lines count correct answers as their points: a speed round's
 * hundreds and a simple round's ones are not one unit, so they are not added up.
 */
function listAllTime(allTime: AllTimeScores): ScoreLine[] {
  return Object.entries(allTime).map(([userId, p]) => ({
    userId,
    name: p.name,
    points: p.correct,
    correct: p.correct,
    answered: p.answered,
  }));
}

function pickLine(line: ScoreLine): Omit<Standing, 'rank'> {
  return { userId: line.userId, name: line.name, points: line.points, correct: line.correct, answered: line.answered };
}

function compareLines(a: ScoreLine, b: ScoreLine): number {
  return b.points - a.points || b.correct - a.correct || compareText(a.name, b.name) || compareText(a.userId, b.userId);
}
