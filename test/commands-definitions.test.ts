import { type APIApplicationCommandOption, ApplicationCommandOptionType } from 'discord.js';
import { beforeAll, describe, expect, test } from 'vitest';
import { commands } from '../commands/index.js';
import type { Pack } from '../src/content/schema.js';
import { decodeId } from '../src/discord/custom-id.js';
import { close, startRound } from '../src/quiz/engine.js';
import { renderQuestion as renderQuizQuestion, renderReveal } from '../src/quiz/render.js';
import { revealView } from '../src/quiz/reveal.js';
import { renderQuestion } from '../src/views/reading.js';
import { buttonsOf } from './fixtures/message-limits.js';
import { loadRealPack } from './fixtures/real-pack.js';

/** Discord's rules for command and option names (the API docs' regex), written out here on purpose. */
const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const { Subcommand, SubcommandGroup, String: Text, Integer, Number: Decimal } = ApplicationCommandOptionType;

/** Every way a command definition breaks Discord's rules, in words; empty when Discord would accept it. */
function definitionProblems(data: (typeof commands)[number]['data']): string[] {
  const problems: string[] = [];
  const checkName = (at: string, name: string) => {
    if (!NAME.test(name)) problems.push(`${at}: name "${name}" does not match Discord's name rule`);
    if (name !== name.toLowerCase()) problems.push(`${at}: name "${name}" is not lower-case`);
  };
  const checkDescription = (at: string, description: string) => {
    if (description.length < 1 || description.length > 100) {
      problems.push(`${at}: description is ${description.length} characters (1 to 100)`);
    }
  };
  let characters = data.name.length + data.description.length;

  const checkOptions = (at: string, options: readonly APIApplicationCommandOption[], depth: 0 | 1 | 2) => {
    if (options.length > 25) problems.push(`${at}: ${options.length} options (max 25)`);
    const names = options.map((o) => o.name);
    const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
    if (duplicates.length > 0) problems.push(`${at}: duplicate option names ${duplicates.join(', ')}`);
    const nested = options.filter((o) => o.type === Subcommand || o.type === SubcommandGroup);
    if (nested.length > 0 && nested.length < options.length) {
      problems.push(`${at}: subcommands mixed with plain options`);
    }
    let optionalSeen = false;
    for (const option of options) {
      const where = `${at} > ${option.name}`;
      checkName(where, option.name);
      checkDescription(where, option.description);
      characters += option.name.length + option.description.length;
      if (option.type === SubcommandGroup) {
        if (depth !== 0) problems.push(`${where}: a subcommand group is only allowed at the top level`);
        checkOptions(where, option.options ?? [], 1);
        if ((option.options ?? []).some((o) => o.type !== Subcommand)) {
          problems.push(`${where}: a group holds only subcommands`);
        }
        continue;
      }
      if (option.type === Subcommand) {
        if (depth === 2) problems.push(`${where}: a subcommand is only allowed at the top level or in a group`);
        checkOptions(where, option.options ?? [], 2);
        continue;
      }
      const required = option.required ?? false;
      if (required && optionalSeen) problems.push(`${where}: a required option after an optional one`);
      if (!required) optionalSeen = true;
      const choices = 'choices' in option ? (option.choices ?? []) : [];
      if (choices.length > 0) {
        if (option.type !== Text && option.type !== Integer && option.type !== Decimal) {
          problems.push(`${where}: choices on an option type that cannot have them`);
        }
        if ('autocomplete' in option && option.autocomplete) problems.push(`${where}: both choices and autocomplete`);
      }
      if (choices.length > 25) problems.push(`${where}: ${choices.length} choices (max 25)`);
      for (const choice of choices) {
        if (choice.name.length < 1 || choice.name.length > 100) {
          problems.push(`${where}: choice name "${choice.name}" is ${choice.name.length} characters (1 to 100)`);
        }
        if (typeof choice.value === 'string' && choice.value.length > 100) {
          problems.push(`${where}: choice value ${choice.value} is over 100 characters`);
        }
        characters += choice.name.length + String(choice.value).length;
      }
    }
  };

  checkName(data.name, data.name);
  checkDescription(data.name, data.description);
  checkOptions(data.name, data.options ?? [], 0);
  if (characters > 4000) problems.push(`${data.name}: ${characters} characters in all (max 4000)`);
  return problems;
}

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
        { type: Text, name: 'a', description: 'x', required: false },
        { type: Text, name: 'a', description: 'x'.repeat(101), required: true },
      ],
    });
    expect(broken).toEqual([
      'Quiz Start: name "Quiz Start" does not match Discord\'s name rule',
      'Quiz Start: name "Quiz Start" is not lower-case',
      'Quiz Start: description is 0 characters (1 to 100)',
      'Quiz Start: duplicate option names a',
      'Quiz Start > a: description is 101 characters (1 to 100)',
      'Quiz Start > a: a required option after an optional one',
    ]);
    expect(
      definitionProblems({
        name: 'quiz',
        description: 'x',
        options: [
          { type: Subcommand, name: 'start', description: 'x' },
          { type: Text, name: 'topic', description: 'x' },
        ],
      }),
    ).toEqual(['quiz: subcommands mixed with plain options']);
  });
});

describe('button actions', () => {
  const actions = commands.flatMap((c) => Object.keys(c.components ?? {}).map((action) => [c.data.name, action]));

  test('GIVEN every command module THEN no button action is handled twice', () => {
    const names = actions.map(([, action]) => action);
    const twice = actions.filter(([, action], i) => names.indexOf(action) !== i);
    expect(twice).toEqual([]);
    expect(names.length).toBeGreaterThan(0);
  });

  test.each(actions)('GIVEN /%s handling "%s" THEN the action is a valid id part', (_, action) => {
    expect(decodeId(action)).toEqual({ action, args: [] });
  });

  describe('GIVEN the buttons the real views render', () => {
    let pack: Pack;
    beforeAll(async () => {
      pack = await loadRealPack();
    });

    function renderedActions(): string[] {
      const question = pack.questions[0];
      const bank = pack.quiz.slice(0, 2).map((q) => q.id);
      const started = startRound(
        { roundId: 'r1', article: pack.slug, channelId: 'c', hostId: 'h', options: {}, bank, used: [], seed: 1 },
        0,
      );
      if (!question || !started.ok) throw new Error('the real pack cannot start a round');
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
