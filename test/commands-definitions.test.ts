import { checkCommandLimits } from '@roundtable/local-discord/limits';
import { ApplicationCommandOptionType } from 'discord.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { commands } from '../commands/index.js';
import type { Pack } from '../src/content/schema.js';
import { decodeId } from '../src/discord-kit/custom-id.js';
import { close, startRound } from '../src/features/quiz/engine.js';
import { renderQuestion as renderQuizQuestion, renderReveal } from '../src/features/quiz/render.js';
import { revealView } from '../src/features/quiz/reveal.js';
import { renderQuestion } from '../src/features/reading/render.js';
import { loadFixturePack } from './fixtures/fixture-pack.js';
import { buttonsOf } from './fixtures/message-limits.js';

/** The local Discord's checker is the one oracle for Discord's command rules; the bot keeps no copy. */
const definitionProblems = (data: (typeof commands)[number]['data']) => checkCommandLimits(data);

describe('the command list', () => {
  test.each(commands.map((c) => [c.data.name, c] as const))(
    'GIVEN /%s THEN Discord would accept its definition',
    (_, command) => {
      expect(definitionProblems(command.data)).toEqual([]);
    },
  );

  test('GIVEN the list THEN no two commands share a name, and there are at most 100', () => {
    const names = commands.map((c) => c.data.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeLessThanOrEqual(100);
  });

  test('GIVEN the checker THEN it reports broken definitions (so a pass above means something)', () => {
    const broken = definitionProblems({
      name: 'Quiz Start',
      description: '',
      options: [
        { type: ApplicationCommandOptionType.String, name: 'a', description: 'x', required: false },
        { type: ApplicationCommandOptionType.String, name: 'a', description: 'x'.repeat(101), required: true },
      ],
    });
    expect(broken).toHaveLength(5);
    expect(broken.join('\n')).toMatch(/name: "Quiz Start"/);
    expect(broken.join('\n')).toMatch(/used twice/);
    expect(broken.join('\n')).toMatch(/Required options must be placed before/);
  });
});

describe('button actions', () => {
  const actions = commands.flatMap((c) => c.buttons.map((b) => [c.data.name, b.action]));

  test('GIVEN every command module THEN no button action is handled twice', () => {
    const names = actions.map(([, action]) => action);
    const twice = actions.filter(([, action], i) => names.indexOf(action) !== i);
    expect(twice).toEqual([]);
    expect(names.length).toBeGreaterThan(0);
  });

  test.each(actions)('GIVEN /%s handling "%s" THEN the action is a valid id part', (_, action) => {
    expect(decodeId(action)).toEqual({ action, args: [] });
  });

  describe('GIVEN the buttons the views render', () => {
    let pack: Pack;
    beforeAll(async () => {
      pack = await loadFixturePack();
    });

    function renderedActions(): string[] {
      const question = pack.questions[0];
      const bank = pack.quiz.slice(0, 2).map((q) => q.id);
      const started = startRound(
        { roundId: 'r1', article: pack.slug, channelId: 'c', hostId: 'h', options: {}, bank, used: [], seed: 1 },
        0,
      );
      if (!question || !started.ok) throw new Error('the fixture pack cannot start a round');
      const round = { ...started.state, answers: started.state.questionIds.map(() => []) };
      const item = pack.quiz.find((q) => q.id === round.questionIds[0]);
      const closed = { ...close(round, { index: 0, by: 'host' }, 1).state, answers: round.answers };
      const view = revealView(closed, 0, new Map(pack.quiz.map((q) => [q.id, q])));
      if (!item || !view) throw new Error('no quiz item to render');
      const views = [
        renderQuestion(pack, question, { theme: null, level: null }, null),
        renderQuizQuestion(round, item, pack.article.title),
        renderReveal(closed, item, view, pack.article.title),
      ];
      return [...new Set(views.flatMap((v) => buttonsOf(v).map((b) => decodeId(b.customId)?.action ?? b.customId)))];
    }

    test('THEN each rendered action has a handler in some command module', () => {
      const handled = new Set(actions.map(([, action]) => action));
      const rendered = renderedActions();
      expect(rendered).toEqual(expect.arrayContaining(['question-next', 'quiz-answer', 'quiz-next', 'quiz-stop']));
      expect(rendered.filter((action) => !handled.has(action))).toEqual([]);
    });
  });
});
