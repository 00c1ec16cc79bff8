/**
 * Discord's limits as the double enforces them, independent of the bot's own
 * limits module so a mistake in one is caught by the other. Every checker is
 * pure and returns problems as `path: message` strings (path dotted like the
 * `errors` tree of a 50035 answer, e.g. `embeds.0.fields.3.value`).
 */

export const MESSAGE_LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  embedFieldName: 256,
  embedFieldValue: 1024,
  embedFooter: 2048,
  embedAuthorName: 256,
  embedTotal: 6000,
  actionRows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
  selectOptions: 25,
  selectOptionText: 100,
  selectPlaceholder: 150,
  componentsV2Total: 40,
  pollQuestion: 300,
  pollAnswers: 10,
  pollAnswer: 55,
  pollDurationHours: 768,
} as const;

export const COMMAND_LIMITS = {
  name: 32,
  description: 100,
  options: 25,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  totalCharacters: 8000,
} as const;

export const INTERACTION_LIMITS = {
  autocompleteChoices: 25,
  choiceName: 100,
  choiceValue: 100,
  textInputLabel: 45,
} as const;

export const COMMAND_NAME_PATTERN = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

const FLAG_COMPONENTS_V2 = 1 << 15;
const BUTTON = 2;
const ACTION_ROW = 1;
const TEXT_INPUT = 4;
const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);
const LINK_STYLE = 5;
const PREMIUM_STYLE = 6;

/** The parts of a message body the checker reads; extra fields are ignored. */
export interface MessageLimitInput {
  content?: string | null | undefined;
  flags?: number | null | undefined;
  embeds?: readonly EmbedLimitInput[] | null | undefined;
  components?: readonly ComponentLimitInput[] | null | undefined;
  poll?: PollLimitInput | null | undefined;
}

export interface EmbedLimitInput {
  title?: string | null | undefined;
  description?: string | null | undefined;
  fields?: readonly { name?: string | null | undefined; value?: string | null | undefined }[] | null | undefined;
  footer?: { text?: string | null | undefined } | null | undefined;
  author?: { name?: string | null | undefined } | null | undefined;
}

export interface ComponentLimitInput {
  type: number;
  style?: number | null | undefined;
  label?: string | null | undefined;
  custom_id?: string | null | undefined;
  url?: string | null | undefined;
  placeholder?: string | null | undefined;
  min_values?: number | null | undefined;
  max_values?: number | null | undefined;
  options?:
    | readonly {
        label?: string | null | undefined;
        value?: string | null | undefined;
        description?: string | null | undefined;
      }[]
    | null
    | undefined;
  components?: readonly ComponentLimitInput[] | null | undefined;
  component?: ComponentLimitInput | null | undefined;
  accessory?: ComponentLimitInput | null | undefined;
}

export interface PollLimitInput {
  question?: { text?: string | null | undefined } | null | undefined;
  answers?: readonly { poll_media?: { text?: string | null | undefined } | null | undefined }[] | null | undefined;
  duration?: number | null | undefined;
}

export interface CommandLimitInput {
  type?: number | null | undefined;
  name?: string | null | undefined;
  description?: string | null | undefined;
  options?: readonly CommandOptionLimitInput[] | null | undefined;
}

export interface CommandOptionLimitInput {
  type?: number | null | undefined;
  name?: string | null | undefined;
  description?: string | null | undefined;
  required?: boolean | null | undefined;
  autocomplete?: boolean | null | undefined;
  choices?: readonly { name?: string | null | undefined; value?: unknown }[] | null | undefined;
  options?: readonly CommandOptionLimitInput[] | null | undefined;
}

export interface ChoiceLimitInput {
  name?: string | null | undefined;
  value?: unknown;
}

