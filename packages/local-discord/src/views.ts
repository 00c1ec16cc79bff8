import { ButtonStyle, ComponentType, MessageFlags } from 'discord-api-types/v10';
import type { WireComponent, WireEmbed } from './schemas.js';
import type { StoredMessage } from './world.js';
import { computePings } from './world.js';

/** An embed as a student sees it. */
export interface EmbedView {
  title: string | null;
  description: string | null;
  url: string | null;
  color: number | null;
  author: string | null;
  fields: { name: string; value: string; inline: boolean }[];
  footer: string | null;
  image: string | null;
  thumbnail: string | null;
}

export interface ButtonView {
  label: string | null;
  customId: string | null;
  url: string | null;
  style: number;
  disabled: boolean;
  emoji: string | null;
  /** Index of the action row (or top-level component) holding it. */
  row: number;
}

export interface SelectView {
  type: number;
  customId: string;
  placeholder: string | null;
  options: { label: string; value: string; description: string | null; default: boolean }[];
  minValues: number;
  maxValues: number;
  disabled: boolean;
  row: number;
}

export interface AttachmentView {
  id: string;
  filename: string;
  size: number;
  contentType: string | null;
  data: Buffer;
}

export interface PollView {
  question: string;
  answers: { id: number; text: string; votes: number; voters: string[] }[];
  allowMultiselect: boolean;
  finalized: boolean;
  expiresAt: string | null;
}

/** A message reduced to what a user sees, for assertions and the terminal. */
export interface MessageView {
  id: string;
  channelId: string;
  authorId: string;
  fromBot: boolean;
  ephemeral: boolean;
  /** A deferred reply not yet edited ("Bot is thinking..."). */
  loading: boolean;
  flags: number;
  content: string;
  embeds: EmbedView[];
  buttons: ButtonView[];
  selects: SelectView[];
  /** The raw components, for assertions the flattened views do not cover. */
  components: WireComponent[];
  attachments: AttachmentView[];
  poll: PollView | null;
  thread: { id: string; name: string } | null;
  replyTo: string | null;
  /** Who the message actually notifies, after allowed_mentions. */
  pings: { users: string[]; roles: string[]; everyone: boolean };
  /** Content, embed text and text displays joined, for `toContain` checks. */
  text: string;
  edits: number;
  deleted: boolean;
}

/** What a user got back from an interaction. `type` is the callback type (4 reply, 5 deferred, 6 deferred update, 7 update). */
export interface ReplyView extends MessageView {
  type: number;
}

export function toEmbedView(e: WireEmbed): EmbedView {
  return {
    title: e.title ?? null,
    description: e.description ?? null,
    url: e.url ?? null,
    color: e.color ?? null,
    author: e.author?.name ?? null,
    fields: (e.fields ?? []).map((f) => ({ name: f.name, value: f.value, inline: f.inline ?? false })),
    footer: e.footer?.text ?? null,
    image: e.image?.url ?? null,
    thumbnail: e.thumbnail?.url ?? null,
  };
}

function emojiText(c: WireComponent): string | null {
  if (!c.emoji) return null;
  return c.emoji.name ?? c.emoji.id ?? null;
}

function collect(components: readonly WireComponent[]): {
  buttons: ButtonView[];
  selects: SelectView[];
  texts: string[];
} {
  const buttons: ButtonView[] = [];
  const selects: SelectView[] = [];
  const texts: string[] = [];
  const visit = (c: WireComponent, row: number) => {
    if (c.type === ComponentType.Button) {
      buttons.push({
        label: c.label ?? null,
        customId: c.custom_id ?? null,
        url: c.url ?? null,
        style: c.style ?? ButtonStyle.Secondary,
        disabled: c.disabled ?? false,
        emoji: emojiText(c),
        row,
      });
    } else if (
      c.type === ComponentType.StringSelect ||
      c.type === ComponentType.UserSelect ||
      c.type === ComponentType.RoleSelect ||
      c.type === ComponentType.MentionableSelect ||
      c.type === ComponentType.ChannelSelect
    ) {
      selects.push({
        type: c.type,
        customId: c.custom_id ?? '',
        placeholder: c.placeholder ?? null,
        options: (c.options ?? []).map((o) => ({
          label: o.label,
          value: o.value,
          description: o.description ?? null,
          default: o.default ?? false,
        })),
        minValues: c.min_values ?? 1,
        maxValues: c.max_values ?? 1,
        disabled: c.disabled ?? false,
        row,
      });
    } else if (c.type === ComponentType.TextDisplay && c.content) {
      texts.push(c.content);
    }
    for (const child of c.components ?? []) visit(child, row);
    if (c.accessory) visit(c.accessory, row);
    if (c.component) visit(c.component, row);
  };
  components.forEach((c, row) => {
    visit(c, row);
  });
  return { buttons, selects, texts };
}

