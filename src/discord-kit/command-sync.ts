import {
  ApplicationCommand,
  ApplicationCommandType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  Routes,
} from 'discord.js';
import { z } from 'zod';
import type { Logger } from '../core/logger.js';

type Definition = RESTPostAPIChatInputApplicationCommandsJSONBody;

interface Rest {
  get(route: `/${string}`): Promise<unknown>;
  put(route: `/${string}`, options: { body: unknown }): Promise<unknown>;
}

/** What registering the list would change, by command name. */
export interface CommandDiff {
  /** Registered, but not as the list defines them. */
  readonly changed: readonly string[];
  /** In the list, not registered. */
  readonly missing: readonly string[];
  /** Registered, not in the list (registering the list removes them). */
  readonly extra: readonly string[];
}

export function isSame(diff: CommandDiff): boolean {
  return diff.changed.length + diff.missing.length + diff.extra.length === 0;
}

const Registered = z.array(
  z.looseObject({
    id: z.string(),
    application_id: z.string(),
    version: z.string(),
    name: z.string(),
    type: z.number().optional(),
  }),
);
type RegisteredCommand = z.infer<typeof Registered>[number];

const NO_CLIENT = Object.freeze({});

/**
 * The registered command as discord.js models it, so the comparison is
 * discord.js's own (`ApplicationCommand#equals`: options, choices, bounds,
 * lengths, contexts, localizations, permissions). Its constructor is internal
 * to discord.js's managers, which would need a logged-in client to fetch; it
 * only keeps a reference to its client, so none is made (a Client would also
 * read SHARDS and SHARD_COUNT from the environment).
 */
function modelOf(raw: RegisteredCommand): ApplicationCommand {
  const built: unknown = Reflect.construct(ApplicationCommand, [NO_CLIENT, raw]);
  if (!(built instanceof ApplicationCommand)) throw new Error('discord.js did not build an ApplicationCommand');
  return built;
}

/** What Discord adds to a definition it stores; the same on both sides, so only the definitions are compared. */
function ids(raw: RegisteredCommand) {
  return {
    id: raw.id,
    application_id: raw.application_id,
    version: raw.version,
    type: ApplicationCommandType.ChatInput,
  };
}

/**
 * Compares what Discord has with the list. Options and choices must also be
 * in the same order: Discord shows them in the order they were registered.
 * Anything Discord sent that is not a list of commands counts as all missing.
 */
export function diffCommands(registered: unknown, definitions: readonly Definition[]): CommandDiff {
  const parsed = Registered.safeParse(registered);
  const chatInput = (parsed.success ? parsed.data : []).filter(
    (c) => (c.type ?? ApplicationCommandType.ChatInput) === ApplicationCommandType.ChatInput,
  );
  const byName = new Map(chatInput.map((c) => [c.name, c]));
  const wanted = new Set(definitions.map((d) => d.name));
  const changed: string[] = [];
  const missing: string[] = [];
  for (const definition of definitions) {
    const raw = byName.get(definition.name);
    if (!raw) missing.push(definition.name);
    else if (!modelOf(raw).equals(modelOf({ ...definition, ...ids(raw) }), true)) changed.push(definition.name);
  }
  const extra = (parsed.success ? parsed.data : []).filter((c) => !wanted.has(c.name)).map((c) => c.name);
  return { changed, missing, extra };
}

/** The application's id, for a REST client outside a logged-in Client (deploy script, shard manager). */
export async function readApplicationId(rest: { get(route: `/${string}`): Promise<unknown> }): Promise<string> {
  return z.object({ id: z.string() }).parse(await rest.get(Routes.currentApplication())).id;
}

export function commandsRoute(applicationId: string, guildId?: string): `/${string}` {
  return guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
}

/** Compares the registered commands with the list, the same way start-up registration decides. */
export async function checkCommands(
  rest: Pick<Rest, 'get'>,
  route: `/${string}`,
  definitions: readonly Definition[],
): Promise<CommandDiff> {
  return diffCommands(await rest.get(route), definitions);
}

/** Registers the command list only when it differs from what Discord has, so restarts cost nothing. */
export async function syncCommands(
  rest: Rest,
  applicationId: string,
  definitions: readonly Definition[],
  logger: Logger,
): Promise<boolean> {
  const route = commandsRoute(applicationId);
  const diff = await checkCommands(rest, route, definitions);
  if (isSame(diff)) return false;
  await rest.put(route, { body: definitions });
  logger.info({ commands: definitions.length, ...diff }, 'registered the slash commands');
  return true;
}
