/**
 * Discord's documented limits, kept here rather than read from the OpenAPI
 * description so the bot never depends on it at run time.
 */
export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  embedTotal: 6000,
  actionRows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
  choices: 25,
  choiceName: 100,
  commandDescription: 100,
  pollQuestion: 300,
  pollAnswer: 55,
  pollHours: 768,
} as const;

/** Cuts text to `max` characters on a word boundary where possible, marking the cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '');
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

/**
 * Splits blocks of text into pages of at most `max` characters, never splitting
 * a block unless it alone is too long.
 */
export function paginate(blocks: readonly string[], max: number, separator = '\n\n'): string[] {
  const pages: string[] = [];
  let current = '';
  for (const block of blocks.flatMap((b) => splitLong(b, max))) {
    const next = current ? `${current}${separator}${block}` : block;
    if (next.length > max && current) {
      pages.push(current);
      current = block;
    } else {
      current = next;
    }
  }
  if (current) pages.push(current);
  return pages.length > 0 ? pages : [''];
}

function splitLong(block: string, max: number): string[] {
  const parts: string[] = [];
  let rest = block;
  while (rest.length > max) {
    const cut = rest.lastIndexOf(' ', max);
    const at = cut > max * 0.5 ? cut : max;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  parts.push(rest);
  return parts;
}