/** Counts characters as Discord does (code points, not UTF-16 units). */
export function lengthOf(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function checkLength(problems: string[], path: string, text: string | null | undefined, min: number, max: number) {
  const n = text == null ? 0 : lengthOf(text);
  if (n < min) problems.push(`${path}: Must be between ${min} and ${max} in length (got ${n}).`);
  else if (n > max) problems.push(`${path}: Must be ${max} or fewer in length (got ${n}).`);
}

function checkCount(problems: string[], path: string, count: number, min: number, max: number) {
  if (count < min) problems.push(`${path}: Must be between ${min} and ${max} in length (got ${count}).`);
  else if (count > max) problems.push(`${path}: Must be ${max} or fewer in length (got ${count}).`);
}

/** Problems with a message body (create, edit, interaction reply or update); empty when Discord would accept it. */
export function checkMessageLimits(payload: MessageLimitInput): string[] {
  const problems: string[] = [];
  if (payload.content != null) checkLength(problems, 'content', payload.content, 0, MESSAGE_LIMITS.content);
  if (payload.embeds != null) checkEmbeds(problems, payload.embeds);
  if (payload.components != null) {
    const v2 = ((payload.flags ?? 0) & FLAG_COMPONENTS_V2) !== 0;
    if (v2) checkComponentsV2(problems, payload);
    else checkActionRows(problems, 'components', payload.components, MESSAGE_LIMITS.actionRows);
    checkUniqueCustomIds(problems, payload.components);
  }
  if (payload.poll != null) checkPoll(problems, payload.poll);
  return problems;
}

function checkEmbeds(problems: string[], embeds: readonly EmbedLimitInput[]) {
  checkCount(problems, 'embeds', embeds.length, 0, MESSAGE_LIMITS.embeds);
  let total = 0;
  const count = (text: string | null | undefined) => {
    total += text == null ? 0 : lengthOf(text);
  };
  embeds.forEach((embed, i) => {
    const at = `embeds.${i}`;
    checkLength(problems, `${at}.title`, embed.title, 0, MESSAGE_LIMITS.embedTitle);
    checkLength(problems, `${at}.description`, embed.description, 0, MESSAGE_LIMITS.embedDescription);
    checkLength(problems, `${at}.footer.text`, embed.footer?.text, 0, MESSAGE_LIMITS.embedFooter);
    checkLength(problems, `${at}.author.name`, embed.author?.name, 0, MESSAGE_LIMITS.embedAuthorName);
    count(embed.title);
    count(embed.description);
    count(embed.footer?.text);
    count(embed.author?.name);
    const fields = embed.fields ?? [];
    checkCount(problems, `${at}.fields`, fields.length, 0, MESSAGE_LIMITS.embedFields);
    fields.forEach((field, j) => {
      // Discord refuses empty field names and values, a common cause of 50035.
      checkLength(problems, `${at}.fields.${j}.name`, field.name, 1, MESSAGE_LIMITS.embedFieldName);
      checkLength(problems, `${at}.fields.${j}.value`, field.value, 1, MESSAGE_LIMITS.embedFieldValue);
      count(field.name);
      count(field.value);
    });
  });
  if (total > MESSAGE_LIMITS.embedTotal) {
    problems.push(`embeds: Embed size exceeds maximum size of ${MESSAGE_LIMITS.embedTotal} (got ${total}).`);
  }
}

function checkActionRows(problems: string[], path: string, rows: readonly ComponentLimitInput[], maxRows: number) {
  checkCount(problems, path, rows.length, 0, maxRows);
  rows.forEach((row, i) => {
    const at = `${path}.${i}`;
    if (row.type !== ACTION_ROW) {
      problems.push(`${at}.type: Top-level components must be action rows (got type ${row.type}).`);
      return;
    }
    const children = row.components ?? [];
    const selects = children.filter((c) => SELECT_TYPES.has(c.type)).length;
    if (selects > 0 && children.length > 1) problems.push(`${at}.components: A select menu must be alone in its row.`);
    if (children.length === 0) problems.push(`${at}.components: Must be between 1 and 5 in length (got 0).`);
    checkCount(problems, `${at}.components`, children.length, 0, MESSAGE_LIMITS.buttonsPerRow);
    children.forEach((child, j) => {
      checkComponent(problems, `${at}.components.${j}`, child);
    });
  });
}

function checkComponent(problems: string[], path: string, c: ComponentLimitInput) {
  if (c.type === BUTTON) {
    checkLength(problems, `${path}.label`, c.label, 0, MESSAGE_LIMITS.buttonLabel);
    if (c.style === LINK_STYLE) {
      if (!c.url) problems.push(`${path}.url: A link button needs a url.`);
      if (c.custom_id != null) problems.push(`${path}.custom_id: A link button cannot have a custom_id.`);
    } else if (c.style !== PREMIUM_STYLE) {
      checkLength(problems, `${path}.custom_id`, c.custom_id, 1, MESSAGE_LIMITS.customId);
    }
    return;
  }
  if (SELECT_TYPES.has(c.type)) {
    checkLength(problems, `${path}.custom_id`, c.custom_id, 1, MESSAGE_LIMITS.customId);
    checkLength(problems, `${path}.placeholder`, c.placeholder, 0, MESSAGE_LIMITS.selectPlaceholder);
    if (c.min_values != null && (c.min_values < 0 || c.min_values > MESSAGE_LIMITS.selectOptions)) {
      problems.push(`${path}.min_values: Must be between 0 and ${MESSAGE_LIMITS.selectOptions}.`);
    }
    if (c.max_values != null && (c.max_values < 1 || c.max_values > MESSAGE_LIMITS.selectOptions)) {
      problems.push(`${path}.max_values: Must be between 1 and ${MESSAGE_LIMITS.selectOptions}.`);
    }
    if (c.type === 3) {
      const options = c.options ?? [];
      checkCount(problems, `${path}.options`, options.length, 1, MESSAGE_LIMITS.selectOptions);
      options.forEach((o, k) => {
        checkLength(problems, `${path}.options.${k}.label`, o.label, 1, MESSAGE_LIMITS.selectOptionText);
        checkLength(problems, `${path}.options.${k}.value`, o.value, 1, MESSAGE_LIMITS.selectOptionText);
        checkLength(problems, `${path}.options.${k}.description`, o.description, 0, MESSAGE_LIMITS.selectOptionText);
      });
      if (c.max_values != null && c.max_values > options.length) {
        problems.push(`${path}.max_values: Must be less than or equal to the number of options.`);
      }
    }
    return;
  }
  if (c.type === TEXT_INPUT) {
    checkLength(problems, `${path}.custom_id`, c.custom_id, 1, MESSAGE_LIMITS.customId);
    if (c.label != null) checkLength(problems, `${path}.label`, c.label, 1, INTERACTION_LIMITS.textInputLabel);
  }
}

function* walkComponents(components: readonly ComponentLimitInput[]): Generator<ComponentLimitInput> {
  for (const c of components) {
    yield c;
    if (c.components) yield* walkComponents(c.components);
    if (c.component) yield* walkComponents([c.component]);
    if (c.accessory) yield* walkComponents([c.accessory]);
  }
}

function checkComponentsV2(problems: string[], payload: MessageLimitInput) {
  const all = [...walkComponents(payload.components ?? [])];
  checkCount(problems, 'components', all.length, 1, MESSAGE_LIMITS.componentsV2Total);
  if (payload.content) problems.push('content: Cannot be used with the IS_COMPONENTS_V2 flag.');
  if (payload.embeds && payload.embeds.length > 0)
    problems.push('embeds: Cannot be used with the IS_COMPONENTS_V2 flag.');
  all.forEach((c, i) => {
    checkComponent(problems, `components.${i}`, c);
  });
}

function checkUniqueCustomIds(problems: string[], components: readonly ComponentLimitInput[]) {
  const seen = new Set<string>();
  for (const c of walkComponents(components)) {
    if (c.custom_id == null) continue;
    if (seen.has(c.custom_id)) problems.push(`components: Custom id "${c.custom_id}" is used twice in one message.`);
    seen.add(c.custom_id);
  }
}

function checkPoll(problems: string[], poll: PollLimitInput) {
  checkLength(problems, 'poll.question.text', poll.question?.text, 1, MESSAGE_LIMITS.pollQuestion);
  const answers = poll.answers ?? [];
  checkCount(problems, 'poll.answers', answers.length, 1, MESSAGE_LIMITS.pollAnswers);
  answers.forEach((a, i) => {
    checkLength(problems, `poll.answers.${i}.poll_media.text`, a.poll_media?.text, 1, MESSAGE_LIMITS.pollAnswer);
  });
  if (poll.duration != null && (poll.duration < 1 || poll.duration > MESSAGE_LIMITS.pollDurationHours)) {
    problems.push(
      `poll.duration: Must be between 1 and ${MESSAGE_LIMITS.pollDurationHours} hours (got ${poll.duration}).`,
    );
  }
}

const SUBCOMMAND = 1;
const SUBCOMMAND_GROUP = 2;
const CHAT_INPUT = 1;

/** Problems with one application command definition (as PUT/POST to Discord); empty when valid. */
export function checkCommandLimits(def: CommandLimitInput): string[] {
  const problems: string[] = [];
  const type = def.type ?? CHAT_INPUT;
  const name = def.name ?? '';
  if (type === CHAT_INPUT) {
    if (!COMMAND_NAME_PATTERN.test(name)) {
      problems.push(`name: "${name}" must be 1-32 letters, digits, - _ or ' with no spaces.`);
    } else if (name !== name.toLowerCase()) {
      problems.push(`name: "${name}" must be lower case.`);
    }
    checkLength(problems, 'description', def.description, 1, COMMAND_LIMITS.description);
    checkOptions(problems, 'options', def.options ?? [], 0);
  } else {
    checkLength(problems, 'name', name, 1, COMMAND_LIMITS.name);
    if (def.description) problems.push('description: Must be empty for user and message commands.');
    if (def.options && def.options.length > 0) problems.push('options: User and message commands take no options.');
  }
  const total = countCommandCharacters(def);
  if (total > COMMAND_LIMITS.totalCharacters) {
    problems.push(`: Command is ${total} characters in all, more than ${COMMAND_LIMITS.totalCharacters}.`);
  }
  return problems;
}

function countCommandCharacters(def: CommandLimitInput): number {
  let total = lengthOf(def.name ?? '') + lengthOf(def.description ?? '');
  const visit = (options: readonly CommandOptionLimitInput[]) => {
    for (const o of options) {
      total += lengthOf(o.name ?? '') + lengthOf(o.description ?? '');
      for (const c of o.choices ?? []) total += lengthOf(c.name ?? '') + lengthOf(String(c.value ?? ''));
      visit(o.options ?? []);
    }
  };
  visit(def.options ?? []);
  return total;
}

function checkOptions(problems: string[], path: string, options: readonly CommandOptionLimitInput[], depth: number) {
  checkCount(problems, path, options.length, 0, COMMAND_LIMITS.options);
  const names = new Set<string>();
  let seenOptional = false;
  const nested = options.filter((o) => o.type === SUBCOMMAND || o.type === SUBCOMMAND_GROUP).length;
  if (nested > 0 && nested < options.length) {
    problems.push(`${path}: Subcommands and groups cannot be mixed with other options.`);
  }
  options.forEach((o, i) => {
    const at = `${path}.${i}`;
    const name = o.name ?? '';
    if (!COMMAND_NAME_PATTERN.test(name) || name !== name.toLowerCase()) {
      problems.push(`${at}.name: "${name}" must be 1-32 lower-case letters, digits, - _ or '.`);
    }
    if (names.has(name)) problems.push(`${at}.name: "${name}" is used twice.`);
    names.add(name);
    checkLength(problems, `${at}.description`, o.description, 1, COMMAND_LIMITS.description);
    if (o.type === SUBCOMMAND_GROUP) {
      if (depth > 0) problems.push(`${at}.type: A subcommand group can only be at the top level.`);
      const children = o.options ?? [];
      if (children.some((c) => c.type !== SUBCOMMAND)) {
        problems.push(`${at}.options: A subcommand group can only hold subcommands.`);
      }
      checkOptions(problems, `${at}.options`, children, depth + 1);
      return;
    }
    if (o.type === SUBCOMMAND) {
      if (depth > 1) problems.push(`${at}.type: Subcommands can only nest one group deep.`);
      const children = o.options ?? [];
      if (children.some((c) => c.type === SUBCOMMAND || c.type === SUBCOMMAND_GROUP)) {
        problems.push(`${at}.options: A subcommand cannot hold subcommands.`);
      }
      checkOptions(problems, `${at}.options`, children, depth + 1);
      return;
    }
    // Discord rejects a required option listed after an optional one.
    if (o.required) {
      if (seenOptional) problems.push(`${at}.required: Required options must be placed before non-required options.`);
    } else {
      seenOptional = true;
    }
    const choices = o.choices ?? [];
    if (choices.length > 0 && o.autocomplete) {
      problems.push(`${at}.autocomplete: Autocomplete cannot be used with choices.`);
    }
    checkChoices(problems, `${at}.choices`, choices, COMMAND_LIMITS.choices);
  });
}

function checkChoices(problems: string[], path: string, choices: readonly ChoiceLimitInput[], max: number) {
  checkCount(problems, path, choices.length, 0, max);
  choices.forEach((c, i) => {
    checkLength(problems, `${path}.${i}.name`, c.name, 1, COMMAND_LIMITS.choiceName);
    if (typeof c.value === 'string')
      checkLength(problems, `${path}.${i}.value`, c.value, 1, COMMAND_LIMITS.choiceValue);
  });
}

/** Problems with an autocomplete answer (callback type 8). */
export function checkAutocompleteLimits(choices: readonly ChoiceLimitInput[]): string[] {
  const problems: string[] = [];
  checkChoices(problems, 'choices', choices, INTERACTION_LIMITS.autocompleteChoices);
  return problems;
}
