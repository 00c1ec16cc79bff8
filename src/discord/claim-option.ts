import type { APIApplicationCommandBasicOption, APIApplicationCommandOptionChoice } from 'discord.js';
import { ApplicationCommandOptionType } from 'discord.js';
import type { Claim } from '../content/schema.js';
import { closestCandidates, searchCandidates } from '../text-match.js';
import { UserError } from './errors.js';
import { LIMITS, truncate } from './limits.js';

/** The `claim` option of /claims show and /session poll: one definition, one lookup, one "did you mean". */
export const claimOption = {
  type: ApplicationCommandOptionType.String,
  name: 'claim',
  description: 'Start typing words from the claim',
  required: true,
  autocomplete: true,
} as const satisfies APIApplicationCommandBasicOption;

function candidates(claims: readonly Claim[]) {
  return claims.map((c) => ({ id: c.id, label: c.claim }));
}

export function suggestClaims(claims: readonly Claim[], query: string): APIApplicationCommandOptionChoice<string>[] {
  return searchCandidates(query, candidates(claims), LIMITS.choices).map((c) => ({
    name: truncate(c.label, LIMITS.choiceName),
    value: c.id,
  }));
}

/** The claim with this id, or a refusal naming the closest ones. */
export function findClaim(claims: readonly Claim[], query: string): Claim {
  const claim = claims.find((c) => c.id === query);
  if (claim) return claim;
  const near = closestCandidates(query, candidates(claims), 3);
  const suggestion = near.length > 0 ? ` Did you mean ${near.map((c) => `\`${c.id}\``).join(', ')}?` : '';
  throw new UserError(
    `There is no claim "${truncate(query, 60)}" in this article.${suggestion} Pick one from the list as you type.`,
  );
}
