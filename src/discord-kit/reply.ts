import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type BaseMessageOptions,
  ComponentType,
  type InteractionReplyOptions,
  MessageFlags,
  MessagePayload,
  type RepliableInteraction,
} from 'discord.js';

/** What a pure view returns: plain Discord JSON, rendered without any I/O. */
export interface MessageView {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
  files?: { name: string; data: Buffer | string }[];
}

/** Nobody is pinged unless a caller opts in explicitly. */
export const NO_MENTIONS = { parse: [] } as const;

export function toMessage(view: MessageView): BaseMessageOptions {
  return {
    content: view.content ?? '',
    embeds: view.embeds ?? [],
    components: view.components ?? [],
    files: (view.files ?? []).map((f) => ({ name: f.name, attachment: Buffer.from(f.data) })),
    allowedMentions: NO_MENTIONS,
  };
}

export function toReply(
  view: MessageView,
  ephemeral: boolean,
): BaseMessageOptions & { flags?: MessageFlags.Ephemeral } {
  return ephemeral ? { ...toMessage(view), flags: MessageFlags.Ephemeral } : toMessage(view);
}

export function textView(content: string): MessageView {
  return { content };
}

/** One action row of buttons. */
export function buttonRow(components: APIButtonComponent[]): APIActionRowComponent<APIButtonComponent> {
  return { type: ComponentType.ActionRow, components };
}

/**
 * Reply bodies for options that repeat (a prepared view, "Answer received: B"), resolved by
 * discord.js once and then sent as they are. discord.js resolves a reply's options on every call,
 * and its target checks `require` modules each time: about half of an answer click's own time in
 * the bot's code at 1,000 clicks a second. A body depends only on the options and on the target
 * being an interaction, so one resolved for one interaction serves every other.
 */
export class ReplyBodies<K> {
  readonly #bodies = new Map<K, MessagePayload['body']>();
  readonly #limit: number;

  /** Past `limit` keys the cache starts over, so keys that never repeat cannot grow it without end. */
  constructor(limit = 1000) {
    this.#limit = limit;
  }

  payload(interaction: RepliableInteraction, key: K, options: () => InteractionReplyOptions): MessagePayload {
    let body = this.#bodies.get(key);
    if (!body) {
      body = MessagePayload.create(interaction, options()).resolveBody().body;
      if (this.#bodies.size >= this.#limit) this.#bodies.clear();
      this.#bodies.set(key, body);
    }
    // A payload with its body and files set is sent as it is: reply() resolves only what is missing.
    const payload = new MessagePayload(interaction, {});
    payload.body = body;
    payload.files = [];
    return payload;
  }
}
