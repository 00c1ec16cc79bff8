import type { RequestRecord } from './world.js';

/**
 * Statuses the double can inject. How discord.js 14.28 (@discordjs/rest 2.6) reacts:
 * - 500, 502, 503, 504: it retries at once, without waiting, up to `retries` times (default 3), so one
 *   call makes at most 4 requests. A call only fails (HTTPError) when 4 requests in a row fail:
 *   inject `times: 4` to fail exactly one call, `times: 4 * n` for n calls made one after the other,
 *   or `failRequestsUntilCleared` for an outage. Fewer than 4 are absorbed and the bot never notices.
 * - 429: it waits `retry-after` seconds and tries again, indefinitely (429s do not count as retries),
 *   unless the client was made with `rest: { rejectOnRateLimit }`. It also holds later requests of the
 *   same bucket until `x-ratelimit-reset-after` has passed. A 429 fault delays calls; it never fails them.
 */
export type FaultStatus = 500 | 502 | 503 | 504 | 429;

export interface FaultSpec {
  /** Only this HTTP method (default: any). */
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /**
   * The route path after `/api/v10`. A RegExp is tested against the path as sent (`%40original`) and
   * decoded (`@original`), e.g. `/^\/channels\/\d+\/messages$/`. A string is the exact path or a
   * pattern whose `:name` segments match any one segment, e.g. `/channels/:channel/messages/:message`.
   */
  path: RegExp | string;
  status: FaultStatus;
  /** How many matching requests fail (default 1); `Infinity` until `clear()`. */
  times?: number;
  /** For 429: seconds to wait, as in Discord's `retry_after` (default 1). */
  retryAfter?: number;
}

export interface FaultAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** A fault being injected: how many requests it will still fail, which ones it failed, and `clear()`. */
export class FaultHandle {
  readonly status: FaultStatus;
  /** The requests this fault answered, in order. */
  readonly hits: RequestRecord[] = [];
  #remaining: number;
  readonly #spec: FaultSpec;
  readonly #matches: (path: string) => boolean;

  constructor(spec: FaultSpec) {
    const times = spec.times ?? 1;
    if (!(times >= 0)) throw new Error(`times must be 0 or more (got ${times})`);
    if (spec.retryAfter !== undefined && !(spec.retryAfter >= 0)) throw new Error('retryAfter must be 0 or more');
    this.#spec = spec;
    this.status = spec.status;
    this.#remaining = times;
    this.#matches = pathMatcher(spec.path);
  }

  /** Matching requests still to fail (Infinity for an outage, 0 once used up or cleared). */
  get remaining(): number {
    return this.#remaining;
  }

  get active(): boolean {
    return this.#remaining > 0;
  }

  /** Stops failing requests. */
  clear(): void {
    this.#remaining = 0;
  }

  /** Takes one failure if the request matches; returns the answer to send instead of the route's. */
  take(method: string, path: string, record: RequestRecord): FaultAnswer | null {
    if (this.#remaining <= 0) return null;
    if (this.#spec.method !== undefined && this.#spec.method !== method) return null;
    if (!this.#matches(path)) return null;
    this.#remaining -= 1;
    this.hits.push(record);
    return faultAnswer(this.#spec, path);
  }
}

function pathMatcher(path: RegExp | string): (path: string) => boolean {
  if (typeof path === 'string') {
    const pattern = path.split('/').filter(Boolean);
    return (raw) => {
      const parts = raw.split('/').filter(Boolean).map(safeDecode);
      return parts.length === pattern.length && pattern.every((p, i) => p.startsWith(':') || p === parts[i]);
    };
  }
  const regex = new RegExp(path.source, path.flags.replace(/[gy]/g, ''));
  return (raw) => regex.test(raw) || regex.test(safeDecode(raw));
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const SERVER_ERRORS: Record<number, string> = {
  500: '500: Internal Server Error',
  502: '502: Bad Gateway',
  503: '503: Service Unavailable',
  504: '504: Gateway Timeout',
};

function faultAnswer(spec: FaultSpec, path: string): FaultAnswer {
  if (spec.status !== 429) {
    return { status: spec.status, headers: {}, body: { message: SERVER_ERRORS[spec.status], code: 0 } };
  }
  const retryAfter = spec.retryAfter ?? 1;
  const reset = Date.now() / 1000 + retryAfter;
  return {
    status: 429,
    // What Discord sends with a per-route 429 (scope "user"; a global limit would add x-ratelimit-global).
    headers: {
      'retry-after': String(retryAfter),
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': reset.toFixed(3),
      'x-ratelimit-reset-after': retryAfter.toFixed(3),
      'x-ratelimit-bucket': bucketHash(`${spec.method ?? ''} ${bucketRoute(path)}`),
      'x-ratelimit-scope': 'user',
    },
    body: { message: 'You are being rate limited.', retry_after: retryAfter, global: false },
  };
}

/** The route with ids other than the major parameter replaced, roughly as Discord buckets it. */
function bucketRoute(path: string): string {
  return path.replace(
    /^(\/(?:channels|guilds|webhooks)\/\d+)|\/\d{16,}/g,
    (_match, major: string | undefined) => major ?? '/:id',
  );
}

function bucketHash(text: string): string {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return `local${(hash >>> 0).toString(16).padStart(8, '0')}`;
}
