/**
 * The pure part of `npm run play`: turning a typed line into an action, and a
 * partly typed line into Tab completions, by the registered command definitions.
 */
import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import type { CommandPath, OptionValue } from './interactions.js';

/** An option as registered; both the command list's `data` and the double's stored commands fit. */
export interface PlayOption {
  readonly type: number;
  readonly name: string;
  readonly description?: string | null | undefined;
  readonly required?: boolean | null | undefined;
  readonly autocomplete?: boolean | null | undefined;
  readonly choices?: readonly { readonly name: string; readonly value: string | number }[] | null | undefined;
  readonly min_value?: number | null | undefined;
  readonly max_value?: number | null | undefined;
  readonly options?: readonly PlayOption[] | null | undefined;
}

export interface PlayCommandDefinition {
  readonly name: string;
  readonly description?: string | null | undefined;
  readonly options?: readonly PlayOption[] | null | undefined;
}

export type PlayAction =
  | { kind: 'none' }
  | { kind: 'slash'; name: string; path: CommandPath; values: Record<string, OptionValue> }
  | { kind: 'press'; button: number }
  | { kind: 'vote'; answer: number }
  | { kind: 'as'; user: string }
  | { kind: 'say'; text: string }
  | { kind: 'threads' }
  | { kind: 'thread'; index: number }
  | { kind: 'channel' }
  | { kind: 'messages' }
  | { kind: 'help'; command: string | null }
  | { kind: 'quit' }
  | { kind: 'error'; message: string; showHelp?: boolean };

export const KEYWORDS = [
  'press',
  'vote',
  'as',
  'say',
  'threads',
  'thread',
  'channel',
  'messages',
  'help',
  'quit',
  'exit',
] as const;

export function helpText(definitions: readonly PlayCommandDefinition[]): string {
  return [
    'Type as in Discord, then Enter (Tab completes):',
    '  /summary length:brief        a slash command; options are name:value, "quotes" around spaces',
    '  /claims show claim:nuc       Tab after claim: asks the bot for suggestions',
    '  press 2                      click button [2] of the last message shown with buttons',
    '  vote 1                       vote for answer 1 of the last poll shown',
    '  as student2                  act as someone else: owner, teacher, student1-3, or a new name',
    '  say I disagree because...    post a message where you are (sessions count them)',
    '  threads, thread 1, channel   list threads, go into one, go back to #general',
    '  messages                     show the messages here again',
    '  help /quiz                   the subcommands and options of a command',
    '  quit                         stop (Ctrl+D too)',
    `Commands: ${definitions.map((d) => `/${d.name}`).join(' ')}`,
  ].join('\n');
}

// ---- tokens ----

interface Token {
  /** Text with quotes removed. */
  text: string;
  /** Where it starts in the line, quotes included. */
  start: number;
}

/** Splits on spaces outside double quotes; `\"` inside quotes is a quote. */
export function tokenize(line: string): { tokens: Token[]; trailingSpace: boolean } {
  const tokens: Token[] = [];
  let current: Token | null = null;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charAt(i);
    if (quoted) {
      if (ch === '\\' && line.charAt(i + 1) === '"') {
        i++;
        if (current) current.text += '"';
      } else if (ch === '"') quoted = false;
      else if (current) current.text += ch;
      continue;
    }
    if (/\s/.test(ch)) {
      if (current) tokens.push(current);
      current = null;
      continue;
    }
    current ??= { text: '', start: i };
    if (ch === '"') quoted = true;
    else current.text += ch;
  }
  if (current) tokens.push(current);
  return { tokens, trailingSpace: !quoted && /\s$/.test(line) };
}

