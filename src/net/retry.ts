// The one retry loop of the action. Clients describe *what* to retry (a policy and, where
// the default is not enough, a classifier); this module decides *when*: capped exponential
// backoff with full jitter, a server's Retry-After honoured within the remaining budget, and an
// overall deadline so that no caller can wait longer than its share of the run (see budget.ts).
// Time is injected (`Clock`) so tests run retries without sleeping.

export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

export interface RetryPolicy {
  /** Total tries including the first; unlimited when only a deadline is given. */
  readonly attempts?: number
  /** Budget for all tries and waits together, from the first try (ms). */
  readonly deadlineMs?: number
  /** Cap of the first wait; doubles per retry up to `maxDelayMs`. */
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  /** Longest Retry-After honoured; a longer one ends the retries (default: 3 × maxDelayMs). */
  readonly maxRetryAfterMs?: number
}

/**
 * What a failure means for the next try. `afterMs`: the server's wish (at least this long);
 * `delayMs`: the caller knows the wait better than the policy's backoff (e.g. spreading writers
 * that collided), used as is.
 */
export type RetryDecision =
  | { readonly retry: false }
  | { readonly retry: true; readonly reason: string; readonly afterMs?: number; readonly delayMs?: number }

export interface RetryEvent {
  /** The try that just failed (from 1). */
  readonly attempt: number
  readonly delayMs: number
  readonly reason: string
  readonly error: unknown
}

export interface RetryOptions {
  readonly policy: RetryPolicy
  /** Default: `transientFailure` (5xx, 408, 429, socket errors). */
  readonly classify?: (error: unknown) => RetryDecision
  readonly onRetry?: (event: RetryEvent) => void
  readonly clock?: Clock
}

/**
 * Runs `work` until it resolves, a failure is not worth retrying, the attempts are used up or
 * the next wait would cross the deadline; then the last error is thrown unchanged.
 */
export async function retry<T>(work: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy } = options
  const clock = options.clock ?? systemClock
  const classify = options.classify ?? transientFailure
  const deadline = policy.deadlineMs === undefined ? Infinity : clock.now() + policy.deadlineMs
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt)
    } catch (error) {
      const decision = classify(error)
      if (!decision.retry) throw error
      if (policy.attempts !== undefined && attempt >= policy.attempts) throw error
      const delayMs = decision.delayMs ?? nextDelay(policy, attempt, decision.afterMs)
      if (delayMs === undefined || clock.now() + delayMs > deadline) throw error
      options.onRetry?.({ attempt, delayMs, reason: decision.reason, error })
      await clock.sleep(delayMs)
    }
  }
}

/**
 * Wait before try `attempt + 1`: full jitter over a doubling cap, so writers that collided once
 * spread out; at least the server's Retry-After. Undefined: the server asked for too long.
 */
export function nextDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number | undefined {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  const jittered = Math.round(cap / 2 + Math.random() * (cap / 2))
  if (retryAfterMs === undefined) return jittered
  if (retryAfterMs > (policy.maxRetryAfterMs ?? policy.maxDelayMs * 3)) return undefined
  return Math.max(jittered, retryAfterMs)
}

/** Statuses that mean "try again later", not "you asked for something wrong". */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505)
}

// Socket-level failures where the request may not have reached the server, or its answer was
// lost: worth another try. DNS "not found" is left out on purpose: it is a typo, not a blip.
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
])

/** The error code of a socket failure, looking through `cause` chains (fetch wraps them). */
export function networkErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (typeof current !== 'object') return undefined
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return code
    if ((current as { name?: unknown }).name === 'TimeoutError') return 'ETIMEDOUT'
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/**
 * The HTTP status a server answered with, carried by an error (`status` or `statusCode`); undefined
 * when no answer came. The one rule for every client: Octokit reports a network failure as status
 * 500 with a `request` but no `response`, and no server said 500 then.
 */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { status, statusCode, request, response } = error as {
    status?: unknown
    statusCode?: unknown
    request?: unknown
    response?: unknown
  }
  if (request !== undefined && response === undefined) return undefined
  if (typeof status === 'number' && status > 0) return status
  if (typeof statusCode === 'number' && statusCode > 0) return statusCode
  return undefined
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined | null, now = Date.now()): number | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/**
 * The single definition of "transient" for the action: an HTTP status from
 * `isTransientStatus`, or a socket failure from `networkErrorCode`. An error may carry the
 * server's wish as `retryAfterMs`.
 */
export function transientFailure(error: unknown): RetryDecision {
  const status = statusOf(error)
  const afterMs = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs
  const retryAfter = typeof afterMs === 'number' ? { afterMs } : {}
  if (status !== undefined) {
    return isTransientStatus(status) ? { retry: true, reason: `HTTP ${status}`, ...retryAfter } : { retry: false }
  }
  const code = networkErrorCode(error)
  return code === undefined ? { retry: false } : { retry: true, reason: code, ...retryAfter }
}