function embedText(e: EmbedView): string[] {
  return [e.author, e.title, e.description, ...e.fields.flatMap((f) => [f.name, f.value]), e.footer].filter(
    (x): x is string => x !== null && x !== '',
  );
}

export function toMessageView(stored: StoredMessage, botId: string): MessageView {
  const m = stored.message;
  const flags = m.flags ?? 0;
  const embeds = m.embeds.map(toEmbedView);
  const { buttons, selects, texts } = collect(m.components);
  const poll = m.poll
    ? {
        question: m.poll.question.text ?? '',
        answers: m.poll.answers.map((a) => {
          const voters = stored.votes.get(a.answer_id) ?? [];
          return { id: a.answer_id, text: a.poll_media.text ?? '', votes: voters.length, voters: [...voters] };
        }),
        allowMultiselect: m.poll.allow_multiselect,
        finalized: m.poll.results?.is_finalized ?? false,
        expiresAt: m.poll.expiry,
      }
    : null;
  const thread = m.thread && 'name' in m.thread && m.thread.name ? { id: m.thread.id, name: m.thread.name } : null;
  return {
    id: m.id,
    channelId: m.channel_id,
    authorId: m.author.id,
    fromBot: m.author.id === botId,
    ephemeral: (flags & MessageFlags.Ephemeral) !== 0,
    loading: (flags & MessageFlags.Loading) !== 0,
    flags,
    content: m.content,
    embeds,
    buttons,
    selects,
    components: m.components,
    attachments: m.attachments.map((a) => ({
      id: a.id,
      filename: a.filename,
      size: a.size,
      contentType: a.content_type ?? null,
      data: stored.files.get(a.id) ?? Buffer.alloc(0),
    })),
    poll,
    thread,
    replyTo: m.message_reference?.message_id ?? null,
    pings: computePings(m.content, stored.allowedMentions),
    text: [m.content, ...embeds.flatMap(embedText), ...texts, ...(poll ? [poll.question] : [])]
      .filter((x) => x !== '')
      .join('\n'),
    edits: stored.edits,
    deleted: stored.deleted,
  };
}

/** A reply view with no message (a deferred update that never edited). */
export function emptyReplyView(type: number): ReplyView {
  return {
    type,
    id: '',
    channelId: '',
    authorId: '',
    fromBot: true,
    ephemeral: false,
    loading: false,
    flags: 0,
    content: '',
    embeds: [],
    buttons: [],
    selects: [],
    components: [],
    attachments: [],
    poll: null,
    thread: null,
    replyTo: null,
    pings: { users: [], roles: [], everyone: false },
    text: '',
    edits: 0,
    deleted: false,
  };
}

const TEXT_TYPES = /^(text\/|application\/(csv|json|x-ndjson|xml|yaml|x-yaml)\b)/i;
const TEXT_NAMES = /\.(csv|tsv|txt|md|json|ndjson|xml|ya?ml|log)$/i;
/** Lines of a text file the terminal shows, and how long a line may be there. */
const PREVIEW_LINES = 8;
const PREVIEW_WIDTH = 160;

/**
 * The first lines of a text attachment (CSV, plain text, JSON...) as a reader would open it, without
 * a byte order mark; null for other files and for bytes that are not text.
 */
