import { ButtonStyle, ComponentType } from 'discord.js';
import { describe, expect, test } from 'vitest';
import { withPager } from '../src/app/paging.js';
import { decodeId } from '../src/discord-kit/custom-id.js';
import type { MessageView } from '../src/discord-kit/reply.js';
import { buttonsOf, limitProblems, onlyEmbed } from './fixtures/message-limits.js';

const embedPages = (n: number): MessageView[] =>
  Array.from({ length: n }, (_, i) => ({
    embeds: [{ title: 'Claims', description: `Claim list, part ${i + 1}`, footer: { text: '26 claims' } }],
  }));

const OWNER = '123456789012345678';
const ARGS = ['kim-putin-2023', 'analysis'];

describe('withPager', () => {
  test('GIVEN one page THEN it is shown as it is, without buttons or a page count', () => {
    const [page] = embedPages(1);
    expect(withPager(embedPages(1), 0, 'claims-page', OWNER, ARGS)).toEqual(page);
  });

  test('GIVEN no pages THEN a short text says there is nothing to show', () => {
    expect(withPager([], 0, 'claims-page', OWNER, ARGS)).toEqual({ content: 'Nothing to show.' });
  });

  test.each([
    [0, 'Page 1 of 3', [true, false], [0, 1]],
    [1, 'Page 2 of 3', [false, false], [0, 2]],
    [2, 'Page 3 of 3', [false, true], [1, 2]],
    [-4, 'Page 1 of 3', [true, false], [0, 1]],
    [99, 'Page 3 of 3', [false, true], [1, 2]],
  ])(
    'GIVEN page %d of 3 THEN the footer says "%s" and Previous/Next are disabled at the ends',
    (page, count, disabled, targets) => {
      const view = withPager(embedPages(3), page, 'claims-page', OWNER, ARGS);
      const embed = onlyEmbed(view);
      const shown = Math.min(Math.max(page, 0), 2);
      expect(embed.description).toBe(`Claim list, part ${shown + 1}`);
      expect(embed.footer?.text).toBe(`26 claims · ${count}`);
      const buttons = buttonsOf(view);
      expect(buttons.map((b) => b.label)).toEqual(['◀ Previous', 'Next ▶']);
      expect(buttons.map((b) => b.disabled)).toEqual(disabled);
      expect(buttons.map((b) => b.style)).toEqual([ButtonStyle.Secondary, ButtonStyle.Secondary]);
      expect(buttons.map((b) => decodeId(b.customId))).toEqual(
        targets.map((target) => ({ action: 'claims-page', args: [String(target), OWNER, ...ARGS] })),
      );
      expect(limitProblems(view)).toEqual([]);
    },
  );

  test('GIVEN a public reply THEN the owner part of the ids is 0, so anyone may turn the pages', () => {
    const view = withPager(embedPages(2), 0, 'article-page', '0', ['kim-putin-2023']);
    expect(buttonsOf(view).map((b) => b.customId)).toEqual([
      'article-page:0:0:kim-putin-2023',
      'article-page:1:0:kim-putin-2023',
    ]);
  });

  test('GIVEN an embed without a footer THEN the footer is just the page count', () => {
    const pages: MessageView[] = [{ embeds: [{ description: 'one' }] }, { embeds: [{ description: 'two' }] }];
    expect(onlyEmbed(withPager(pages, 1, 'glossary-page', '0', [])).footer).toEqual({ text: 'Page 2 of 2' });
  });

  test('GIVEN text pages without embeds THEN the page count is added under the text', () => {
    const pages: MessageView[] = [{ content: 'First part' }, { content: 'Second part' }];
    const view = withPager(pages, 1, 'glossary-page', '0', []);
    expect(view.content).toBe('Second part\n\n-# Page 2 of 2');
    expect(buttonsOf(view).map((b) => b.disabled)).toEqual([false, true]);
  });

  test('GIVEN a page that has its own buttons THEN they are kept and the pager row comes last', () => {
    const own: MessageView = {
      embeds: [{ description: 'x' }],
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            {
              type: ComponentType.Button,
              style: ButtonStyle.Primary,
              label: 'Another question',
              custom_id: 'question-next:a:-:-',
            },
          ],
        },
      ],
    };
    const view = withPager([own, own], 0, 'claims-page', '0', []);
    expect(buttonsOf(view).map((b) => b.label)).toEqual(['Another question', '◀ Previous', 'Next ▶']);
    expect(view.components).toHaveLength(2);
  });
});
