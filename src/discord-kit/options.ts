import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  type APIRole,
  ApplicationCommandOptionType,
  ApplicationIntegrationType,
  type ChatInputCommandInteraction,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type Role,
  type User,
} from 'discord.js';

/** Shared option definitions, so every command words them the same way. */
export const privateOption = {
  type: ApplicationCommandOptionType.Boolean,
  name: 'private',
  description: 'Only you see the reply (default: everyone in the channel sees it)',
  required: false,
} as const satisfies APIApplicationCommandBasicOption;

/** Where a command can be used (`contexts` replaces the deprecated `dm_permission`): servers only. */
export const SERVER_ONLY = {
  contexts: [InteractionContextType.Guild],
  integration_types: [ApplicationIntegrationType.GuildInstall],
} satisfies Pick<RESTPostAPIChatInputApplicationCommandsJSONBody, 'contexts' | 'integration_types'>;

/** A command that also works in a direct message with the bot. */
export const SERVER_OR_DM = {
  contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
  integration_types: [ApplicationIntegrationType.GuildInstall],
} satisfies Pick<RESTPostAPIChatInputApplicationCommandsJSONBody, 'contexts' | 'integration_types'>;

/** A command definition as written: `as const satisfies` the body Discord takes, so its literal types stay. */
export type CommandData = RESTPostAPIChatInputApplicationCommandsJSONBody;

export type OptionsHolder = {
  readonly name: string;
  readonly options?: readonly APIApplicationCommandOption[] | undefined;
};

type ValueOf<O> = O extends { readonly choices: readonly { readonly value: infer V }[] }
  ? V
  : O extends { readonly type: ApplicationCommandOptionType.String }
    ? string
    : O extends { readonly type: ApplicationCommandOptionType.Integer | ApplicationCommandOptionType.Number }
      ? number
      : O extends { readonly type: ApplicationCommandOptionType.Boolean }
        ? boolean
        : O extends { readonly type: ApplicationCommandOptionType.Role }
          ? Role | APIRole
          : O extends { readonly type: ApplicationCommandOptionType.User }
            ? User
            : never;

/**
 * The values a command (or one of its subcommands) is given, inferred from its
 * definition (the idea of discord-utils-bot's `ArgumentsOf`): one key per option,
 * `null` when an optional one is left out, a choice option narrowed to its values.
 */
export type ArgumentsOf<C extends OptionsHolder> = C extends {
  readonly options: readonly (infer O extends APIApplicationCommandOption)[];
}
  ? { readonly [K in O as K['name']]: K extends { readonly required: true } ? ValueOf<K> : ValueOf<K> | null }
  : Record<never, never>;

/** The subcommands of a definition, each with its own options. */
export type SubcommandsOf<C extends OptionsHolder> = Extract<
  NonNullable<C['options']>[number],
  { readonly type: ApplicationCommandOptionType.Subcommand }
>;

type Resolver = ChatInputCommandInteraction['options'];

function readOne(resolver: Resolver, option: APIApplicationCommandOption): unknown {
  const { name } = option;
  const required = 'required' in option && option.required === true;
  switch (option.type) {
    case ApplicationCommandOptionType.String: {
      const value = resolver.getString(name, required);
      // Option values come from the client and may be forged: a choice must be one of them.
      if (value !== null && option.choices && !option.choices.some((c) => c.value === value)) return null;
      return value;
    }
    case ApplicationCommandOptionType.Integer:
    case ApplicationCommandOptionType.Number: {
      const value =
        option.type === ApplicationCommandOptionType.Integer
          ? resolver.getInteger(name, required)
          : resolver.getNumber(name, required);
      if (value !== null && option.choices && !option.choices.some((c) => c.value === value)) return null;
      return value;
    }
    case ApplicationCommandOptionType.Boolean:
      return resolver.getBoolean(name, required);
    case ApplicationCommandOptionType.Role:
      return resolver.getRole(name, required);
    case ApplicationCommandOptionType.User:
      return resolver.getUser(name, required);
    default:
      throw new Error(`option type ${option.type} of "${name}" is not read by the kit`);
  }
}

/** Reads every option of `definition` from the interaction, by the definition's own names and types. */
export function readOptions<C extends OptionsHolder>(resolver: Resolver, definition: C): ArgumentsOf<C> {
  const values = Object.fromEntries((definition.options ?? []).map((o) => [o.name, readOne(resolver, o)]));
  // Each value was read by the type its definition declares, which is what ArgumentsOf infers from it.
  return values as ArgumentsOf<C>;
}
