import type {
  APIActionRowComponent,
  APIComponentInMessageActionRow,
  APIEmbed,
  BaseMessageOptions,
  JSONEncodable,
  MessagePayload,
  RepliableInteraction,
} from 'discord.js';
import { MessageFlags } from 'discord.js';
import {
  type Claim,
  type ClaimKind,
  type Pack,
  type Question,
  SUMMARY_LENGTHS,
  type SummaryLength,
  type Term,
} from '../../content/schema.js';
import { type MessageView, NO_MENTIONS, ReplyBodies } from '../../discord-kit/reply.js';
import {
  type QuestionFilter,
  questionEmbed,
  questionRow,
  renderArticlePages,
  renderClaim,
  renderClaimPages,
  renderGlossaryPages,
  renderSummary,
  renderTerm,
} from './render.js';

/**
 * The reading views of a pack, rendered once and served as prepared payloads.
 *
 * A loaded pack never changes, so each view is rendered (markdown escaping,
 * truncation, dates) the first time it is asked for and kept for as long as
 * the pack object lives. Serving it is a lookup plus the small part that does
 * vary: paging buttons, the private flag, the note above a question.
 *
 * The payloads hand discord.js embeds and rows as `JSONEncodable`s of frozen
 * JSON, so it sends them as they are instead of walking plain objects to
 * re-case their keys on every reply (the keys already are Discord's). What the
 * user sees is byte for byte what the renderers in reading.ts produce.
 */

export type ActionRow = APIActionRowComponent<APIComponentInMessageActionRow>;
export type ReplyOptions = BaseMessageOptions & { flags?: MessageFlags.Ephemeral };

/** A rendered view, frozen, with its parts ready for discord.js. */
export interface Prepared {
  readonly view: MessageView;
  readonly content: string;
  readonly embeds: readonly JSONEncodable<APIEmbed>[];
  readonly components: readonly JSONEncodable<ActionRow>[];
}

/** JSON discord.js sends as it is. */
export function encodable<T>(json: T): JSONEncodable<T> {
  const frozen = freezeDeep(json);
  return Object.freeze({ toJSON: () => frozen });
}

const preparedViews = new WeakMap<MessageView, Prepared>();

/** Freezes a view and wraps its parts; the same view object always gives the same `Prepared`. */
export function prepare(view: MessageView): Prepared {
  const known = preparedViews.get(view);
  if (known) return known;
  if (view.files && view.files.length > 0) throw new Error('prepare: views with files are sent with toReply');
  freezeDeep(view);
  const prepared: Prepared = Object.freeze({
    view,
    content: view.content ?? '',
    embeds: Object.freeze((view.embeds ?? []).map((e) => encodable(e))),
    components: Object.freeze((view.components ?? []).map((c) => encodable(c))),
  });
  preparedViews.set(view, prepared);
  return prepared;
}

/** What `toMessage(view)` gives, from a prepared view, with the variable parts changed. */
export function messageOf(prepared: Prepared, change: Change = {}): BaseMessageOptions {
  // A new options object every time: discord.js writes `attachments` into the one it is given.
  return {
    content: change.content ?? prepared.content,
    embeds: prepared.embeds,
    components: change.components ?? prepared.components,
    files: [],
    allowedMentions: NO_MENTIONS,
  };
}

/** What `toReply(view, ephemeral)` gives, from a prepared view. */
export function replyOf(prepared: Prepared, ephemeral: boolean, change: Change = {}): ReplyOptions {
  const message = messageOf(prepared, change);
  return ephemeral ? { ...message, flags: MessageFlags.Ephemeral } : message;
}

const publicBodies = new ReplyBodies<Prepared>();
const privateBodies = new ReplyBodies<Prepared>();

/** The reply to `interaction` with a prepared view: its body resolved once when nothing in it varies. */
export function preparedReply(
  interaction: RepliableInteraction,
  prepared: Prepared,
  ephemeral: boolean,
  change: Change = {},
): MessagePayload | ReplyOptions {
  if (change.content !== undefined || change.components !== undefined) return replyOf(prepared, ephemeral, change);
  return (ephemeral ? privateBodies : publicBodies).payload(interaction, prepared, () => replyOf(prepared, ephemeral));
}

