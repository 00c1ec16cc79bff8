import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { type Catalogue, createCatalogue } from './catalogue.js';
import { type ContentError, compareContentErrors, formatPath } from './errors.js';
import type { ParseCache } from './parse-cache.js';
import { checkPackRules, type PackDraft, type PackFileKey } from './rules.js';
import {
  ArticleSchema,
  citingSchemas,
  PACK_FILES,
  type Pack,
  QuestionsSchema,
  SourcesSchema,
  SummariesSchema,
} from './schema.js';
import { type Locate, type ParsedYaml, parseYamlDocument } from './yaml-document.js';

export type LoadResult = { ok: true; catalogue: Catalogue } | { ok: false; errors: ContentError[] };

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const PACK_FILE_NAMES: readonly string[] = Object.values(PACK_FILES);
const PACK_FILE_LIST = PACK_FILE_NAMES.join(', ');

/**
 * Reads every folder of `contentDir` as a pack and checks it whole. Never throws for bad
 * content: every problem found, in every file, comes back as a located ContentError.
 */
export async function loadCatalogue(
  contentDir: string,
  options: { readonly parseCache?: ParseCache | undefined } = {},
): Promise<LoadResult> {
  const errors: ContentError[] = [];
  const packs: Pack[] = [];

  const listing = await listFolder(contentDir);
  if (!listing.ok) {
    return { ok: false, errors: [errorAtStart(contentDir, `content folder ${listing.reason}`)] };
  }

  const folders: string[] = [];
  for (const entry of listing.entries) {
    if (isIgnored(entry.name)) continue;
    if (entry.isFolder) folders.push(entry.name);
    else {
      errors.push(
        errorAtStart(
          join(contentDir, entry.name),
          'not a folder: the content folder holds only pack folders (and README.md or dotfiles)',
        ),
      );
    }
  }
  if (folders.length === 0) errors.push(errorAtStart(contentDir, 'no packs: the content folder has no pack folders'));

  for (const slug of folders) {
    const pack = await loadPack(join(contentDir, slug), slug, errors, options.parseCache);
    if (pack) packs.push(pack);
  }

  if (errors.length > 0) return { ok: false, errors: errors.sort(compareContentErrors) };
  return { ok: true, catalogue: createCatalogue(packs) };
}

async function loadPack(
  dir: string,
  slug: string,
  errors: ContentError[],
  cache: ParseCache | undefined,
): Promise<Pack | undefined> {
  const listing = await listFolder(dir);
  if (!listing.ok) {
    errors.push(errorAtStart(dir, `pack folder ${listing.reason}`));
    return undefined;
  }
  if (!listing.entries.some((e) => PACK_FILE_NAMES.includes(e.name))) {
    errors.push(errorAtStart(dir, `not a pack: a pack folder holds ${PACK_FILE_LIST}`));
    return undefined;
  }
  if (!SLUG.test(slug)) {
    errors.push(errorAtStart(dir, 'pack folder name must be kebab-case (a-z, 0-9 and single hyphens): it is the slug'));
  }
  for (const entry of listing.entries) {
    if (!isIgnored(entry.name) && !PACK_FILE_NAMES.includes(entry.name)) {
      errors.push(errorAtStart(join(dir, entry.name), `unexpected file: a pack folder holds only ${PACK_FILE_LIST}`));
    }
  }

  const file = (key: PackFileKey) => join(dir, PACK_FILES[key]);
  const article = await loadPackFile(file('article'), ArticleSchema, errors, cache);
  const summaries = await loadPackFile(file('summaries'), SummariesSchema, errors, cache);
  const sources = await loadPackFile(file('sources'), SourcesSchema, errors, cache);
  // Citations are resolved while parsing, so the files that cite come after sources.yaml.
  const citing = citingSchemas(sources && new Map(sources.data.sources.map((s) => [s.id, s])));
  const claims = await loadPackFile(file('claims'), citing.claims, errors, cache);
  const questions = await loadPackFile(file('questions'), QuestionsSchema, errors, cache);
  const quiz = await loadPackFile(file('quiz'), citing.quiz, errors, cache);
  const glossary = await loadPackFile(file('glossary'), citing.glossary, errors, cache);

  const draft: PackDraft = {
    article: article?.data,
    summaries: summaries?.data,
    sources: sources?.data.sources,
    claims: claims?.data.claims,
    questions: questions?.data.questions,
    quiz: quiz?.data.quiz,
    terms: glossary?.data.terms,
  };
  const located: Record<PackFileKey, LoadedFile<unknown> | undefined> = {
    article,
    summaries,
    sources,
    claims,
    questions,
    quiz,
    glossary,
  };
  for (const issue of checkPackRules(draft)) {
    const file = located[issue.file];
    // The rules only look at files that parsed, so a located file is always there.
    if (!file) continue;
    errors.push({ file: file.path, ...file.locate(issue.path), path: formatPath(issue.path), message: issue.message });
  }

  if (
    !draft.article ||
    !draft.summaries ||
    !draft.sources ||
    !draft.claims ||
    !draft.questions ||
    !draft.quiz ||
    !draft.terms
  ) {
    return undefined;
  }
  return {
    slug,
    article: draft.article,
    summaries: draft.summaries,
    sources: draft.sources,
    claims: draft.claims,
    questions: draft.questions,
    quiz: draft.quiz,
    terms: draft.terms,
  };
}

