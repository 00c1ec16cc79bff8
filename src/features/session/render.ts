import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type APIEmbedField,
  ButtonStyle,
  ComponentType,
  channelMention,
  embedLength,
  escapeMarkdown,
  subtext,
  ThreadAutoArchiveDuration,
  TimestampStyles,
  time,
  userMention,
} from 'discord.js';
import { LEVEL_LABEL, paragraphRef, THEME_LABEL, VERDICT_LABEL } from '../../content/labels.js';
import type { Claim, Pack, Question } from '../../content/schema.js';
import { plural } from '../../core/plural.js';
import { LIMITS, truncate } from '../../discord-kit/limits.js';
import { buttonRow, type MessageView } from '../../discord-kit/reply.js';
import { COLOUR, sourceFields } from '../reading/render.js';
import { SESSION_BUTTONS } from './buttons.js';
import { POLL_ANSWERS, type SessionState } from './state.js';
import type { RecapPoll, RecapView, StatusView } from './views.js';

/** Session state to Discord messages: pure, so what the class sees is tested without Discord. */

export const BUTTON_LABELS = {
  next: 'Next prompt',
  followUp: 'Show follow-up',
  poll: 'Poll a claim',
  end: 'End session',
  passage: 'Show the passage',
} as const;

/** Threads stay open a day without replies; a class discussion rarely pauses longer. */
export const THREAD_ARCHIVE_MINUTES = ThreadAutoArchiveDuration.OneDay;
const THREAD_NAME = 100;
const CLAIM_LINE = 160;
const RECAP_PROMPT = 150;
const BAR_WIDTH = 12;

/** Identifies a session in button ids: one session per channel, told apart from earlier ones by its start. */
export function sessionIdOf(state: Pick<SessionState, 'startedAt'>): string {
  return state.startedAt.toString(36);
}

/** The claims a prompt draws on that the article still has, in the question's order. */
export function promptClaims(pack: Pack, question: Question): Claim[] {
  return question.claims.flatMap((id) => pack.claims.filter((c) => c.id === id));
}

/** The article paragraphs a prompt draws on: its own and those of its claims, in order. */
export function promptParagraphs(pack: Pack, question: Question): number[] {
  const wanted = new Set([...question.paragraphs, ...promptClaims(pack, question).map((c) => c.paragraph)]);
  return pack.article.paragraphs.map((p) => p.n).filter((n) => wanted.has(n));
}

export function threadName(index: number, question: Question): string {
  return truncate(`Prompt ${index + 1}: ${question.prompt}`, THREAD_NAME);
}

export function renderOpening(pack: Pack, state: SessionState): MessageView {
  const { article } = pack;
  const brief = pack.summaries.brief.map((s) => escapeMarkdown(s.text)).join(' ');
  const where = state.threads
    ? "Reply in each prompt's thread, so every question keeps its own conversation."
    : 'Reply here in the channel.';
  const filters = [state.theme ? THEME_LABEL[state.theme] : null, state.level ? LEVEL_LABEL[state.level] : null]
    .filter(Boolean)
    .join(' · ');
  const how = [
    `• ${state.prompts.length} ${state.prompts.length === 1 ? 'prompt' : 'prompts'}, one at a time. ${where}`,
    `• **${BUTTON_LABELS.passage}** shows the part of the article a prompt draws on (only you see it).`,
    '• The host may open a class poll on a claim. How the claim checks out is revealed when the host closes the poll, or in the recap. Discord polls show who voted for what.',
    '• Roundtable counts replies and who took part for the recap. It never reads what you write.',
  ];
  return {
    embeds: [
      {
        title: truncate(`Discussion: ${article.shortTitle}`, LIMITS.embedTitle),
        description: truncate(
          `**${escapeMarkdown(article.title)}**\nBy ${escapeMarkdown(article.author)} · ${escapeMarkdown(article.source.publication)}\n\n${brief}\n\n**How this session works**\n${how.join('\n')}`,
          LIMITS.embedDescription,
        ),
        color: COLOUR,
        footer: {
          text: truncate(`${filters ? `${filters} · ` : ''}Read the whole article with /article`, LIMITS.footer),
        },
      },
    ],
  };
}

