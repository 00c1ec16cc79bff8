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
import {
  type ButtonCodec,
  defineButton,
  encodeId,
  type IdArgs,
  type IdShape,
  idNumber,
  snowflake,
} from '../discord-kit/custom-id.js';
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
import type { ButtonRoute, Deps } from './command.js';

/**
 * Long output as pages turned with buttons. The pages come from the content
 * (memoised per pack, see views/prepared.ts) on every click, so nothing is
 * stored and old messages keep working. The owner part of the id is the asker
 * for ephemeral replies, `0` for public ones (anyone may turn those).
 */
export type PageRenderer<S extends IdShape> = (deps: Deps, args: IdArgs<S>) => readonly MessageView[];

const PUBLIC = '0';
const NOTHING: MessageView = Object.freeze({ content: 'Nothing to show.' });
const PAGE = { page: idNumber(3), owner: snowflake } as const;

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

export interface Pager<S extends IdShape> {
  /** Replies with the first page of `pages`, which turn with `args` (what the renderer is given on a click). */
  reply(
    interaction: { user: { id: string }; reply(options: ReplyOptions): Promise<unknown> },
    pages: readonly MessageView[],
    args: IdArgs<S>,
    ephemeral: boolean,
  ): Promise<void>;
  readonly button: ButtonRoute;
}

/** Pages turned by the `action` buttons, whose ids carry the page, the owner and then `shape`. */
export function createPager<const S extends IdShape>(action: string, shape: S, render: PageRenderer<S>): Pager<S> {
  const own: ButtonCodec<S> = defineButton(action, shape);
  const head = defineButton(action, PAGE);
  return {
    async reply(interaction, pages, args, ephemeral) {
      const owner = ephemeral ? interaction.user.id : PUBLIC;
      await interaction.reply(pagedReply(pages, 0, action, owner, own.parts(args), ephemeral));
    },
    button: {
      action,
      resolve(parts) {
        const at = head.decode(parts.slice(0, 2));
        const args = own.decode(parts.slice(2));
        if (!at || !args) return null;
        return {
          access: 'anyone',
          async run(interaction, deps) {
            if (at.owner !== PUBLIC && at.owner !== interaction.user.id) {
              throw new UserError(
                'Only the person who asked can turn these pages. Run the command yourself to get your own copy.',
              );
            }
            await interaction.update(pagedMessage(render(deps, args), at.page, action, at.owner, own.parts(args)));
          },
        };
      },
    },
  };
}
