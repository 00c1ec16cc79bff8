import { escapeMarkdown } from 'discord.js';
import type { Term } from '../../content/schema.js';
import { lookupCandidate } from '../../core/text-match.js';
import { UserError } from '../../discord-kit/errors.js';
import { truncate } from '../../discord-kit/limits.js';

export function termCandidates(terms: readonly Term[]) {
  return terms.map((term) => ({ id: term.id, label: term.term, aliases: term.aliases, term }));
}

/**
 * The term a typed query names: by id, name or alias, by a whole word or
 * phrase of one ("sanctions" for "UN sanctions"), or as the only close near
 * miss; else a refusal listing the matches or the genuinely close ones.
 */
export function findTerm(terms: readonly Term[], query: string): { term: Term; note: string | null } {
  const typed = escapeMarkdown(truncate(query, 60));
  const found = lookupCandidate(query, termCandidates(terms), 5);
  const names = (list: readonly { label: string }[]) => list.map((c) => `**${escapeMarkdown(c.label)}**`).join(', ');
  switch (found.kind) {
    case 'found':
      return {
        term: found.match.term,
        note: found.how === 'close' ? `"${typed}" is not in the glossary; this is the closest term.` : null,
      };
    case 'several':
      throw new UserError(
        `Several terms match "${typed}": ${names(found.matches)}. Pick one from the list as you type.`,
      );
    case 'none': {
      const suggestion = found.near.length > 0 ? ` Did you mean ${names(found.near)}?` : '';
      throw new UserError(
        `"${typed}" is not in the glossary.${suggestion} Pick a term from the list as you type, or run /glossary with no term to see them all.`,
      );
    }
  }
}
