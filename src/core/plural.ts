/**
 * "1 player", "2 players": the one plural helper for every message, so no
 * reply says "1 rounds" or "1 points". English only, as the bot's text is.
 */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}
