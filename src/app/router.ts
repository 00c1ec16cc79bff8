import { type Interaction, MessageFlags } from 'discord.js';
import { decodeId, MALFORMED_BUTTON } from '../discord-kit/custom-id.js';
import { GENERIC_FAILURE, UserError } from '../discord-kit/errors.js';
import { NO_MENTIONS } from '../discord-kit/reply.js';
import { articleOption, suggestArticles } from '../features/settings/article-option.js';
import { QuarantinedRecordError, StoreUnavailableError } from '../store/index.js';
import type { CommandModule, ComponentHandler, Deps } from './command.js';

export const UNKNOWN_COMMAND = 'This command is not available. Type / to see what Roundtable can do, or try /help.';
export const SHUTTING_DOWN = 'Roundtable is restarting. Try again in a few seconds.';

type Outcome = 'ok' | 'user-error' | 'failed' | 'refused';

export interface Router {
  handle(interaction: Interaction): void;
  /** Stops taking interactions and resolves when those in flight are done. */
  drain(): Promise<void>;
}

/** The one place interactions are dispatched and errors turned into replies. */
export function createRouter(commands: readonly CommandModule[], deps: Deps): Router {
  const byName = new Map(commands.map((c) => [c.data.name, c]));
  const byAction = new Map<string, ComponentHandler>();
  for (const command of commands) {
    for (const [action, handler] of Object.entries(command.components ?? {})) {
      if (byAction.has(action)) throw new Error(`two commands claim the button action "${action}"`);
      byAction.set(action, handler);
    }
  }
  const inFlight = new Set<Promise<void>>();
  let accepting = true;

  async function reject(interaction: Interaction, message: string): Promise<void> {
    if (interaction.isAutocomplete()) {
      if (!interaction.responded) await interaction.respond([]);
      return;
    }
    if (!interaction.isRepliable()) return;
    const payload = { content: message, flags: MessageFlags.Ephemeral as const, allowedMentions: NO_MENTIONS };
    if (interaction.replied || interaction.deferred) await interaction.followUp(payload);
    else await interaction.reply(payload);
  }

  async function dispatch(interaction: Interaction): Promise<Outcome> {
    if (interaction.isChatInputCommand() || interaction.isAutocomplete()) {
      const command = byName.get(interaction.commandName);
      if (!command) {
        await reject(interaction, UNKNOWN_COMMAND);
        return 'refused';
      }
      if (interaction.isAutocomplete()) {
        // Every command's `article` option completes the same way.
        if (interaction.options.getFocused(true).name === articleOption.name) {
          await interaction.respond(suggestArticles(interaction.options.getFocused(), deps.catalogue));
        } else if (command.autocomplete) await command.autocomplete(interaction, deps);
        else await interaction.respond([]);
      } else {
        await command.execute(interaction, deps);
      }
      return 'ok';
    }
    if (interaction.isButton()) {
      const decoded = decodeId(interaction.customId);
      const handler = decoded && byAction.get(decoded.action);
      if (!decoded || !handler) {
        await reject(interaction, MALFORMED_BUTTON);
        return 'refused';
      }
      await handler(interaction, decoded.args, deps);
      return 'ok';
    }
    if (interaction.isRepliable()) {
      await reject(interaction, UNKNOWN_COMMAND);
      return 'refused';
    }
    return 'refused';
  }

  async function run(interaction: Interaction): Promise<void> {
    const started = deps.now();
    const context = {
      interaction: interaction.id,
      kind: interaction.type,
      command: interaction.isCommand() || interaction.isAutocomplete() ? interaction.commandName : undefined,
      action: interaction.isMessageComponent() ? interaction.customId.split(':')[0] : undefined,
      guildId: interaction.guildId,
    };
    let outcome: Outcome;
    try {
      outcome = await dispatch(interaction);
    } catch (error) {
      // A record set aside for the operator is theirs to fix, a store that is down comes back by itself:
      // either way the user is told plainly what happened.
      const userFacing =
        error instanceof UserError || error instanceof QuarantinedRecordError || error instanceof StoreUnavailableError;
      outcome = userFacing ? 'user-error' : 'failed';
      if (!userFacing) deps.logger.error({ ...context, err: error }, 'interaction failed');
      else if (error instanceof QuarantinedRecordError) {
        deps.logger.warn({ ...context, key: error.key }, 'refused: the record is set aside');
      } else if (error instanceof StoreUnavailableError) {
        deps.logger.warn({ ...context }, 'refused: the store is unavailable');
      }
      try {
        await reject(interaction, userFacing ? error.message : GENERIC_FAILURE);
      } catch (replyError) {
        deps.logger.warn({ ...context, err: replyError }, 'could not tell the user about an error');
      }
    }
    deps.logger.info({ ...context, ms: deps.now() - started, outcome }, 'interaction');
  }

  return {
    handle(interaction) {
      if (!accepting) {
        reject(interaction, SHUTTING_DOWN).catch((error: unknown) =>
          deps.logger.warn({ err: error }, 'could not refuse an interaction while shutting down'),
        );
        return;
      }
      const task = run(interaction).finally(() => inFlight.delete(task));
      inFlight.add(task);
    },
    async drain() {
      accepting = false;
      await Promise.allSettled([...inFlight]);
    },
  };
}
