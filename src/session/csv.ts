import type { Question } from '../content/schema.js';
import { toCsv } from '../core/csv.js';
import type { SessionState } from './state.js';

const HEADER = ['prompt_number', 'prompt', 'participant_id', 'display_name', 'messages'];

/** Participation report: one row per participant per prompt, RFC 4180 with CRLF line ends. */
export function renderSessionCsv(state: SessionState, questions: readonly Question[]): string {
  const promptById = new Map(questions.map((q) => [q.id, q.prompt]));
  const rows: string[][] = [HEADER];
  state.prompts.forEach((prompt, i) => {
    const text = promptById.get(prompt.questionId) ?? prompt.questionId;
    for (const p of prompt.participants) {
      rows.push([String(i + 1), text, p.userId, p.displayName, String(p.messages)]);
    }
  });
  return toCsv(rows);
}