export interface Change {
  readonly content?: string;
  readonly components?: readonly JSONEncodable<ActionRow>[];
}

interface PackViews {
  readonly summaries: Map<SummaryLength, Prepared>;
  readonly claims: WeakMap<Claim, Prepared>;
  readonly terms: WeakMap<Term, Prepared>;
  readonly claimPages: Map<ClaimKind | null, readonly MessageView[]>;
  readonly questions: WeakMap<Question, JSONEncodable<APIEmbed>>;
  readonly questionRows: Map<string, JSONEncodable<ActionRow>>;
  articlePages?: readonly MessageView[];
  glossaryPages?: readonly MessageView[];
}

const packViews = new WeakMap<Pack, PackViews>();

function viewsOf(pack: Pack): PackViews {
  let views = packViews.get(pack);
  if (!views) {
    views = {
      summaries: new Map(),
      claims: new WeakMap(),
      terms: new WeakMap(),
      claimPages: new Map(),
      questions: new WeakMap(),
      questionRows: new Map(),
    };
    packViews.set(pack, views);
  }
  return views;
}

function memo<K, V>(map: { get(key: K): V | undefined; set(key: K, value: V): unknown }, key: K, make: () => V): V {
  const known = map.get(key);
  if (known !== undefined) return known;
  const made = make();
  map.set(key, made);
  return made;
}

/** Pages are frozen and keep their identity, so the pager can keep what it adds to each. */
function frozenPages(pages: MessageView[]): readonly MessageView[] {
  return Object.freeze(pages.map((p) => freezeDeep(p)));
}

export function preparedSummary(pack: Pack, length: SummaryLength): Prepared {
  return memo(viewsOf(pack).summaries, length, () => prepare(renderSummary(pack, length)));
}

/** `claim` must be one of `pack.claims`. */
export function preparedClaim(pack: Pack, claim: Claim): Prepared {
  return memo(viewsOf(pack).claims, claim, () => prepare(renderClaim(pack, claim)));
}

/** `term` must be one of `pack.terms`. */
export function preparedTerm(pack: Pack, term: Term): Prepared {
  return memo(viewsOf(pack).terms, term, () => prepare(renderTerm(pack, term)));
}

export function articlePages(pack: Pack): readonly MessageView[] {
  const views = viewsOf(pack);
  views.articlePages ??= frozenPages(renderArticlePages(pack));
  return views.articlePages;
}

export function glossaryPages(pack: Pack): readonly MessageView[] {
  const views = viewsOf(pack);
  views.glossaryPages ??= frozenPages(renderGlossaryPages(pack));
  return views.glossaryPages;
}

export function claimPages(pack: Pack, kind: ClaimKind | null): readonly MessageView[] {
  return memo(viewsOf(pack).claimPages, kind, () => frozenPages(renderClaimPages(pack, kind)));
}

/** What `toReply(renderQuestion(pack, question, filter, note), false)` gives. */
export function questionReply(
  pack: Pack,
  question: Question,
  filter: QuestionFilter,
  note: string | null,
): ReplyOptions {
  const views = viewsOf(pack);
  const embed = memo(views.questions, question, () => encodable(questionEmbed(pack, question)));
  const row = memo(views.questionRows, `${filter.theme ?? '-'}:${filter.level ?? '-'}`, () =>
    encodable(questionRow(pack, filter)),
  );
  return { content: note ?? '', embeds: [embed], components: [row], files: [], allowedMentions: NO_MENTIONS };
}

/**
 * Renders every view of the pack now rather than on first use, e.g. at start-up
 * so the first students do not wait for it.
 */
export function prepareReadingViews(pack: Pack): void {
  for (const length of SUMMARY_LENGTHS) preparedSummary(pack, length);
  for (const claim of pack.claims) preparedClaim(pack, claim);
  for (const term of pack.terms) preparedTerm(pack, term);
  articlePages(pack);
  glossaryPages(pack);
  claimPages(pack, null);
  for (const kind of new Set(pack.claims.map((c) => c.kind))) claimPages(pack, kind);
  for (const question of pack.questions) questionReply(pack, question, { theme: null, level: null }, null);
}

function freezeDeep<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) freezeDeep(child);
  }
  return value;
}
