import { REST } from '@discordjs/rest';
import { DiscordAPIError, RESTJSONErrorCodes, Routes } from 'discord.js';
import { z } from 'zod';
import type { MessageView } from './reply.js';

/**
 * Messages that outlive an interaction (quiz questions, session prompts) go
 * through the channel routes: interaction tokens expire after 15 minutes, a
 * round or a discussion can last longer.
 */
export interface ChannelMessages {
  send(channelId: string, view: MessageView, extra?: Readonly<Record<string, unknown>>): Promise<string>;
  edit(channelId: string, messageId: string, view: MessageView): Promise<void>;
  /** False when the message is gone (deleted by a moderator, say); other failures throw. */
  exists(channelId: string, messageId: string): Promise<boolean>;
  /** Edits the reply to an interaction (an ephemeral acknowledgement) while its token is valid. */
  editOriginal(applicationId: string, token: string, view: MessageView): Promise<void>;
}

const Created = z.object({ id: z.string() });

function body(view: MessageView): Record<string, unknown> {
  return {
    content: view.content ?? '',
    embeds: view.embeds ?? [],
    components: view.components ?? [],
    allowed_mentions: { parse: [] },
  };
}

/**
 * Interaction webhooks (editing an acknowledgement) are outside Discord's global rate limit, but
 * @discordjs/rest counts every request against its own 50 a second: a reveal's hundreds of
 * personal results then held back the next question by seconds. They get a REST of their own,
 * without a bot token and without that client-side limit.
 */
export function interactionWebhookRest(apiUrl: string): REST {
  return new REST({ version: '10', api: apiUrl, globalRequestsPerSecond: Number.POSITIVE_INFINITY });
}

export function createChannelMessages(rest: REST, webhooks: REST = rest): ChannelMessages {
  return {
    async send(channelId, view, extra = {}) {
      const files = (view.files ?? []).map((f) => ({ name: f.name, data: Buffer.from(f.data) }));
      const created = await rest.post(Routes.channelMessages(channelId), {
        body: { ...body(view), ...extra },
        ...(files.length > 0 ? { files } : {}),
      });
      return Created.parse(created).id;
    },
    async edit(channelId, messageId, view) {
      await rest.patch(Routes.channelMessage(channelId, messageId), { body: body(view) });
    },
    async exists(channelId, messageId) {
      try {
        await rest.get(Routes.channelMessage(channelId, messageId));
        return true;
      } catch (error) {
        if (isUnknownMessage(error)) return false;
        throw error;
      }
    },
    async editOriginal(applicationId, token, view) {
      // Interaction webhooks carry their own token: no bot authorisation.
      await webhooks.patch(Routes.webhookMessage(applicationId, token, '@original'), {
        body: body(view),
        auth: false,
      });
    },
  };
}

/** Discord's answer when a message is gone, e.g. deleted by a moderator. */
export function isUnknownMessage(error: unknown): boolean {
  return error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.UnknownMessage;
}

/**
 * Shows `view` in message `messageId`; one that is gone (`gone` is told) or
 * was never posted (null) is posted anew. Resolves to the id of the message
 * showing it now: `messageId` when edited in place.
 */
export async function editOrPost(
  messages: ChannelMessages,
  channelId: string,
  messageId: string | null,
  view: MessageView,
  gone: () => void = () => {},
): Promise<string> {
  if (messageId !== null) {
    if (await editIfThere(messages, channelId, messageId, view)) return messageId;
    gone();
  }
  return messages.send(channelId, view);
}

/** Edits a message into `view`; false when it is gone, which needs nothing more. */
export async function editIfThere(
  messages: ChannelMessages,
  channelId: string,
  messageId: string,
  view: MessageView,
): Promise<boolean> {
  try {
    await messages.edit(channelId, messageId, view);
    return true;
  } catch (error) {
    if (!isUnknownMessage(error)) throw error;
    return false;
  }
}
