// `npm run build` and `npm start`. Plain JavaScript because it runs before anything is built.
//
//   node src/bin/build.mjs [more entry points]   bundle src/bin/main.ts (and those) into dist/
//   node --enable-source-maps src/bin/build.mjs --start   bundle, then run the bot in this process
//
// esbuild's own binary does the bundling (about 50 ms). `npm start` used to be
// `npm run build && node …`: the nested npm alone cost about 200 ms of start-up,
// and running the bundle in this process saves starting another node.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BOT_ENTRY = 'src/bin/main.ts';
/** Where the bundle of `src/bin/main.ts` lands (`--outbase=.` keeps the source layout). */
export const BOT_BUNDLE = join(ROOT, 'dist', 'src', 'bin', 'main.js');

const OPTIONS = [
  '--bundle',
  '--platform=node',
  '--format=esm',
  '--packages=external',
  '--target=node20.11',
  '--sourcemap',
  // Stack traces need only the mappings; the sources' text is in the repository.
  '--sources-content=false',
  '--outbase=.',
  '--outdir=dist',
  '--log-level=warning',
];

/** Bundles the bot (and any further entry points) into dist/; throws with esbuild's message on failure. */
export function build(extraEntries = []) {
  const esbuild = createRequire(import.meta.url).resolve('esbuild/bin/esbuild');
  execFileSync(esbuild, [BOT_ENTRY, ...extraEntries, ...OPTIONS], { cwd: ROOT, stdio: 'inherit' });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const start = args.includes('--start');
  try {
    build(args.filter((a) => a !== '--start'));
  } catch {
    // esbuild has printed what is wrong.
    process.exit(1);
  }
  if (start) await import(pathToFileURL(BOT_BUNDLE).href);
}
