import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type BaseMessageOptions,
  ButtonStyle,
  ComponentType,
  type JSONEncodable,
  MessageFlags,
  subtext,
} from 'discord.js';
import { z } from 'zod';
import { encodeId, parseArgs } from '../discord-kit/custom-id.js';
import { UserError } from '../discord-kit/errors.js';
import type { MessageView } from '../discord-kit/reply.js';
import {
  type ActionRow,
  encodable,
  messageOf,
  type Prepared,
  prepare,
  type ReplyOptions,
} from '../features/reading/prepared.js';
import type { ComponentHandler, Deps } from './command.js';

/**
 * Long output as pages turned with buttons. The pages come from the content
 * (memoised per pack, see views/prepared.ts) on every click, so nothing is
 * stored and old messages keep working. The owner part of the id is the asker
 * for ephemeral replies, `0` for public ones (anyone may turn those).
 */
export type PageRenderer = (deps: Deps, args: readonly string[]) => readonly MessageView[];

const PUBLIC = '0';
const NOTHING: MessageView = Object.freeze({ content: 'Nothing to show.' });
const Args = z
  .tuple([
    z
      .string()
      .regex(/^\d{1,3}$/)
      .transform(Number),
    z.string().regex(/^\d{1,20}$/),
  ])
  .rest(z.string());

function clamp(page: number, count: number): number {
  return Math.min(Math.max(page, 0), count - 1);
}

/** Page `index` of several, with the page count added but without the pager's own row. */
function pageBody(view: MessageView, index: number, count: number): MessageView {
  const [first, ...rest] = view.embeds ?? [];
  const embeds = first
    ? [
        {
          ...first,
          footer: { text: [first.footer?.text, `Page ${index + 1} of ${count}`].filter(Boolean).join(' · ') },
        },
        ...rest,
      ]
    : [];
  return {
    ...view,
    ...(first ? { embeds } : { content: `${view.content ?? ''}\n\n${subtext(`Page ${index + 1} of ${count}`)}` }),
    components: [...(view.components ?? [])],
  };
}

function pagerRow(
  index: number,
  count: number,
  action: string,
  owner: string,
  args: readonly string[],
): APIActionRowComponent<APIButtonComponent> {
  const button = (label: string, target: number, disabled: boolean): APIButtonComponent => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label,
    custom_id: encodeId(action, target, owner, ...args),
    disabled,
  });
  return {
    type: ComponentType.ActionRow,
    components: [
      button('◀ Previous', Math.max(index - 1, 0), index === 0),
      button(`Next ▶`, Math.min(index + 1, count - 1), index === count - 1),
    ],
  };
}

export function withPager(
  pages: readonly MessageView[],
  page: number,
  action: string,
  owner: string,
  args: readonly string[],
): MessageView {
  const index = clamp(page, pages.length);
  const view = pages[index] ?? { ...NOTHING };
  if (pages.length < 2) return view;
  const body = pageBody(view, index, pages.length);
  return { ...body, components: [...(body.components ?? []), pagerRow(index, pages.length, action, owner, args)] };
}

/** Per pages array (they are memoised per pack): each page as prepared, page count included. */
const preparedPages = new WeakMap<readonly MessageView[], Prepared[]>();
/** Rows of public replies, the same for everyone; ephemeral ones carry the asker's id. */
const publicRows = new WeakMap<readonly MessageView[], Map<string, JSONEncodable<ActionRow>>>();

/**
 * What `toMessage(withPager(pages, page, action, owner, args))` gives, each
 * page prepared once per pages array; only the button row is made per call.
 */
export function pagedMessage(
  pages: readonly MessageView[],
  page: number,
  action: string,
  owner: string,
  args: readonly string[],
): BaseMessageOptions {
  const count = pages.length;
  const index = clamp(page, count);
  if (count < 2) return messageOf(prepare(pages[index] ?? NOTHING));
  let cached = preparedPages.get(pages);
  if (!cached) {
    cached = [];
    preparedPages.set(pages, cached);
  }
  cached[index] ??= prepare(pageBody(pages[index] ?? NOTHING, index, count));
  const body = cached[index];
  return messageOf(body, { components: [...body.components, rowOf(pages, index, action, owner, args)] });
}

/** What `toReply(withPager(pages, page, action, owner, args), ephemeral)` gives. */
export function pagedReply(
  pages: readonly MessageView[],
  page: number,
  action: string,
  owner: string,
  args: readonly string[],
  ephemeral: boolean,
): ReplyOptions {
  const message = pagedMessage(pages, page, action, owner, args);
  return ephemeral ? { ...message, flags: MessageFlags.Ephemeral } : message;
}

function rowOf(
  pages: readonly MessageView[],
  index: number,
  action: string,
  owner: string,
  args: readonly string[],
): JSONEncodable<ActionRow> {
  if (owner !== PUBLIC) return encodable(pagerRow(index, pages.length, action, owner, args));
  let rows = publicRows.get(pages);
  if (!rows) {
    rows = new Map();
    publicRows.set(pages, rows);
  }
  const key = [action, index, ...args].join('\u0000');
  let row = rows.get(key);
  if (!row) {
    row = encodable(pagerRow(index, pages.length, action, owner, args));
    rows.set(key, row);
  }
  return row;
}

export interface Pager {
  readonly action: string;
  /** Replies with the first page of `pages`, which turn with `args` (what the renderer is given on a click). */
  reply(
    interaction: { user: { id: string }; reply(options: ReplyOptions): Promise<unknown> },
    pages: readonly MessageView[],
    args: readonly string[],
    ephemeral: boolean,
  ): Promise<void>;
  readonly handler: ComponentHandler;
}

export function createPager(action: string, render: PageRenderer): Pager {
  return {
    action,
    async reply(interaction, pages, args, ephemeral) {
      const owner = ephemeral ? interaction.user.id : PUBLIC;
      await interaction.reply(pagedReply(pages, 0, action, owner, args, ephemeral));
    },
    async handler(interaction, rawArgs, deps) {
      const [page, owner, ...args] = parseArgs(Args, rawArgs);
      if (owner !== PUBLIC && owner !== interaction.user.id) {
        throw new UserError(
          'Only the person who asked can turn these pages. Run the command yourself to get your own copy.',
        );
      }
      await interaction.update(pagedMessage(render(deps, args), page, action, owner, args));
    },
  };
}
