import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Catalogue } from '../content/catalogue.js';
import type { Logger } from '../core/logger.js';
import type { HomeworkRuntime } from '../features/homework/runtime.js';
import type { QuizRuntime } from '../features/quiz/runtime.js';
import type { SessionRuntime } from '../features/session/runtime.js';
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
}

export type ComponentHandler = (interaction: ButtonInteraction, args: readonly string[], deps: Deps) => Promise<void>;

export interface CommandModule {
  readonly data: RESTPostAPIChatInputApplicationCommandsJSONBody;
  execute(interaction: ChatInputCommandInteraction, deps: Deps): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, deps: Deps): Promise<void>;
  /** Button handlers by the action part of their custom id. */
  readonly components?: Readonly<Record<string, ComponentHandler>>;
}
