/**
 * "1 player", "2 players": the one plural helper for every message, so no
 * reply says "1 rounds" or "1 points". English only, as the bot's text is.
 */
// Not Intl.NumberFormat: its first use maps about 6 MB of ICU data into the
// process (RSS at 10,000 servers), and a count needs only its thousands commas.
// Made once on first need, for a count that is not a whole number.
let fractional: Intl.NumberFormat | undefined;

/** 1234 as "1,234". */
export function formatCount(count: number): string {
  if (!Number.isSafeInteger(count)) {
    fractional ??= new Intl.NumberFormat('en-US');
    return fractional.format(count);
  }
  const digits = String(Math.abs(count)).replace(/\B(?=(\d{3})+$)/g, ',');
  return count < 0 ? `-${digits}` : digits;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}