interface LoadedFile<T> {
  readonly path: string;
  readonly data: T;
  readonly locate: Locate;
}

async function loadPackFile<T>(
  path: string,
  schema: z.ZodType<T>,
  errors: ContentError[],
  cache: ParseCache | undefined,
): Promise<LoadedFile<T> | undefined> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (error) {
    errors.push(
      errorAtStart(path, hasCode(error, 'ENOENT') ? 'file is missing' : `cannot read: ${describeFsError(error)}`),
    );
    return undefined;
  }

  const parsed = await parseWithCache(path, source, cache);
  if (!parsed.ok) {
    errors.push(...parsed.errors);
    return undefined;
  }
  const result = schema.safeParse(parsed.data, { error: describeIssue });
  if (!result.success) {
    for (const issue of result.error.issues) {
      // One error per unknown key, at the key itself, so a typo points at its line.
      const located =
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => ({ path: [...issue.path, key], message: 'unknown key' }))
          : [{ path: issue.path, message: issue.message }];
      for (const { path: at, message } of located) {
        errors.push({ file: path, ...parsed.locate(at), path: formatPath(at), message });
      }
    }
    return undefined;
  }
  return { path, data: result.data, locate: parsed.locate };
}

async function parseWithCache(path: string, source: string, cache: ParseCache | undefined): Promise<ParsedYaml> {
  const cached = await cache?.get(source);
  if (cached) return { ok: true, data: cached.data, locate: locateLazily(path, source) };
  const parsed = parseYamlDocument(path, source);
  if (parsed.ok) await cache?.set(source, parsed.data);
  return parsed;
}

/** Lines are wanted only for errors: the document is built the first time one is located. */
function locateLazily(path: string, source: string): Locate {
  let locate: Locate | undefined;
  return (at) => {
    if (!locate) {
      const parsed = parseYamlDocument(path, source);
      locate = parsed.ok ? parsed.locate : () => ({ line: 1, column: 1 });
    }
    return locate(at);
  };
}

/** Messages for zod's built-in checks; the schema's own messages take precedence. */
function describeIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      if (issue.expected === 'int') return 'must be a whole number';
      return `must be ${describeExpected(issue.expected)}, not ${describeValue(issue.input)}`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word =
        issue.code === 'too_small'
          ? issue.inclusive
            ? 'at least'
            : 'more than'
          : issue.inclusive
            ? 'at most'
            : 'less than';
      if (issue.origin === 'array') return `must have ${word} ${bound} ${Number(bound) === 1 ? 'item' : 'items'}`;
      if (issue.origin === 'string') return `must be ${word} ${bound} characters`;
      return `must be ${word} ${bound}`;
    }
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'must be an http or https URL' : `must be a valid ${issue.format}`;
    default:
      return undefined;
  }
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'object':
      return 'a map (key: value)';
    case 'array':
      return 'a list';
    case 'boolean':
      return 'true or false';
    default:
      return `a ${expected}`;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'boolean') return 'true/false';
  return `a ${typeof value}`;
}

type FolderListing =
  | { readonly ok: true; readonly entries: readonly { readonly name: string; readonly isFolder: boolean }[] }
  | { readonly ok: false; readonly reason: string };

async function listFolder(dir: string): Promise<FolderListing> {
  try {
    if (!(await stat(dir)).isDirectory()) return { ok: false, reason: 'is not a folder' };
    const names = (await readdir(dir)).sort();
    // stat follows symlinks, so a linked pack folder counts as a folder and a broken link as a file.
    const entries = await Promise.all(
      names.map(async (name) => ({
        name,
        isFolder: await stat(join(dir, name)).then(
          (s) => s.isDirectory(),
          () => false,
        ),
      })),
    );
    return { ok: true, entries };
  } catch (error) {
    return { ok: false, reason: hasCode(error, 'ENOENT') ? 'not found' : `cannot be read: ${describeFsError(error)}` };
  }
}

function isIgnored(name: string): boolean {
  return name.startsWith('.') || name === 'README.md';
}

function errorAtStart(file: string, message: string): ContentError {
  return { file, line: 1, column: 1, path: '(root)', message };
}

function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

function describeFsError(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : String(error);
}
