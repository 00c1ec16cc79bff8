import { type RESTPostAPIChatInputApplicationCommandsJSONBody, Routes } from 'discord.js';
import { z } from 'zod';
import type { Logger } from '../core/logger.js';

/**
 * The parts of a command definition that matter to users, with Discord's
 * defaults filled in, so a registered command and a local definition compare
 * equal exactly when re-registering would change nothing.
 */
const Choice = z.object({ name: z.string(), value: z.union([z.string(), z.number()]) });
interface OptionShape {
  type: number;
  name: string;
  description: string;
  required: boolean;
  autocomplete: boolean;
  choices: z.infer<typeof Choice>[];
  options: OptionShape[];
  min_value?: number | undefined;
  max_value?: number | undefined;
}
const Option: z.ZodType<OptionShape> = z.lazy(() =>
  z.object({
    type: z.number(),
    name: z.string(),
    description: z.string(),
    required: z.boolean().default(false),
    autocomplete: z.boolean().default(false),
    choices: z.array(Choice).default([]),
    options: z.array(Option).default([]),
    min_value: z.number().optional(),
    max_value: z.number().optional(),
  }),
);
const Command = z.object({
  name: z.string(),
  description: z.string(),
  options: z.array(Option).default([]),
  default_member_permissions: z.string().nullable().default(null),
});
const Registered = z.array(Command);

export function sameCommands(registered: unknown, definitions: readonly unknown[]): boolean {
  const parsed = Registered.safeParse(registered);
  if (!parsed.success) return false;
  const local = Registered.parse(definitions);
  const key = (list: z.infer<typeof Registered>) =>
    JSON.stringify([...list].sort((a, b) => a.name.localeCompare(b.name)));
  return key(parsed.data) === key(local);
}

/** The application's id, for a REST client outside a logged-in Client (deploy script, shard manager). */
export async function readApplicationId(rest: { get(route: `/${string}`): Promise<unknown> }): Promise<string> {
  return z.object({ id: z.string() }).parse(await rest.get(Routes.currentApplication())).id;
}

/** Registers the command list only when it differs from what Discord has, so restarts cost nothing. */
export async function syncCommands(
  rest: {
    get(route: `/${string}`): Promise<unknown>;
    put(route: `/${string}`, options: { body: unknown }): Promise<unknown>;
  },
  applicationId: string,
  definitions: readonly RESTPostAPIChatInputApplicationCommandsJSONBody[],
  logger: Logger,
): Promise<boolean> {
  const route = Routes.applicationCommands(applicationId);
  if (sameCommands(await rest.get(route), definitions)) return false;
  await rest.put(route, { body: definitions });
  logger.info({ commands: definitions.length }, 'registered the slash commands');
  return true;
}
