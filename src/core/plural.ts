/**
 * "1 player", "2 players": the one plural helper for every message, so no
 * reply says "1 rounds" or "1 points". English only, as the bot's text is.
 */
// One formatter for every call: toLocaleString builds a new one each time, which shows in reveal profiles.
const NUMBER = new Intl.NumberFormat('en-US');

/** 1234 as "1,234". */
export function formatCount(count: number): string {
  return NUMBER.format(count);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${NUMBER.format(count)} ${count === 1 ? one : many}`;
}