export function textPreview(
  attachment: AttachmentView,
  maxLines = PREVIEW_LINES,
): { lines: string[]; total: number } | null {
  const named = TEXT_NAMES.test(attachment.filename);
  if (!named && !(attachment.contentType && TEXT_TYPES.test(attachment.contentType))) return null;
  if (attachment.data.includes(0)) return null;
  const text = attachment.data.toString('utf8').replace(/^\uFEFF/, '');
  if (text.includes('\uFFFD')) return null;
  const all = text.split(/\r\n|\n|\r/);
  if (all.length > 0 && all[all.length - 1] === '') all.pop();
  const cut = (l: string) => (l.length > PREVIEW_WIDTH ? `${l.slice(0, PREVIEW_WIDTH - 3)}...` : l);
  return { lines: all.slice(0, maxLines).map(cut), total: all.length };
}

export interface RenderOptions {
  /** Where the terminal saved an attachment, printed under its name. */
  savedPath?: (attachment: AttachmentView) => string | undefined;
}

/**
 * Plain text of a message for the terminal. Buttons are numbered [1], [2], ...
 * in `view.buttons` order, so `view.buttons[n - 1]` is the button numbered n.
 * A text attachment (CSV, plain text...) shows its first lines.
 */
export function renderForTerminal(view: MessageView | ReplyView, options: RenderOptions = {}): string {
  const lines: string[] = [];
  if (view.ephemeral) lines.push('(only you can see this)');
  if (view.loading) lines.push('(thinking...)');
  if (view.content) lines.push(view.content);
  for (const e of view.embeds) {
    const bar = '| ';
    if (e.author) lines.push(`${bar}${e.author}`);
    if (e.title) lines.push(`${bar}${e.title.toUpperCase()}`);
    if (e.description) lines.push(...e.description.split('\n').map((l) => `${bar}${l}`));
    for (const f of e.fields) {
      lines.push(`${bar}${f.name}`);
      lines.push(...f.value.split('\n').map((l) => `${bar}  ${l}`));
    }
    if (e.footer) lines.push(`${bar}-- ${e.footer}`);
  }
  for (const c of view.components) {
    if (c.type === ComponentType.TextDisplay && c.content) lines.push(c.content);
  }
  if (view.poll) {
    const p = view.poll;
    lines.push(`Poll: ${p.question}${p.finalized ? ' (ended)' : ''}`);
    for (const a of p.answers) lines.push(`  ${a.id}) ${a.text} - ${a.votes} vote${a.votes === 1 ? '' : 's'}`);
  }
  for (const a of view.attachments) {
    const preview = textPreview(a);
    const rows = preview ? `, ${preview.total} line${preview.total === 1 ? '' : 's'}` : '';
    lines.push(`[file] ${a.filename} (${a.size} bytes${rows})`);
    const saved = options.savedPath?.(a);
    if (saved) lines.push(`  saved to ${saved}`);
    if (!preview) continue;
    lines.push(...preview.lines.map((l) => `  | ${l}`));
    const more = preview.total - preview.lines.length;
    if (more > 0) lines.push(`  | ... ${more} more line${more === 1 ? '' : 's'}`);
  }
  if (view.buttons.length > 0) {
    const rows = new Map<number, string[]>();
    view.buttons.forEach((b, i) => {
      const name = [b.emoji, b.label].filter(Boolean).join(' ') || b.customId || '?';
      const text = `[${i + 1}] ${name}${b.disabled ? ' (disabled)' : ''}${b.url ? ` <${b.url}>` : ''}`;
      rows.set(b.row, [...(rows.get(b.row) ?? []), text]);
    });
    for (const row of rows.values()) lines.push(row.join('  '));
  }
  for (const s of view.selects) {
    lines.push(`[select] ${s.placeholder ?? s.customId}${s.disabled ? ' (disabled)' : ''}`);
    for (const o of s.options) lines.push(`  - ${o.label}${o.description ? ` (${o.description})` : ''}`);
  }
  if (view.thread) lines.push(`[thread] ${view.thread.name}`);
  return lines.join('\n');
}
