import { type APIActionRowComponent, type APIButtonComponent, ButtonStyle, ComponentType } from 'discord.js';
import { z } from 'zod';
import type { ComponentHandler, Deps } from './command.js';
import { encodeId, parseArgs } from './custom-id.js';
import { UserError } from './errors.js';
import { type MessageView, toMessage, toReply } from './reply.js';

/**
 * Long output as pages turned with buttons. Pages are rendered again from the
 * content on every click, so nothing is stored and old messages keep working.
 * The owner part of the id is the asker for ephemeral replies, `0` for public
 * ones (anyone may turn those).
 */
export type PageRenderer = (deps: Deps, args: readonly string[]) => MessageView[];

const PUBLIC = '0';
const Args = z
  .tuple([
    z
      .string()
      .regex(/^\d{1,3}$/)
      .transform(Number),
    z.string().regex(/^\d{1,20}$/),
  ])
  .rest(z.string());

export function withPager(
  pages: readonly MessageView[],
  page: number,
  action: string,
  owner: string,
  args: readonly string[],
): MessageView {
  const index = Math.min(Math.max(page, 0), pages.length - 1);
  const view = pages[index] ?? { content: 'Nothing to show.' };
  if (pages.length < 2) return view;
  const button = (label: string, target: number, disabled: boolean): APIButtonComponent => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    label,
    custom_id: encodeId(action, target, owner, ...args),
    disabled,
  });
  const row: APIActionRowComponent<APIButtonComponent> = {
    type: ComponentType.ActionRow,
    components: [
      button('◀ Previous', Math.max(index - 1, 0), index === 0),
      button(`Next ▶`, Math.min(index + 1, pages.length - 1), index === pages.length - 1),
    ],
  };
  const [first, ...rest] = view.embeds ?? [];
  const embeds = first
    ? [
        {
          ...first,
          footer: { text: [first.footer?.text, `Page ${index + 1} of ${pages.length}`].filter(Boolean).join(' · ') },
        },
        ...rest,
      ]
    : [];
  return {
    ...view,
    ...(first ? { embeds } : { content: `${view.content ?? ''}\n\n-# Page ${index + 1} of ${pages.length}` }),
    components: [...(view.components ?? []), row],
  };
}

export interface Pager {
  readonly action: string;
  /** Replies with the first page. */
  reply(
    interaction: { user: { id: string }; reply(options: ReturnType<typeof toReply>): Promise<unknown> },
    deps: Deps,
    args: readonly string[],
    ephemeral: boolean,
  ): Promise<void>;
  readonly handler: ComponentHandler;
}

export function createPager(action: string, render: PageRenderer): Pager {
  return {
    action,
    async reply(interaction, deps, args, ephemeral) {
      const owner = ephemeral ? interaction.user.id : PUBLIC;
      await interaction.reply(toReply(withPager(render(deps, args), 0, action, owner, args), ephemeral));
    },
    async handler(interaction, rawArgs, deps) {
      const [page, owner, ...args] = parseArgs(Args, rawArgs);
      if (owner !== PUBLIC && owner !== interaction.user.id) {
        throw new UserError(
          'Only the person who asked can turn these pages. Run the command yourself to get your own copy.',
        );
      }
      await interaction.update(toMessage(withPager(render(deps, args), page, action, owner, args)));
    },
  };
}