function replyHint(state: SessionState, index: number): string {
  const prompt = state.prompts[index];
  if (prompt?.threadId) return `💬 Reply in the thread: ${channelMention(prompt.threadId)}`;
  if (state.threads && prompt?.messageId === null) return '💬 Reply in the thread under this message.';
  return '💬 Reply here in the channel.';
}

function isLive(state: SessionState, index: number): boolean {
  return state.phase === 'active' && state.current === index;
}

export function renderPrompt(pack: Pack, state: SessionState, index: number, question: Question): MessageView {
  const prompt = state.prompts[index];
  const shown = prompt?.shownFollowUps ?? 0;
  const claims = promptClaims(pack, question);
  const drawsOn = [
    ...claims.map((c) => `\`${c.id}\` ${escapeMarkdown(truncate(c.claim, CLAIM_LINE))}`),
    question.paragraphs.length > 0 ? `Article ${paragraphRef(question.paragraphs)}` : '',
  ].filter(Boolean);
  const fields: APIEmbedField[] = [];
  if (drawsOn.length > 0) fields.push({ name: 'Draws on', value: truncate(drawsOn.join('\n'), LIMITS.fieldValue) });
  question.followUps.slice(0, shown).forEach((text, i) => {
    fields.push({
      name: question.followUps.length > 1 ? `Follow-up ${i + 1}` : 'Follow-up',
      value: truncate(escapeMarkdown(text), LIMITS.fieldValue),
    });
  });
  const sid = sessionIdOf(state);
  const components: APIActionRowComponent<APIButtonComponent>[] = [];
  if (promptParagraphs(pack, question).length > 0) {
    components.push(
      buttonRow([
        {
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          label: BUTTON_LABELS.passage,
          emoji: { name: '📖' },
          custom_id: SESSION_BUTTONS.passage.encode({ slug: pack.slug, questionId: question.id }),
        },
      ]),
    );
  }
  if (isLive(state, index)) {
    const last = index + 1 >= state.prompts.length;
    const left = (prompt?.followUps ?? 0) - shown;
    const host: APIButtonComponent[] = [];
    if (!last) {
      host.push({
        type: ComponentType.Button,
        style: ButtonStyle.Primary,
        label: BUTTON_LABELS.next,
        custom_id: SESSION_BUTTONS.next.encode({ sessionId: sid, index }),
      });
    }
    host.push(
      {
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        label: BUTTON_LABELS.followUp,
        custom_id: SESSION_BUTTONS.followUp.encode({ sessionId: sid, index }),
        disabled: left <= 0,
      },
      {
        type: ComponentType.Button,
        style: ButtonStyle.Secondary,
        label: BUTTON_LABELS.poll,
        custom_id: SESSION_BUTTONS.poll.encode({ sessionId: sid, index }),
      },
      {
        type: ComponentType.Button,
        style: ButtonStyle.Danger,
        label: BUTTON_LABELS.end,
        custom_id: SESSION_BUTTONS.end.encode({ sessionId: sid }),
      },
    );
    components.push(buttonRow(host));
  }
  const footer = [
    `${THEME_LABEL[question.theme]} · ${LEVEL_LABEL[question.level]}`,
    isLive(state, index) ? 'Second row of buttons: host only' : 'The discussion has moved on',
    pack.article.shortTitle,
  ].join(' · ');
  return {
    embeds: [
      {
        title: `Prompt ${index + 1} of ${state.prompts.length}`,
        description: truncate(
          `### ${escapeMarkdown(question.prompt)}\n\n${replyHint(state, index)}`,
          LIMITS.embedDescription,
        ),
        color: COLOUR,
        fields,
        footer: { text: truncate(footer, LIMITS.footer) },
      },
    ],
    components,
  };
}

export function renderFollowUp(state: SessionState, index: number, followUp: number, text: string): MessageView {
  const prompt = state.prompts[index];
  const of = prompt && prompt.followUps > 1 ? ` ${followUp + 1}` : '';
  return {
    embeds: [
      {
        title: `Follow-up${of} on prompt ${index + 1}`,
        description: truncate(`### ${escapeMarkdown(text)}`, LIMITS.embedDescription),
        color: COLOUR,
      },
    ],
  };
}

