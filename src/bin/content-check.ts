import { pathToFileURL } from 'node:url';
import { parseBaseConfig, readEnvironment } from '../app/config.js';
import { formatContentError } from '../content/errors.js';
import { loadCatalogue } from '../content/load.js';
import { describeLongestAnswerShare, longestAnswerShare } from '../content/rules.js';

/** Checks the content folder; prints one line per error, or one summary line per pack. Returns the exit code. */
export async function runCheck(contentDir: string, out: (line: string) => void): Promise<number> {
  const result = await loadCatalogue(contentDir);
  if (!result.ok) {
    for (const error of result.errors) out(formatContentError(error));
    return 1;
  }
  for (const pack of result.catalogue.packs) {
    const counts = [
      count(pack.sources.length, 'source', 'sources'),
      count(pack.claims.length, 'claim', 'claims'),
      count(pack.questions.length, 'question', 'questions'),
      count(pack.quiz.length, 'quiz item', 'quiz items'),
      count(pack.terms.length, 'term', 'terms'),
    ];
    out(`${pack.slug}: ${counts.join(', ')}; ${describeLongestAnswerShare(longestAnswerShare(pack.quiz))}`);
  }
  return 0;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // The folder comes from the command line, else CONTENT_DIR, as for the bot.
  const parsed = parseBaseConfig(readEnvironment());
  const fallback = parsed.ok ? parsed.config.CONTENT_DIR : 'content';
  process.exitCode = await runCheck(process.argv[2] ?? fallback, (line) => console.log(line));
}
