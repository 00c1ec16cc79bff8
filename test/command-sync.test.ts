import { REST } from '@discordjs/rest';
import { type LocalDiscord, startLocalDiscord } from '@roundtable/local-discord';
import {
  ApplicationCommandOptionType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { commands } from '../commands/index.js';
import { createLogger } from '../src/core/logger.js';
import { commandsRoute, diffCommands, isSame, syncCommands } from '../src/discord-kit/command-sync.js';

type Definition = RESTPostAPIChatInputApplicationCommandsJSONBody;

/** Discord's default, stated: discord.js compares it, so a definition without it differs from what Discord returns. */
const GUILD_INSTALL = [0];

const LOCAL: Definition[] = [
  {
    name: 'summary',
    description: 'A summary of the article',
    integration_types: GUILD_INSTALL,
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
    contexts: [InteractionContextType.Guild],
    integration_types: GUILD_INSTALL,
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
          { type: ApplicationCommandOptionType.String, name: 'due', description: 'When', max_length: 40 },
        ],
      },
      { type: ApplicationCommandOptionType.Subcommand, name: 'stop', description: 'Stop the round' },
    ],
  },
  { name: 'help', description: 'What each command does', integration_types: GUILD_INSTALL },
];

type Json = Record<string, unknown>;

function edit(change: (copy: Definition[]) => void): Definition[] {
  const copy = structuredClone(LOCAL);
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

let discord: LocalDiscord;
let rest: REST;
let route: `/${string}`;
const logger = createLogger('silent');

beforeAll(async () => {
  discord = await startLocalDiscord();
  rest = new REST({ api: discord.apiUrl }).setToken(discord.token);
  route = commandsRoute(discord.applicationId);
});

afterAll(async () => {
  await discord?.close();
});

/** What Discord has now, as a fresh GET returns it. */
async function registered(): Promise<unknown> {
  return rest.get(route);
}

describe('the bot’s own list against the local Discord', () => {
  test('GIVEN the list registered THEN it compares equal, and start-up registers nothing', async () => {
    const definitions = commands.map((c) => c.data);
    await rest.put(route, { body: definitions });
    expect(diffCommands(await registered(), definitions)).toEqual({ changed: [], missing: [], extra: [] });
    const puts = discord.commandPuts;
    expect(await syncCommands(rest, discord.applicationId, definitions, logger)).toBe(false);
    expect(discord.commandPuts).toBe(puts);
  });
});

describe('diffCommands (discord.js’s ApplicationCommand#equals)', () => {
  beforeEach(async () => {
    await rest.put(route, { body: LOCAL });
  });

  test('GIVEN what Discord returns for the same definitions THEN nothing differs', async () => {
    expect(isSame(diffCommands(await registered(), LOCAL))).toBe(true);
  });

  test.each([
    ['a command description changed', (c: Definition[]) => Object.assign(at(c, 0), { description: 'A short summary' })],
    [
      'an option description changed',
      (c: Definition[]) => Object.assign(at(c, 0, 'options', 0), { description: 'Length' }),
    ],
    ['an option renamed', (c: Definition[]) => Object.assign(at(c, 0, 'options', 1), { name: 'hidden' })],
    ['an option made required', (c: Definition[]) => Object.assign(at(c, 0, 'options', 1), { required: true })],
    ['an option type changed', (c: Definition[]) => Object.assign(at(c, 0, 'options', 1), { type: 3 })],
    ['a choice renamed', (c: Definition[]) => Object.assign(at(c, 0, 'options', 0, 'choices', 0), { name: 'Short' })],
    [
      'a choice value changed',
      (c: Definition[]) => Object.assign(at(c, 0, 'options', 0, 'choices', 0), { value: 'b' }),
    ],
    ['the choices reordered', (c: Definition[]) => listAt(c, 0, 'options', 0, 'choices').reverse()],
    ['the options reordered', (c: Definition[]) => listAt(c, 0, 'options').reverse()],
    ['a localized name added', (c: Definition[]) => Object.assign(at(c, 0), { name_localizations: { fr: 'resume' } })],
    [
      'the contexts changed',
      (c: Definition[]) => Object.assign(at(c, 0), { contexts: [InteractionContextType.Guild] }),
    ],
    [
      'a subcommand option bound changed',
      (c: Definition[]) => Object.assign(at(c, 1, 'options', 0, 'options', 0), { max_value: 20 }),
    ],
    [
      'a max_length changed',
      (c: Definition[]) => Object.assign(at(c, 1, 'options', 0, 'options', 2), { max_length: 20 }),
    ],
    ['a min_length added', (c: Definition[]) => Object.assign(at(c, 1, 'options', 0, 'options', 2), { min_length: 2 })],
    [
      'autocomplete turned off',
      (c: Definition[]) => Object.assign(at(c, 1, 'options', 0, 'options', 1), { autocomplete: false }),
    ],
    ['a subcommand removed', (c: Definition[]) => listAt(c, 1, 'options').pop()],
    [
      'the default permissions changed',
      (c: Definition[]) => Object.assign(at(c, 1), { default_member_permissions: null }),
    ],
  ])('GIVEN %s locally THEN that command is named as changed', async (_, change) => {
    const edited = edit(change);
    const changed = edited.filter((d, i) => JSON.stringify(d) !== JSON.stringify(LOCAL[i])).map((d) => d.name);
    expect(diffCommands(await registered(), edited)).toEqual({ changed, missing: [], extra: [] });
  });

  test('GIVEN a command added, one removed and one renamed THEN each is named', async () => {
    const edited = edit((c) => {
      Object.assign(at(c, 2), { name: 'about' });
      c.push({ name: 'glossary', description: 'Words explained', integration_types: GUILD_INSTALL });
      c.splice(0, 1);
    });
    expect(diffCommands(await registered(), edited)).toEqual({
      changed: [],
      missing: ['about', 'glossary'],
      extra: ['summary', 'help'],
    });
  });

  test.each([
    ['an error body', { message: '401: Unauthorized', code: 0 }],
    ['nothing', undefined],
    ['a list of non-commands', [{ id: '1' }]],
  ])('GIVEN Discord returned %s THEN every command counts as not registered', (_, body) => {
    expect(diffCommands(body, LOCAL)).toEqual({ changed: [], missing: LOCAL.map((d) => d.name), extra: [] });
  });

  test('GIVEN a change THEN start-up registration puts the list once, and after that finds nothing to do', async () => {
    const edited = edit((c) => Object.assign(at(c, 0), { description: 'A short summary' }));
    const puts = discord.commandPuts;
    expect(await syncCommands(rest, discord.applicationId, edited, logger)).toBe(true);
    expect(discord.commandPuts).toBe(puts + 1);
    expect(await syncCommands(rest, discord.applicationId, edited, logger)).toBe(false);
    expect(discord.commandPuts).toBe(puts + 1);
    expect(isSame(diffCommands(await registered(), edited))).toBe(true);
  });
});