/** The article paragraphs behind a prompt, for one student's eyes. */
export function renderPassage(pack: Pack, question: Question): MessageView {
  const wanted = new Set(promptParagraphs(pack, question));
  const paragraphs = pack.article.paragraphs.filter((p) => wanted.has(p.n));
  if (paragraphs.length === 0)
    return { content: 'This prompt does not point to a particular passage. Read the whole article with /article.' };
  const blocks = paragraphs.map((p) => `**¶${p.n}** ${escapeMarkdown(p.text)}`);
  return {
    embeds: [
      {
        title: truncate(`From "${pack.article.shortTitle}"`, LIMITS.embedTitle),
        description: truncate(blocks.join('\n\n'), LIMITS.embedDescription),
        color: COLOUR,
        footer: { text: truncate(`For: ${question.prompt}`, LIMITS.footer) },
      },
    ],
  };
}

/** One button per claim of the prompt, for the host to pick which to poll. */
export function renderClaimChoice(state: SessionState, claims: readonly Claim[]): MessageView {
  const sid = sessionIdOf(state);
  const polled = new Set(state.polls.map((p) => p.claimId));
  const buttons = claims.slice(0, LIMITS.actionRows * LIMITS.buttonsPerRow).map(
    (claim): APIButtonComponent => ({
      type: ComponentType.Button,
      style: polled.has(claim.id) ? ButtonStyle.Secondary : ButtonStyle.Primary,
      label: truncate(polled.has(claim.id) ? `(polled) ${claim.claim}` : claim.claim, LIMITS.buttonLabel),
      custom_id: SESSION_BUTTONS.pollClaim.encode({ sessionId: sid, claimId: claim.id }),
      disabled: polled.has(claim.id),
    }),
  );
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < buttons.length; i += LIMITS.buttonsPerRow)
    rows.push(buttonRow(buttons.slice(i, i + LIMITS.buttonsPerRow)));
  return {
    content: 'Which claim should the class vote on? The check stays hidden until the poll closes.',
    components: rows,
  };
}

/** The claim as the class votes on it: words, quote and paragraph, but not the check. */
/** `live`: the host's close button, until the poll is closed or the session ends. */
export function renderPollCard(pack: Pack, claim: Claim, sid: string, live = true): MessageView {
  return {
    embeds: [
      {
        title: 'Class poll: do you agree?',
        description: truncate(
          `**${escapeMarkdown(claim.claim)}**\n\n> ${escapeMarkdown(claim.quote)}\n${subtext(`¶${claim.paragraph} · ${escapeMarkdown(claim.by)}`)}`,
          LIMITS.embedDescription,
        ),
        color: COLOUR,
        footer: {
          text: truncate(
            `The check is revealed when the host closes this poll, or in the recap. Discord polls are not anonymous: anyone can see who voted for what · ${pack.article.shortTitle}`,
            LIMITS.footer,
          ),
        },
      },
    ],
    components: live
      ? [
          {
            type: ComponentType.ActionRow,
            components: [
              {
                type: ComponentType.Button,
                style: ButtonStyle.Secondary,
                label: 'Close poll and show the check (host)',
                custom_id: SESSION_BUTTONS.closePoll.encode({ sessionId: sid, claimId: claim.id }),
              },
            ],
          },
        ]
      : [],
  };
}

/** The `poll` field of a channel message: a native poll, open until the session ends (at most 32 days). */
export function pollRequest(claim: Claim): { poll: Record<string, unknown> } {
  return {
    poll: {
      question: { text: truncate(claim.claim, LIMITS.pollQuestion) },
      answers: POLL_ANSWERS.map((a) => ({ poll_media: { text: truncate(a.label, LIMITS.pollAnswer) } })),
      duration: LIMITS.pollHours,
      allow_multiselect: false,
    },
  };
}

