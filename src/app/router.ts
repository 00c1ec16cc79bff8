import { type Interaction, MessageFlags, PermissionFlagsBits } from 'discord.js';
import { decodeId, MALFORMED_BUTTON } from '../discord-kit/custom-id.js';
import { GENERIC_FAILURE, UserError } from '../discord-kit/errors.js';
import { NO_MENTIONS } from '../discord-kit/reply.js';
import { articleOption, suggestArticles } from '../features/settings/article-option.js';
import { requireHost } from '../features/settings/host.js';
import { QuarantinedRecordError, StoreUnavailableError } from '../store/index.js';
import type { Access, ButtonRoute, CommandModule, Deps, Place } from './command.js';

export const UNKNOWN_COMMAND = 'This command is not available. Type / to see what Roundtable can do, or try /help.';
export const SHUTTING_DOWN = 'Roundtable is restarting. Try again in a few seconds.';
export const MANAGERS_ONLY = 'Only people with Manage Server can change the settings.';

/** Enforces a handler's access rule: the one place it is checked. Returns where the interaction came from. */
async function checkAccess(access: Access, interaction: Interaction, deps: Deps, outsideServer: string) {
  const place: Place | null =
    interaction.guildId && interaction.channelId
      ? { guildId: interaction.guildId, channelId: interaction.channelId }
      : null;
  if (access === 'anyone') return place;
  if (!place) throw new UserError(outsideServer);
  if (access === 'host') await requireHost(interaction, deps);
  // Discord hides such commands from others, but permissions can be overridden per server: check anyway.
  if (access === 'manager' && !interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    throw new UserError(MANAGERS_ONLY);
  }
  return place;
}

type Outcome = 'ok' | 'user-error' | 'failed' | 'refused';

export interface Router {
  handle(interaction: Interaction): void;
  /** Stops taking interactions and resolves when those in flight are done. */
  drain(): Promise<void>;
  /** Resolves once the interactions being handled now are done; new ones are still taken. */
  settled(): Promise<void>;
}

/** The one place interactions are dispatched and errors turned into replies. */
export function createRouter(commands: readonly CommandModule[], deps: Deps): Router {
  const byName = new Map(commands.map((c) => [c.data.name, c]));
  const byAction = new Map<string, { button: ButtonRoute; command: CommandModule }>();
  for (const command of commands) {
    for (const button of command.buttons) {
      if (byAction.has(button.action)) throw new Error(`two commands claim the button action "${button.action}"`);
      byAction.set(button.action, { button, command });
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
        return 'ok';
      }
      const route = command.resolve(interaction);
      if (!route) {
        await reject(interaction, UNKNOWN_COMMAND);
        return 'refused';
      }
      await route.run(interaction, deps, await checkAccess(route.access, interaction, deps, command.outsideServer));
      return 'ok';
    }
    if (interaction.isButton()) {
      const decoded = decodeId(interaction.customId);
      const owner = decoded && byAction.get(decoded.action);
      const route = decoded && owner?.button.resolve(decoded.args);
      if (!owner || !route) {
        await reject(interaction, MALFORMED_BUTTON);
        return 'refused';
      }
      await route.run(
        interaction,
        deps,
        await checkAccess(route.access, interaction, deps, owner.command.outsideServer),
      );
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
    async settled() {
      await Promise.allSettled([...inFlight]);
    },
  };
}
