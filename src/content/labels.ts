import type { ClaimKind, Difficulty, Level, SummaryLength, Theme, Verdict } from './schema.js';

/** An icon and words for every enum a student sees, so no raw id reaches them. */

export const KIND_LABEL: Record<ClaimKind, string> = {
  'reported-fact': '📰 Reported fact',
  attributed: '🗣️ Attributed claim',
  analysis: '🔍 Analysis',
  prediction: '🔮 Prediction',
  opinion: '💬 Opinion',
};

export const VERDICT_LABEL: Record<Verdict, string> = {
  supported: '✅ Supported',
  'partly-supported': '🟨 Partly supported',
  contradicted: '❌ Contradicted',
  'not-verified': '❔ Not verified',
  'not-checkable': '⚪ Not checkable',
  'came-true': '✅ Came true',
  'did-not-happen': '❌ Did not happen',
};

/**
 * What each verdict means, in plain words for students. The rules are those of
 * the content packs (see the header of claims.yaml): "not verified" is not
 * "false", and "not checkable" is a judgement no evidence can settle.
 */
export const VERDICT_MEANING: Record<Verdict, string> = {
  supported: 'Reliable sources confirm it.',
  'partly-supported': 'Part of it is confirmed, but part is wrong, overstated, missing context or not verified.',
  contradicted: 'Reliable sources show it is wrong.',
  'not-verified': 'No source was found either way. This does not mean it is false.',
  'not-checkable': 'An opinion or judgement: no evidence could prove it right or wrong.',
  'came-true': 'A prediction that later happened.',
  'did-not-happen': 'A prediction that, looking back, did not happen.',
};

/** One line per verdict, label then meaning, in the schema's order. */
export function verdictLegend(verdicts: readonly Verdict[]): string {
  return verdicts.map((v) => `${VERDICT_LABEL[v]}: ${VERDICT_MEANING[v]}`).join('\n');
}

export const THEME_LABEL: Record<Theme, string> = {
  motives: 'Motives',
  'sanctions-and-law': 'Sanctions and law',
  'evidence-and-media-literacy': 'Evidence and media literacy',
  consequences: 'Consequences',
  perspectives: 'Perspectives',
  history: 'History',
};

export const LEVEL_LABEL: Record<Level, string> = {
  recall: 'Recall',
  understand: 'Understand',
  analyze: 'Analyze',
  evaluate: 'Evaluate',
  create: 'Create',
};

export const DIFFICULTY_LABEL: Record<Difficulty, string> = {
  easy: 'Easy',
  medium: 'Medium',
  hard: 'Hard',
};

export const LENGTH_LABEL: Record<SummaryLength, string> = {
  brief: 'Brief',
  standard: 'Standard',
  detailed: 'Detailed',
};

export const LETTERS = ['A', 'B', 'C', 'D'] as const;

export function letter(index: number): string {
  return LETTERS[index] ?? String(index + 1);
}

export function paragraphRef(paragraphs: readonly number[]): string {
  if (paragraphs.length === 0) return '';
  return `¶${paragraphs.join(', ')}`;
}

/** Choices for an enum option, in the order given. */
export function choicesOf<K extends string>(
  values: readonly K[],
  labels: Record<K, string>,
): { name: string; value: K }[] {
  // Option choices show no icons: the label's leading emoji is dropped.
  return values.map((value) => ({ name: labels[value].replace(/^\S+\s(?=\p{Lu})/u, ''), value }));
}