function quoteIfNeeded(value: string): string {
  return /[\s"]/.test(value) || value === '' ? `"${value.replaceAll('"', '\\"')}"` : value;
}

// ---- commands, subcommands, options ----

const NESTED: readonly number[] = [
  ApplicationCommandOptionType.Subcommand,
  ApplicationCommandOptionType.SubcommandGroup,
];

interface Scope {
  /** `/claims show`, for messages. */
  where: string;
  path: CommandPath;
  /** The options of the leaf; empty while a subcommand is still to be chosen. */
  options: readonly PlayOption[];
  /** Subcommands (or groups) still to be chosen. */
  choices: readonly PlayOption[];
}

function children(parent: { readonly options?: readonly PlayOption[] | null | undefined }): readonly PlayOption[] {
  return parent.options ?? [];
}

/** Walks the bare words down to a subcommand; `rest` are the words left over. */
function descend(definition: PlayCommandDefinition, words: readonly string[]): { scope: Scope; rest: string[] } {
  const rest = [...words];
  let where = `/${definition.name}`;
  let level = children(definition);
  const path: { group?: string; subcommand?: string } = {};
  while (level.some((o) => NESTED.includes(o.type))) {
    const word = rest[0];
    const found = word === undefined ? undefined : level.find((o) => o.name === word.toLowerCase());
    if (!found) return { scope: { where, path, options: [], choices: level }, rest };
    rest.shift();
    where += ` ${found.name}`;
    if (found.type === ApplicationCommandOptionType.SubcommandGroup) path.group = found.name;
    else path.subcommand = found.name;
    level = children(found);
  }
  return { scope: { where, path, options: level, choices: [] }, rest };
}

/** `length:brief|standard|detailed`, `claim:<text, Tab suggests>`, `questions:<whole number 1-20>`. */
export function describeOption(option: PlayOption): string {
  const choices = option.choices ?? [];
  let shape: string;
  if (choices.length > 0) shape = choices.map((c) => String(c.value)).join('|');
  else if (option.type === ApplicationCommandOptionType.Boolean) shape = 'true|false';
  else {
    const range =
      option.min_value != null && option.max_value != null ? ` ${option.min_value}-${option.max_value}` : '';
    const kinds: Record<number, string> = {
      [ApplicationCommandOptionType.String]: option.autocomplete ? 'text, Tab suggests' : 'text',
      [ApplicationCommandOptionType.Integer]: `whole number${range}`,
      [ApplicationCommandOptionType.Number]: `number${range}`,
      [ApplicationCommandOptionType.User]: 'user name',
      [ApplicationCommandOptionType.Role]: 'role name',
      [ApplicationCommandOptionType.Mentionable]: 'user or role name',
      [ApplicationCommandOptionType.Channel]: 'channel id',
      [ApplicationCommandOptionType.Attachment]: 'file',
    };
    shape = `<${kinds[option.type] ?? 'value'}>`;
  }
  return `${option.name}:${shape}${option.required ? ' (required)' : ''}`;
}

function describeOptions(scope: Scope): string {
  if (scope.options.length === 0) return `${scope.where} takes no options.`;
  return `Options of ${scope.where}: ${scope.options.map(describeOption).join('  ')}`;
}

/** The subcommands and options of one command, for `help /name`. */
export function describeCommand(definition: PlayCommandDefinition): string {
  const lines = [`/${definition.name}: ${definition.description ?? ''}`];
  const visit = (prefix: string, options: readonly PlayOption[]) => {
    for (const option of options) {
      if (NESTED.includes(option.type)) {
        const leaf = children(option).every((o) => !NESTED.includes(o.type));
        lines.push(`  ${prefix}${option.name}: ${option.description ?? ''}`);
        if (leaf) for (const o of children(option)) lines.push(`      ${describeOption(o)}`);
        else visit(`${prefix}${option.name} `, children(option));
      } else lines.push(`    ${describeOption(option)}`);
    }
  };
  visit(`/${definition.name} `, children(definition));
  return lines.join('\n');
}

type Parsed = { ok: true; value: OptionValue } | { ok: false; message: string };

/** What a user typed, as the option's type wants it. */
export function parseOptionValue(option: PlayOption, raw: string, where: string): Parsed {
  const fail = (wants: string): Parsed => ({ ok: false, message: `${where} ${option.name} takes ${wants}.` });
  const choices = option.choices ?? [];
  switch (option.type) {
    case ApplicationCommandOptionType.String: {
      if (choices.length === 0) return { ok: true, value: raw };
      // The value as registered, or the label the Discord client shows for it.
      const lower = raw.toLowerCase();
      const found =
        choices.find((c) => String(c.value) === raw) ??
        choices.find((c) => String(c.value).toLowerCase() === lower || c.name.toLowerCase() === lower);
      return found ? { ok: true, value: String(found.value) } : fail(`one of ${describeOption(option)}`);
    }
    case ApplicationCommandOptionType.Integer:
    case ApplicationCommandOptionType.Number: {
      const whole = option.type === ApplicationCommandOptionType.Integer;
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value) || (whole && !Number.isInteger(value))) {
        return fail(whole ? 'a whole number' : 'a number');
      }
      if (
        (option.min_value != null && value < option.min_value) ||
        (option.max_value != null && value > option.max_value)
      ) {
        return fail(`a number from ${option.min_value ?? '-∞'} to ${option.max_value ?? '∞'}`);
      }
      if (choices.length > 0 && !choices.some((c) => c.value === value))
        return fail(`one of ${describeOption(option)}`);
      return { ok: true, value };
    }
    case ApplicationCommandOptionType.Boolean: {
      const lower = raw.toLowerCase();
      if (['true', 'yes', 'on', '1'].includes(lower)) return { ok: true, value: true };
      if (['false', 'no', 'off', '0'].includes(lower)) return { ok: true, value: false };
      return fail('true or false');
    }
    case ApplicationCommandOptionType.User:
    case ApplicationCommandOptionType.Role:
    case ApplicationCommandOptionType.Mentionable:
    case ApplicationCommandOptionType.Channel:
      // The double resolves names and ids; `@name` and `#name` are typed out of habit.
      return { ok: true, value: raw.replace(/^[@#]/, '') };
    default:
      return fail('a file, which cannot be typed here');
  }
}

function splitOption(token: string): { name: string; value: string } | null {
  const colon = token.indexOf(':');
  return colon < 0 ? null : { name: token.slice(0, colon).toLowerCase(), value: token.slice(colon + 1) };
}

function commandList(definitions: readonly PlayCommandDefinition[]): string {
  return definitions.map((d) => `/${d.name}`).join(', ');
}

function parseSlash(tokens: readonly Token[], definitions: readonly PlayCommandDefinition[]): PlayAction {
  const name = (tokens[0]?.text ?? '/').slice(1).toLowerCase();
  if (name === '') return { kind: 'error', message: `Type a command name after /: ${commandList(definitions)}.` };
  const definition = definitions.find((d) => d.name === name);
  if (!definition) {
    return { kind: 'error', message: `There is no command /${name}. Commands: ${commandList(definitions)}.` };
  }
  const rest = tokens.slice(1).map((t) => t.text);
  const words = rest.filter((t) => splitOption(t) === null);
  const pairs = rest.flatMap((t) => splitOption(t) ?? []);
  const { scope, rest: extra } = descend(definition, words);
  if (scope.choices.length > 0) {
    const word = words[0];
    const names = scope.choices.map((c) => c.name).join(', ');
    return {
      kind: 'error',
      message:
        word === undefined
          ? `${scope.where} needs a subcommand: ${names}.`
          : `${scope.where} has no subcommand "${word}": ${names}.`,
    };
  }
  const stray = extra[0];
  if (stray !== undefined) {
    return { kind: 'error', message: `"${stray}" is not name:value. ${describeOptions(scope)}` };
  }
  const values: Record<string, OptionValue> = {};
  for (const pair of pairs) {
    const option = scope.options.find((o) => o.name === pair.name);
    if (!option)
      return { kind: 'error', message: `${scope.where} has no option "${pair.name}". ${describeOptions(scope)}` };
    if (pair.name in values) return { kind: 'error', message: `${pair.name} is given twice.` };
    const parsed = parseOptionValue(option, pair.value, scope.where);
    if (!parsed.ok) return { kind: 'error', message: parsed.message };
    values[pair.name] = parsed.value;
  }
  const missing = scope.options.filter((o) => o.required && !(o.name in values));
  if (missing.length > 0) {
    return {
      kind: 'error',
      message: `${scope.where} needs ${missing.map(describeOption).join(' and ')}. ${describeOptions(scope)}`,
    };
  }
  return { kind: 'slash', name, path: scope.path, values };
}

function positiveNumber(word: string, text: string, usage: string): number | PlayAction {
  const n = Number(text);
  return /^\d+$/.test(text) && n > 0 ? n : { kind: 'error', message: `${word} takes a number, as in "${usage}".` };
}

/** What a typed line asks for; never throws. */
export function parseLine(line: string, definitions: readonly PlayCommandDefinition[]): PlayAction {
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'none' };
  if (trimmed.startsWith('/')) return parseSlash(tokenize(trimmed).tokens, definitions);
  const word = (trimmed.split(/\s/)[0] ?? '').toLowerCase();
  const rest = trimmed.slice(word.length).trim();
  switch (word) {
    case 'press':
    case 'click': {
      const n = positiveNumber(word, rest, 'press 2');
      return typeof n === 'number' ? { kind: 'press', button: n } : n;
    }
    case 'vote': {
      const n = positiveNumber(word, rest, 'vote 1');
      return typeof n === 'number' ? { kind: 'vote', answer: n } : n;
    }
    case 'as':
      if (!/^[\w.-]{1,32}$/.test(rest)) {
        return { kind: 'error', message: 'as takes one user name, as in "as student2" (letters, digits, . _ -).' };
      }
      return { kind: 'as', user: rest };
    case 'say':
      return rest === '' ? { kind: 'error', message: 'say what? As in "say I think..."' } : { kind: 'say', text: rest };
    case 'threads':
      return { kind: 'threads' };
    case 'thread': {
      if (rest === '') return { kind: 'threads' };
      const n = positiveNumber(word, rest, 'thread 1');
      return typeof n === 'number' ? { kind: 'thread', index: n } : n;
    }
    case 'channel':
    case 'general':
      return { kind: 'channel' };
    case 'messages':
      return { kind: 'messages' };
    case 'help':
    case '?':
      return { kind: 'help', command: rest === '' ? null : rest.replace(/^\//, '').toLowerCase() };
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    default:
      return {
        kind: 'error',
        message: `Unknown command "${word}". Slash commands start with /, as in /summary.`,
        showHelp: true,
      };
  }
}

// ---- Tab completion ----

export interface CompletionContext {
  definitions: readonly PlayCommandDefinition[];
  /** User names for `as`. */
  users: readonly string[];
  /** How many buttons the last message with buttons has, for `press`. */
  buttons: number;
  threads: number;
}

/** What to ask the bot when Tab is pressed in an autocomplete option. */
export interface AutocompleteRequest {
  name: string;
  path: CommandPath;
  focused: string;
  value: string;
  values: Record<string, OptionValue>;
}

/**
 * `token` is the end of the line that the candidates replace (readline's
 * contract); for autocomplete options the bot's values are put after `prefix`.
 */
export type Completion =
  | { kind: 'list'; token: string; candidates: string[] }
  | { kind: 'autocomplete'; token: string; prefix: string; request: AutocompleteRequest };

function matching(candidates: readonly string[], partial: string): string[] {
  const found = candidates.filter((c) => c.toLowerCase().startsWith(partial.toLowerCase()));
  // A single match is finished with a space so the next word can be typed at once.
  return found.length === 1 && !found[0]?.endsWith(':') ? found.map((c) => `${c} `) : found;
}

export function complete(line: string, context: CompletionContext): Completion {
  const { tokens, trailingSpace } = tokenize(line);
  const last = tokens.at(-1);
  const partialToken = last && !trailingSpace ? last : null;
  const token = partialToken ? line.slice(partialToken.start) : '';
  const partial = partialToken?.text ?? '';
  const done = partialToken ? tokens.slice(0, -1) : tokens;
  const list = (candidates: readonly string[]): Completion => ({
    kind: 'list',
    token,
    candidates: matching(candidates, partial),
  });
  const first = done[0]?.text.toLowerCase();
  if (first === undefined) {
    const commands = context.definitions.map((d) => `/${d.name}`);
    return list(partial.startsWith('/') ? commands : [...KEYWORDS, ...commands]);
  }
  const numbers = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1));
  if (!first.startsWith('/')) {
    if (done.length > 1) return list([]);
    if (first === 'as') return list(context.users);
    if (first === 'press' || first === 'click') return list(numbers(context.buttons));
    if (first === 'thread') return list(numbers(context.threads));
    if (first === 'help') return list(context.definitions.map((d) => `/${d.name}`));
    return list([]);
  }
  const definition = context.definitions.find((d) => d.name === first.slice(1));
  if (!definition) return list([]);
  const texts = done.slice(1).map((t) => t.text);
  const { scope } = descend(
    definition,
    texts.filter((t) => splitOption(t) === null),
  );
  if (scope.choices.length > 0) return list(scope.choices.map((c) => c.name));
  const given = texts.flatMap((t) => splitOption(t) ?? []);
  const typing = splitOption(partial);
  if (!typing) {
    const unused = scope.options.filter((o) => !given.some((g) => g.name === o.name));
    return list(unused.map((o) => `${o.name}:`));
  }
  const option = scope.options.find((o) => o.name === typing.name);
  if (!option) return list([]);
  const prefix = `${option.name}:`;
  if (option.autocomplete) {
    const values: Record<string, OptionValue> = {};
    for (const g of given) {
      const o = scope.options.find((x) => x.name === g.name);
      const parsed = o ? parseOptionValue(o, g.value, scope.where) : null;
      if (parsed?.ok && g.name !== option.name) values[g.name] = parsed.value;
    }
    return {
      kind: 'autocomplete',
      token,
      prefix,
      request: { name: definition.name, path: scope.path, focused: option.name, value: typing.value, values },
    };
  }
  const choices = (option.choices ?? []).map((c) => String(c.value));
  const values = option.type === ApplicationCommandOptionType.Boolean ? ['true', 'false'] : choices;
  return list(values.map((v) => `${prefix}${quoteIfNeeded(v)}`));
}

/** Completions from the values the bot suggested for an autocomplete option. */
export function completeWithChoices(completion: Completion & { kind: 'autocomplete' }, values: readonly string[]) {
  const candidates = values.map((v) => `${completion.prefix}${quoteIfNeeded(v)}`);
  return candidates.length === 1 ? candidates.map((c) => `${c} `) : candidates;
}
