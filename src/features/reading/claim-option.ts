import type { APIApplicationCommandBasicOption, APIApplicationCommandOptionChoice } from 'discord.js';
import { ApplicationCommandOptionType, escapeMarkdown } from 'discord.js';
import type { Claim } from '../../content/schema.js';
import { lookupCandidate, searchCandidates } from '../../core/text-match.js';
import { UserError } from '../../discord-kit/errors.js';
import { LIMITS, truncate } from '../../discord-kit/limits.js';

/** The `claim` option of /claims show and /session poll: one definition, one lookup, one "did you mean". */
export const claimOption = {
  type: ApplicationCommandOptionType.String,
  name: 'claim',
  description: 'Start typing words from the claim',
  required: true,
  autocomplete: true,
} as const satisfies APIApplicationCommandBasicOption;

function candidates(claims: readonly Claim[]) {
  return claims.map((claim) => ({ id: claim.id, label: claim.claim, claim }));
}

export function suggestClaims(claims: readonly Claim[], query: string): APIApplicationCommandOptionChoice<string>[] {
  return searchCandidates(query, candidates(claims), LIMITS.choices).map((c) => ({
    name: truncate(c.label, LIMITS.choiceName),
    value: c.id,
  }));
}

function named(claim: Claim): string {
  return `**${escapeMarkdown(truncate(claim.claim, 120))}** (\`${claim.id}\`)`;
}

export interface FoundClaim {
  claim: Claim;
  /** Shown above the claim when it was a near miss of what was typed, so the reader knows. */
  note: string | null;
}

/**
 * The claim a typed query names: by id, by its text or a distinctive part of
 * it, or as the only close near miss; else a refusal listing the matches or
 * the genuinely close ones.
 */
export function lookupClaim(claims: readonly Claim[], query: string): FoundClaim {
  const typed = escapeMarkdown(truncate(query, 60));
  const found = lookupCandidate(query, candidates(claims), 5);
  switch (found.kind) {
    case 'found':
      return {
        claim: found.match.claim,
        note: found.how === 'close' ? `No claim is exactly "${typed}"; this is the closest.` : null,
      };
    case 'several':
      throw new UserError(
        `Several claims match "${typed}":\n${found.matches.map((c) => `• ${named(c.claim)}`).join('\n')}\nType more of the claim, or pick one from the list as you type.`,
      );
    case 'none': {
      const suggestion =
        found.near.length > 0 ? ` Did you mean ${found.near.map((c) => named(c.claim)).join(', ')}?` : '';
      throw new UserError(
        `There is no claim "${typed}" in this article.${suggestion} Pick one from the list as you type, or see them all with /claims list.`,
      );
    }
  }
}

/** The claim a typed query names (see lookupClaim), for replies that show the claim's text anyway. */
export function findClaim(claims: readonly Claim[], query: string): Claim {
  return lookupClaim(claims, query).claim;
}
