import type { Catalogue } from './content/catalogue.js';
import { formatContentError } from './content/errors.js';
import { loadCatalogue } from './content/load.js';
import type { Logger } from './logger.js';
import { type GuildStore, openStore } from './store/index.js';

/**
 * What `npm start` and `npm run play` both need before a client connects: the
 * content, checked, and the store, open. Problems are printed for the person at
 * the terminal (never a stack trace) and give null.
 */
export async function loadContentAndStore(
  settings: { CONTENT_DIR: string; STORE_URL: string },
  logger: Logger,
): Promise<{ catalogue: Catalogue; store: GuildStore } | null> {
  const loaded = await loadCatalogue(settings.CONTENT_DIR);
  if (!loaded.ok) {
    console.error(`Roundtable cannot start: the content in ${settings.CONTENT_DIR}/ has errors.`);
    for (const error of loaded.errors) console.error(formatContentError(error));
    return null;
  }
  try {
    return { catalogue: loaded.catalogue, store: await openStore(settings.STORE_URL, logger) };
  } catch (error) {
    console.error(
      `Roundtable cannot start: the store in STORE_URL cannot be opened: ${error instanceof Error ? error.message : String(error)}`,
    );
    return null;
  }
}
