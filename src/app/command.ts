import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Catalogue } from '../content/catalogue.js';
import type { Logger } from '../core/logger.js';
import type { Place } from '../discord-kit/context.js';
import type { ButtonCodec, IdArgs, IdShape } from '../discord-kit/custom-id.js';
import { type ArgumentsOf, type CommandData, readOptions, type SubcommandsOf } from '../discord-kit/options.js';
import type { HomeworkRuntime } from '../features/homework/runtime.js';
import type { QuizRuntime } from '../features/quiz/runtime.js';
import type { SessionRuntime } from '../features/session/runtime.js';
import type { ChannelActivity } from '../features/settings/channel-activity.js';
import type { GuildStore } from '../store/index.js';

/** What every handler is given: passed in, never looked up globally. */
export interface Deps {
  readonly catalogue: Catalogue;
  readonly store: GuildStore;
  readonly logger: Logger;
  readonly now: () => number;
  readonly quiz: QuizRuntime;
  readonly sessions: SessionRuntime;
  readonly homework: HomeworkRuntime;
  /** Which activity holds each channel: a quiz round and a session never share one. */
  readonly channels: ChannelActivity;
}

/**
 * Who may use a subcommand or button, checked by the router before the handler
 * runs: `anyone` (direct messages too), `guild` (in a server channel), `host`
 * (the server's host rule), `manager` (Manage Server).
 */
export type Access = 'anyone' | 'guild' | 'host' | 'manager';

/** Given to every handler that is not for `anyone`. */
export type { Place };

interface Context<I, A> {
  readonly interaction: I;
  readonly deps: Deps;
  readonly args: A;
}

/** A handler with its access rule; `place` is known for every rule but `anyone`. */
export type Handler<I, A> =
  | { readonly access: 'anyone'; run(context: Context<I, A> & { readonly place: Place | null }): Promise<void> }
  | {
      readonly access: Exclude<Access, 'anyone'>;
      run(context: Context<I, A> & { readonly place: Place }): Promise<void>;
    };

/** A handler resolved for one interaction, its arguments already read. */
export interface Route<I> {
  readonly access: Access;
  run(interaction: I, deps: Deps, place: Place | null): Promise<void>;
}

/** A button action: its codec decodes the id's parts before anything else runs. */
export interface ButtonRoute {
  readonly action: string;
  /** The route for an id's parts, or null when they are forged or outdated. */
  resolve(parts: readonly string[]): Route<ButtonInteraction> | null;
}

export interface CommandModule {
  readonly data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Said to someone using a server-only part of the command elsewhere. */
  readonly outsideServer: string;
  /** The handler of this invocation (its subcommand), or null for one the definition does not have. */
  resolve(interaction: ChatInputCommandInteraction): Route<ChatInputCommandInteraction> | null;
  autocomplete?(interaction: AutocompleteInteraction, deps: Deps): Promise<void>;
  readonly buttons: readonly ButtonRoute[];
}

function bind<I, A>(handler: Handler<I, A>, read: (interaction: I) => A): Route<I> {
  return {
    access: handler.access,
    run(interaction, deps, place) {
      const args = read(interaction);
      if (handler.access === 'anyone') return handler.run({ interaction, deps, args, place });
      if (!place) throw new Error(`the router let a "${handler.access}" interaction through outside a server`);
      return handler.run({ interaction, deps, args, place });
    },
  };
}

/** Ties a typed handler to the codec of its button. */
export function onButton<S extends IdShape>(
  codec: ButtonCodec<S>,
  handler: Handler<ButtonInteraction, IdArgs<S>>,
): ButtonRoute {
  return {
    action: codec.action,
    resolve(parts) {
      const args = codec.decode(parts);
      return args === null ? null : bind(handler, () => args);
    },
  };
}

/**
 * A host button that moves an activity on: acknowledged at once (the step waits
 * for the store), while the activity's own message changes by itself.
 */
export function stepButton<S extends IdShape>(
  codec: ButtonCodec<S>,
  step: (deps: Deps, place: Place, args: IdArgs<S>) => Promise<void>,
): ButtonRoute {
  return onButton(codec, {
    access: 'host',
    async run({ interaction, deps, args, place }) {
      await interaction.deferUpdate();
      await step(deps, place, args);
    },
  });
}

/** One handler per subcommand of `D`, checked against the definition: none missing, none extra. */
export type SubcommandTable<D extends CommandData> = {
  readonly [S in SubcommandsOf<D> as S['name']]: Handler<ChatInputCommandInteraction, ArgumentsOf<S>>;
};

interface CommonSpec<D extends CommandData> {
  readonly data: D;
  readonly outsideServer?: string;
  /** Where the command's handlers act, from where it was used (a session acts on its channel from a prompt's thread). */
  readonly actsIn?: (deps: Deps, place: Place) => Place;
  autocomplete?(interaction: AutocompleteInteraction, deps: Deps): Promise<void>;
  readonly buttons?: readonly ButtonRoute[];
}

export type CommandSpec<D extends CommandData> = CommonSpec<D> &
  ([SubcommandsOf<D>] extends [never]
    ? { readonly handler: Handler<ChatInputCommandInteraction, ArgumentsOf<D>> }
    : { readonly subcommands: SubcommandTable<D> });

const OUTSIDE_SERVER = 'This works only in a server, not in direct messages.';

/**
 * A command module from its typed definition: the router resolves each
 * invocation to its subcommand's handler, whose arguments are read by the
 * definition's own option names and types.
 */
export function defineCommand<const D extends CommandData>(spec: CommandSpec<D>): CommandModule {
  const { data, actsIn } = spec;
  const moved = <I>(route: Route<I>): Route<I> =>
    actsIn
      ? { access: route.access, run: (i, deps, place) => route.run(i, deps, place && actsIn(deps, place)) }
      : route;
  const subcommands = new Map<string, Route<ChatInputCommandInteraction>>();
  let whole: Route<ChatInputCommandInteraction> | null = null;
  if ('subcommands' in spec) {
    const table: Readonly<Record<string, Handler<ChatInputCommandInteraction, unknown>>> = spec.subcommands;
    for (const option of data.options ?? []) {
      const handler = table[option.name];
      if (!handler) continue;
      subcommands.set(option.name, moved(bind(handler, (interaction) => readOptions(interaction.options, option))));
    }
  } else {
    whole = moved(bind(spec.handler, (interaction) => readOptions(interaction.options, data)));
  }
  return {
    data,
    outsideServer: spec.outsideServer ?? OUTSIDE_SERVER,
    resolve(interaction) {
      if (whole) return whole;
      return subcommands.get(interaction.options.getSubcommand(false) ?? '') ?? null;
    },
    ...(spec.autocomplete ? { autocomplete: spec.autocomplete } : {}),
    buttons: (spec.buttons ?? []).map((button) => ({
      action: button.action,
      resolve(parts: readonly string[]) {
        const route = button.resolve(parts);
        return route && moved(route);
      },
    })),
  };
}
