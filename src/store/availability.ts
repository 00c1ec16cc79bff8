import type { Logger } from 'pino';

/** What a user is told when the store cannot be reached; nothing they did was saved. */
export const STORE_UNAVAILABLE = "The bot's storage is unavailable right now; try again in a moment.";

/**
 * The store could not be reached in time (Redis down, restarting or frozen).
 * Meant to be shown to the user as is; the operation did not complete, so
 * nothing may be acknowledged as saved.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';

  constructor(cause?: unknown) {
    super(STORE_UNAVAILABLE, { cause });
  }
}

export interface AvailabilityOptions {
  /**
   * How long one store call may take before it counts as failed: short enough
   * that an interaction still hears back within Discord's 3 seconds.
   */
  readonly timeoutMs?: number;
  /** How often a store that went away is tried again. */
  readonly probeMs?: number;
  /** One cheap round trip to the store (a read of one key). */
  readonly probe: () => Promise<unknown>;
  readonly logger: Logger;
}

export interface Availability {
  /**
   * Runs one store call, bounded by the timeout. A timeout or a lost connection
   * marks the store down and rejects with `StoreUnavailableError` (other errors
   * are passed on as they are); while it is down,
   * calls are refused at once instead of each waiting out its own timeout (a
   * queue of clicks behind a frozen Redis would otherwise miss Discord's deadline).
   */
  run<T>(call: () => Promise<T>): Promise<T>;
  readonly up: boolean;
  /** Called each time the store is reachable again after being down. */
  onAvailable(listener: () => void): void;
  /** Stops probing (on close). */
  stop(): void;
}

/** node-redis's errors for a connection that is gone or not there yet. */
const CONNECTION_ERRORS = new Set([
  'ClientOfflineError',
  'ClientClosedError',
  'SocketClosedUnexpectedlyError',
  'ConnectionTimeoutError',
  'SocketTimeoutError',
  'ReconnectStrategyError',
]);
/** System and SQLite codes of a backend that cannot be reached or used right now. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'SQLITE_BUSY',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
]);

/**
 * Whether an error says the backend is out of reach (so every call would fail
 * alike), rather than that this one call was refused (a failed constraint, a
 * bad value): only the first marks the store down and is told to the user.
 */
export function isConnectionError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (CONNECTION_ERRORS.has(current.name) || CONNECTION_ERRORS.has(current.constructor.name)) return true;
    if ('code' in current && typeof current.code === 'string' && CONNECTION_CODES.has(current.code)) return true;
    // @keyv/redis's own words for a client that could not connect.
    if (current.message.includes('is not connected')) return true;
    current = current.cause;
  }
  return false;
}

class StoreTimeoutError extends Error {
  override readonly name = 'StoreTimeoutError';
}

export const STORE_TIMEOUT_MS = 2000;
const PROBE_MS = 500;

/** The store's health as its callers see it: up, or down and being probed until it answers. */
export function createAvailability(options: AvailabilityOptions): Availability {
  const timeoutMs = options.timeoutMs ?? STORE_TIMEOUT_MS;
  const probeMs = options.probeMs ?? PROBE_MS;
  const { logger } = options;
  const listeners: (() => void)[] = [];
  let down = false;
  let stopped = false;
  let probeTimer: NodeJS.Timeout | undefined;

  function bounded<T>(call: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new StoreTimeoutError(`no answer from the store within ${timeoutMs} ms`)),
        timeoutMs,
      );
      let started: Promise<T>;
      try {
        started = call();
      } catch (error) {
        started = Promise.reject(error);
      }
      started.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  function markDown(error: unknown): void {
    if (down) return;
    down = true;
    logger.error({ err: error }, 'the store is unavailable; refusing what needs it until it answers again');
    scheduleProbe();
  }

  function scheduleProbe(): void {
    if (stopped) return;
    probeTimer = setTimeout(() => {
      bounded(options.probe).then(
        () => {
          if (!down) return;
          down = false;
          logger.info('the store is available again');
          for (const listener of listeners) {
            try {
              listener();
            } catch (error) {
              logger.error({ err: error }, 'a store-available listener failed');
            }
          }
        },
        () => scheduleProbe(),
      );
    }, probeMs);
    // Probing alone must never keep a process alive that is otherwise done.
    probeTimer.unref();
  }

  return {
    async run(call) {
      if (down) throw new StoreUnavailableError();
      try {
        return await bounded(call);
      } catch (error) {
        // Anything else is this call's own failure: logged and answered generically by the caller.
        if (!(error instanceof StoreTimeoutError || isConnectionError(error))) throw error;
        markDown(error);
        throw new StoreUnavailableError(error);
      }
    },
    get up() {
      return !down;
    },
    onAvailable(listener) {
      listeners.push(listener);
    },
    stop() {
      stopped = true;
      clearTimeout(probeTimer);
    },
  };
}