function bar(percent: number): string {
  const filled = Math.round((percent / 100) * BAR_WIDTH);
  return `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
}

function pollEmbed(poll: RecapPoll, claim: Claim | undefined): APIEmbed {
  const split =
    poll.answers === null
      ? 'Discord did not report this poll’s results.'
      : [
          ...poll.answers.map((a) => `\`${bar(a.percent)}\` ${a.label}: **${a.count}** (${a.percent}%)`),
          subtext(plural(poll.votes ?? 0, 'vote', 'votes')),
        ].join('\n');
  const check = poll.verdict
    ? `**The check: ${VERDICT_LABEL[poll.verdict]}**\n${escapeMarkdown(poll.checkNote ?? '')}`
    : '**The check:** this claim is no longer in the article’s content.';
  const fields = sourceFields(claim?.check.sources ?? []);
  return {
    title: truncate(`Poll: ${poll.claim ?? poll.claimId}`, LIMITS.embedTitle),
    description: truncate(`**What the class said**\n${split}\n\n${check}`, LIMITS.embedDescription),
    color: COLOUR,
    fields,
  };
}

/** A poll the host closed mid-session: what the class said, then the check. */
export function renderPollResult(poll: RecapPoll, claim: Claim | undefined): MessageView {
  return { embeds: [pollEmbed(poll, claim)] };
}

/** Groups embeds into as few messages as the limits allow (10 embeds and 6,000 characters each). */
function packEmbeds(embeds: readonly APIEmbed[]): MessageView[] {
  const views: MessageView[] = [];
  let current: APIEmbed[] = [];
  let size = 0;
  for (const embed of embeds) {
    const length = embedLength(embed);
    if (current.length > 0 && (current.length >= LIMITS.embeds || size + length > LIMITS.embedTotal)) {
      views.push({ embeds: current });
      current = [];
      size = 0;
    }
    current.push(embed);
    size += length;
  }
  if (current.length > 0) views.push({ embeds: current });
  return views;
}

/**
 * The recap: prompts covered with replies and participants, then each polled
 * claim with the class's split followed by the check. Several messages when the
 * polls do not fit in one.
 */
export function renderRecap(view: RecapView, articleTitle: string, claims: readonly Claim[]): MessageView[] {
  const claimById = new Map(claims.map((c) => [c.id, c]));
  const lines = view.prompts.map(
    (p) =>
      `**${p.n}.** ${escapeMarkdown(truncate(p.prompt ?? p.questionId, RECAP_PROMPT))}\n${subtext(`${plural(p.replies, 'reply', 'replies')} from ${plural(p.participants, 'person', 'people')}`)}`,
  );
  const length = view.minutes === null ? '' : ` · ${plural(view.minutes, 'minute', 'minutes')}`;
  const summary = [
    `**Prompts covered:** ${view.prompts.length} of ${view.promptsPlanned}`,
    '',
    ...lines,
    '',
    `**In all:** ${plural(view.replies, 'reply', 'replies')} from ${plural(view.participants, 'person', 'people')}${length}`,
  ].join('\n');
  const head: APIEmbed = {
    title: truncate(`Session recap: ${articleTitle}`, LIMITS.embedTitle),
    description: truncate(summary, LIMITS.embedDescription),
    color: COLOUR,
    footer: {
      text:
        view.polls.length > 0
          ? `${plural(view.polls.length, 'class poll', 'class polls')} below · /session report for the CSV`
          : '/session report for the CSV',
    },
  };
  return packEmbeds([head, ...view.polls.map((p) => pollEmbed(p, claimById.get(p.claimId)))]);
}

export interface StatusEntry {
  view: StatusView;
  title: string;
}

export function renderStatus(entries: readonly StatusEntry[]): MessageView {
  if (entries.length === 0) {
    return { content: 'No discussion session is running on this server. A host can start one with /session start.' };
  }
  const lines = entries.map(({ view, title }) => {
    const polls = view.openPolls.length > 0 ? ` · ${plural(view.openPolls.length, 'open poll', 'open polls')}` : '';
    return `${channelMention(view.channelId)}: **${escapeMarkdown(truncate(title, 80))}** · prompt ${view.prompt} of ${view.prompts}${polls} · started ${time(Math.floor(view.startedAt / 1000), TimestampStyles.RelativeTime)} by ${userMention(view.hostId)}`;
  });
  return {
    embeds: [
      {
        title: 'Discussion sessions on this server',
        description: truncate(lines.join('\n'), LIMITS.embedDescription),
        color: COLOUR,
      },
    ],
  };
}
