import { beforeAll, describe, expect, test } from 'vitest';
import { homework } from '../commands/homework.js';
import type { Pack } from '../src/content/schema.js';
import { decodeId } from '../src/discord-kit/custom-id.js';
import { answer, begin, cardState, classStatus, nextPosition, studentResult } from '../src/features/homework/engine.js';
import {
  renderCard,
  renderHomeworkQuestion,
  renderReview,
  renderScore,
  renderStatus,
  renderVerdict,
  STATUS_NAMES,
} from '../src/features/homework/render.js';
import type { Assignment, Progress } from '../src/features/homework/state.js';
import { assignEveryItem, homeworkProblems } from './fixtures/content-properties.js';
import { loadFixturePack } from './fixtures/fixture-pack.js';
import { buttonsOf, limitProblems } from './fixtures/message-limits.js';

const NOW = Date.UTC(2026, 11, 3, 12, 0);

let pack: Pack;
let assignment: Assignment;
let items: Map<string, Pack['quiz'][number]>;

beforeAll(async () => {
  pack = await loadFixturePack();
  items = new Map(pack.quiz.map((i) => [i.id, i]));
  const made = assignEveryItem(pack, NOW);
  if (!made.ok) throw new Error('cannot assign');
  assignment = made.assignment;
});

/** A student who answered `count` questions, every third one wrong. */
function student(n: number, count: number): Progress {
  const started = begin(
    assignment,
    null,
    { userId: `u${n}`, displayName: `Ünïcødé student ${n} with a long name` },
    NOW,
  );
  if (started.kind !== 'started') throw new Error('not started');
  let p = started.progress;
  for (let i = 0; i < count; i++) {
    const position = nextPosition(p);
    if (position === null) break;
    const item = items.get(p.order[position] ?? '');
    const right = item ? item.choices.indexOf(item.answer) : 0;
    const outcome = answer(assignment, p, { position, choice: i % 3 === 0 ? (right + 1) % 2 : right }, items, NOW + 1);
    if (outcome.kind === 'recorded') p = outcome.progress;
  }
  return p;
}

describe('homework views', () => {
  test('GIVEN 5,000 students THEN the status view summarises them within Discord limits', () => {
    const progresses = Array.from({ length: 5000 }, (_, n) => student(n, n % 31));
    const view = renderStatus(assignment, classStatus(assignment, progresses, items), 'open', pack.article.shortTitle);
    expect(limitProblems(view)).toEqual([]);
    const students = view.embeds?.[0]?.fields?.find((f) => f.name === 'Students')?.value ?? '';
    expect(students.split('\n').length).toBeLessThanOrEqual(STATUS_NAMES + 1);
    expect(students).toMatch(/…and 4,98\d more students: \/homework report lists everyone\.$/);
    expect(view.embeds?.[0]?.description).toContain('**5,000** started');
  });

  test('GIVEN a run through every fixture item THEN each step fits Discord', () => {
    expect(homeworkProblems(pack)).toEqual([]);
  });

  test('GIVEN every step of a run THEN each view fits, and its buttons are homework actions', () => {
    const p = student(1, 30);
    const result = studentResult(p, items);
    const first = items.get(p.order[0] ?? '');
    const a = p.answers[0];
    if (!first || !a) throw new Error('no first answer');
    const views = [
      renderCard(assignment, pack, cardState(assignment, NOW)),
      renderCard({ ...assignment, closedAt: NOW }, pack, 'closed'),
      renderHomeworkQuestion(assignment, p, 0, first, pack.article.shortTitle, 'A note.'),
      renderVerdict(assignment, p, 0, first, a, pack.article.shortTitle),
      renderScore(assignment, p, result, pack.article.shortTitle),
      ...result.missed.map((_, step) => renderReview(assignment, p, result, step, pack)),
    ];
    for (const view of views) expect(limitProblems(view)).toEqual([]);
    const actions = new Set(views.flatMap((v) => buttonsOf(v).map((b) => decodeId(b.customId)?.action)));
    expect([...actions].sort()).toEqual(['hw-answer', 'hw-next', 'hw-review', 'hw-score', 'hw-start']);
    expect(homework.buttons.map((b) => b.action).sort()).toEqual([...actions].sort());
  });
});
