import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type BaseMessageOptions,
  ComponentType,
  MessageFlags,
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
