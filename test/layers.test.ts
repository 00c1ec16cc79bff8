import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Imports point one way: each layer may import only the layers listed before
 * it, and a feature only the features listed before it. The order is the one
 * the README's layout section describes.
 */
const LAYERS = [
  'src/core',
  'src/discord-kit',
  'src/content',
  'src/store',
  'src/runtime',
  'src/features',
  'src/app',
  'commands',
  'src/bin',
];
const FEATURES = ['settings', 'reading', 'quiz', 'session', 'homework'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\(\s*)'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] ?? '');
  return specs.map((spec) => relative('.', resolve(dirname(file), spec)).replace(/\.js$/, '.ts'));
}

/** [layer rank, feature rank] of a file, or null outside the layered tree. */
function placeOf(file: string): readonly [number, number] | null {
  const layer = LAYERS.findIndex((l) => file === l || file.startsWith(`${l}/`));
  if (layer < 0) return null;
  if (LAYERS[layer] !== 'src/features') return [layer, -1];
  const feature = FEATURES.indexOf(file.split('/')[2] ?? '');
  return [layer, feature];
}

/** Why `file` may not import `target`, or null when it may. */
function importViolation(file: string, target: string): string | null {
  const from = placeOf(file);
  const to = placeOf(target);
  if (!from) return `${file} is outside every layer`;
  if (!to) return `${file} imports ${target}, which is outside every layer`;
  const up = to[0] > from[0] || (to[0] === from[0] && from[1] >= 0 && to[1] > from[1]);
  return up ? `${file} imports ${target}, a layer above it` : null;
}

function layerViolations(files: readonly string[]): string[] {
  return files.flatMap((file) =>
    relativeImports(file)
      .map((target) => importViolation(file, target))
      .filter((v): v is string => v !== null),
  );
}

describe('the import graph', () => {
  it('has every feature folder in the feature order', () => {
    const folders = readdirSync('src/features', { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(folders.map((f) => f.name).filter((name) => !FEATURES.includes(name))).toEqual([]);
  });

  it('has no import that runs up a layer', () => {
    const files = [...tsFiles('src'), ...tsFiles('commands')];
    expect(files.length).toBeGreaterThan(50);
    expect(layerViolations(files)).toEqual([]);
  });

  it('refuses imports that run up, between layers and between features', () => {
    expect(importViolation('src/core/csv.ts', 'src/app/config.ts')).toMatch(/a layer above/);
    expect(importViolation('src/discord-kit/reply.ts', 'src/features/quiz/state.ts')).toMatch(/a layer above/);
    expect(importViolation('src/features/reading/render.ts', 'src/features/quiz/state.ts')).toMatch(/a layer above/);
    expect(importViolation('src/app/bot.ts', 'commands/index.ts')).toMatch(/a layer above/);
    expect(importViolation('src/loose.ts', 'src/core/csv.ts')).toMatch(/outside every layer/);
    expect(importViolation('src/features/quiz/render.ts', 'src/features/reading/render.ts')).toBeNull();
    expect(importViolation('src/bin/main.ts', 'commands/index.ts')).toBeNull();
  });

  it('keeps the local Discord free of the bot', () => {
    const outside = tsFiles('packages/local-discord/src').flatMap((file) =>
      relativeImports(file)
        .filter((target) => !target.startsWith('packages/local-discord/'))
        .map((target) => `${file} imports ${target}`),
    );
    expect(outside).toEqual([]);
  });
});
