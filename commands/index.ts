import type { CommandModule } from '../src/app/command.js';
import { article } from './article.js';
import { claims } from './claims.js';
import { config } from './config.js';
import { glossary } from './glossary.js';
import { createHelp } from './help.js';
import { homework } from './homework.js';
import { question } from './question.js';
import { quiz } from './quiz.js';
import { session } from './session.js';
import { summary } from './summary.js';

/** The one list of commands: the bot routes these and the deploy script registers these. */
export const commands: readonly CommandModule[] = [
  article,
  summary,
  claims,
  question,
  glossary,
  quiz,
  session,
  homework,
  createHelp(() => commands),
  config,
];
