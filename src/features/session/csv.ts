import type { Question } from '../../content/schema.js';
import { csvFile } from '../../core/csv.js';
import type { SessionState } from './state.js';

const HEADER = ['prompt number', 'prompt', 'user id', 'display name', 'messages'] as const;

/** Participation report: one row per participant per prompt, in the one CSV style of every report. */
export function renderSessionCsv(state: SessionState, questions: readonly Question[]): string {
  const promptById = new Map(questions.map((q) => [q.id, q.prompt]));
  const rows: string[][] = [];
  state.prompts.forEach((prompt, i) => {
    const text = promptById.get(prompt.questionId) ?? prompt.questionId;
    for (const p of prompt.participants) {
      rows.push([String(i + 1), text, p.userId, p.displayName, String(p.messages)]);
    }
  });
  return csvFile(HEADER, rows);
}
