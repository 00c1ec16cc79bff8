import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { describe, expect, test } from 'vitest';
import { commands } from '../commands/index.js';
import { sameCommands } from '../src/discord-kit/command-sync.js';

type Json = Record<string, unknown>;

const LOCAL: RESTPostAPIChatInputApplicationCommandsJSONBody[] = [
  {
    name: 'summary',
    description: 'A summary of the article',
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'length',
        description: 'How long a summary',
        choices: [
          { name: 'Brief', value: 'brief' },
          { name: 'Detailed', value: 'detailed' },
        ],
      },
      { type: ApplicationCommandOptionType.Boolean, name: 'private', description: 'Only you see it', required: false },
    ],
  },
  {
    name: 'quiz',
    description: 'Quiz rounds',
    default_member_permissions: '32',
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'start',
        description: 'Start a round',
        options: [
          {
            type: ApplicationCommandOptionType.Integer,
            name: 'questions',
            description: 'How many',
            min_value: 1,
            max_value: 30,
          },
          { type: ApplicationCommandOptionType.String, name: 'round', description: 'Which', autocomplete: true },
        ],
      },
      { type: ApplicationCommandOptionType.Subcommand, name: 'stop', description: 'Stop the round' },
    ],
  },
  { name: 'help', description: 'What each command does' },
];

/** What GET /applications/{id}/commands returns for a definition: Discord's ids and defaults added. */
function asRegistered(definition: object, index: number): Json {
  const withOptionDefaults = (option: Json): Json => ({
    name_localizations: null,
    description_localizations: null,
    ...option,
    required: option.required ?? false,
    ...(Array.isArray(option.options) ? { options: option.options.map(withOptionDefaults) } : {}),
    ...(Array.isArray(option.choices)
      ? { choices: option.choices.map((c: Json) => ({ name_localizations: null, ...c })) }
      : {}),
  });
  const json = JSON.parse(JSON.stringify(definition)) as Json;
  return {
    id: `11111111111111111${index}`,
    application_id: '222222222222222222',
    version: `33333333333333333${index}`,
    type: 1,
    guild_id: undefined,
    default_member_permissions: null,
    dm_permission: true,
    contexts: [0, 1, 2],
    integration_types: [0],
    nsfw: false,
    name_localizations: null,
    description_localizations: null,
    ...json,
    ...(Array.isArray(json.options) ? { options: json.options.map(withOptionDefaults) } : {}),
  };
}

const registered = (definitions: readonly object[]) => definitions.map(asRegistered);

function edit(change: (copy: Json[]) => void): Json[] {
  const copy = JSON.parse(JSON.stringify(LOCAL)) as Json[];
  change(copy);
  return copy;
}

function walk(value: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], value);
}

/** The object at `path`, checked, so a wrong path fails the test instead of editing nothing. */
function at(value: unknown, ...path: (string | number)[]): Json {
  const node = walk(value, path);
  if (typeof node !== 'object' || node === null || Array.isArray(node))
    throw new Error(`no object at ${path.join('.')}`);
  return node as Json;
}

function listAt(value: unknown, ...path: (string | number)[]): unknown[] {
  const node = walk(value, path);
  if (!Array.isArray(node)) throw new Error(`no list at ${path.join('.')}`);
  return node;
}

describe('sameCommands', () => {
  test('GIVEN what Discord returns for the same definitions THEN they are the same (nothing to register)', () => {
    expect(sameCommands(registered(LOCAL), LOCAL)).toBe(true);
  });

  test('GIVEN the registered commands in another order THEN they are the same', () => {
    expect(sameCommands(registered([...LOCAL].reverse()), LOCAL)).toBe(true);
  });

  test("GIVEN the bot's real command list as Discord would return it THEN it is the same", () => {
    const definitions = commands.map((c) => c.data);
    expect(sameCommands(registered(definitions), definitions)).toBe(true);
  });

  test.each([
    ['a command description changed', (c: Json[]) => Object.assign(at(c, 0), { description: 'A short summary' })],
    ['an option description changed', (c: Json[]) => Object.assign(at(c, 0, 'options', 0), { description: 'Length' })],
    ['an option renamed', (c: Json[]) => Object.assign(at(c, 0, 'options', 1), { name: 'hidden' })],
    ['an option made required', (c: Json[]) => Object.assign(at(c, 0, 'options', 1), { required: true })],
    ['an option type changed', (c: Json[]) => Object.assign(at(c, 0, 'options', 1), { type: 3 })],
    ['a choice renamed', (c: Json[]) => Object.assign(at(c, 0, 'options', 0, 'choices', 0), { name: 'Short' })],
    ['a choice value changed', (c: Json[]) => Object.assign(at(c, 0, 'options', 0, 'choices', 0), { value: 'b' })],
    [
      'a choice added',
      (c: Json[]) => listAt(c, 0, 'options', 0, 'choices').push({ name: 'Standard', value: 'standard' }),
    ],
    ['the choices reordered', (c: Json[]) => listAt(c, 0, 'options', 0, 'choices').reverse()],
    [
      'an option added',
      (c: Json[]) => Object.assign(at(c, 2), { options: [{ type: 5, name: 'private', description: 'x' }] }),
    ],
    [
      'a subcommand option bound changed',
      (c: Json[]) => Object.assign(at(c, 1, 'options', 0, 'options', 0), { max_value: 20 }),
    ],
    [
      'autocomplete turned off',
      (c: Json[]) => Object.assign(at(c, 1, 'options', 0, 'options', 1), { autocomplete: false }),
    ],
    ['a subcommand removed', (c: Json[]) => listAt(c, 1, 'options').pop()],
    ['the default permissions changed', (c: Json[]) => Object.assign(at(c, 1), { default_member_permissions: null })],
    ['a command added', (c: Json[]) => c.push({ name: 'glossary', description: 'Words explained' })],
    ['a command removed', (c: Json[]) => c.pop()],
    ['a command renamed', (c: Json[]) => Object.assign(at(c, 2), { name: 'about' })],
  ])('GIVEN %s locally THEN the commands differ (register again)', (_, change) => {
    expect(sameCommands(registered(LOCAL), edit(change))).toBe(false);
  });

  test.each([
    ['an error body', { message: '401: Unauthorized', code: 0 }],
    ['nothing', undefined],
    ['a list of non-commands', [{ id: '1' }]],
  ])('GIVEN Discord returned %s THEN the commands count as different, so they are registered', (_, body) => {
    expect(sameCommands(body, LOCAL)).toBe(false);
  });

  test('GIVEN no commands registered yet THEN a non-empty list differs and an empty one does not', () => {
    expect(sameCommands([], LOCAL)).toBe(false);
    expect(sameCommands([], [])).toBe(true);
  });
});
