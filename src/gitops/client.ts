// The one Octokit the GitOps write-back uses. Transient failures (5xx, network errors, rate
// limits) are retried here, in one place, so callers only ever see failures worth reporting.
import * as core from '@actions/core'
import { retry } from '@octokit/plugin-retry'
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling'
import { Octokit } from '@octokit/rest'
import { networkReason } from './github-error.js'
import { systemClock } from '../net/retry.js'

export interface ClientOptions {
  /** Retries of 5xx answers and network errors (backoff 1x, 4x, 9x the base). */
  readonly retries?: number
  readonly retryBaseMs?: number
  /** Retries when GitHub answers with a rate limit and says when to come back. */
  readonly rateLimitRetries?: number
  /** Longer waits than this fail the run instead: a job should not sit idle for an hour. */
  readonly maxRetryAfterSeconds?: number
  /** How long one second of `retry-after` lasts; tests shrink it. */
  readonly retryAfterUnitMs?: number
  /** A request with no answer by then is abandoned (and retried like a network error). */
  readonly requestTimeoutMs?: number
}

const DEFAULTS: Required<ClientOptions> = {
  retries: 3,
  retryBaseMs: 500,
  rateLimitRetries: 3,
  maxRetryAfterSeconds: 90,
  retryAfterUnitMs: 1000,
  requestTimeoutMs: 60_000,
}

// 429 is left to the rate-limit handling below, which honours `retry-after`; retrying it here
// as well would multiply the attempts.
const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 429, 451]

const USER_AGENT = 'gitops-deploy-action'

type Group = NonNullable<ThrottlingOptions['write']>
type RequestOptions = Parameters<Octokit['request']['endpoint']['parse']>[0]
type LimitHandler = NonNullable<ThrottlingOptions['onRateLimit']>

// plugin-throttling spaces every write by 1 s (and PR creation by 3 s) to protect bulk
// scripts. A run makes at most five writes, and the spacing cannot coordinate with other runs
// anyway, so it would only add seconds; secondary limits are still honoured when GitHub answers
// with one. The plugin only ever calls `key(id).schedule(options, fn)` on these groups.
const passThrough = {
  key: () => ({
    schedule: (_options: unknown, task: (...args: unknown[]) => unknown, ...args: unknown[]) =>
      Promise.resolve().then(() => task(...args)),
  }),
} as unknown as Group

function requestLine(octokit: Pick<Octokit, 'request'>, options: RequestOptions): string {
  try {
    const { method, url } = octokit.request.endpoint.parse(options)
    return `${method} ${url.replace(options.baseUrl, '')}`
  } catch {
    return `${options.method} ${options.url}`
  }
}

interface ErrorShape {
  status?: number
  message?: string
  response?: { headers?: Record<string, string | number | undefined> }
}

function header(error: ErrorShape, name: string): string | undefined {
  const value = error.response?.headers?.[name]
  return value === undefined ? undefined : String(value)
}

function isClassifiedRateLimit(error: ErrorShape): boolean {
  return /\bsecondary rate\b/i.test(error.message ?? '') || header(error, 'x-ratelimit-remaining') === '0'
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 200)
}

/**
 * Innermost hook: sees every single attempt. Logs retries by method and path only (never
 * headers or bodies, which carry the token and file contents), and honours `retry-after` on a
 * 429 that plugin-throttling does not recognise as a rate limit (e.g. from a proxy in front of
 * GitHub Enterprise Server).
 */
function attempts(settings: Required<ClientOptions>) {
  return (octokit: Pick<Octokit, 'hook' | 'request'>) => {
    const seen = new WeakMap<object, number>()
    octokit.hook.wrap('request', async (request, options) => {
      for (let local = 0; ; local++) {
        const attempt = (seen.get(options) ?? 0) + 1
        seen.set(options, attempt)
        if (attempt > 1) core.info(`Retrying ${requestLine(octokit, options)} (attempt ${attempt})`)
        try {
          return await request(options)
        } catch (error) {
          const e = error as ErrorShape
          const status = e.status ?? 0
          if (!e.response) {
            // No answer at all: the message is the network error (ECONNRESET, …), not a body.
            core.info(`${requestLine(octokit, options)} failed: ${oneLine(networkReason(error))}`)
          } else if (status >= 500) {
            core.info(`${requestLine(octokit, options)} failed: HTTP ${status}`)
          }
          if (status !== 429 || isClassifiedRateLimit(e) || local >= settings.rateLimitRetries) throw error
          const retryAfter = Number(header(e, 'retry-after') ?? 1)
          if (!Number.isFinite(retryAfter) || retryAfter > settings.maxRetryAfterSeconds) throw error
          core.warning(`GitHub answered 429 to ${requestLine(octokit, options)}; retrying in ${retryAfter}s`)
          await systemClock.sleep(Math.max(0, retryAfter) * settings.retryAfterUnitMs)
        }
      }
    })
    return {}
  }
}

function throttle(settings: Required<ClientOptions>): ThrottlingOptions {
  const handler =
    (kind: string): LimitHandler =>
    (retryAfter, options, octokit, retryCount) => {
      const line = requestLine(octokit, options)
      if (retryCount >= settings.rateLimitRetries || retryAfter > settings.maxRetryAfterSeconds) {
        core.warning(`GitHub ${kind} on ${line} (retry after ${retryAfter}s); giving up`)
        return false
      }
      core.warning(
        `GitHub ${kind} on ${line}; retrying in ${retryAfter}s (retry ${retryCount + 1} of ${settings.rateLimitRetries})`,
      )
      return true
    }
  return {
    onRateLimit: handler('rate limit'),
    onSecondaryRateLimit: handler('secondary rate limit'),
    retryAfterBaseValue: settings.retryAfterUnitMs,
    write: passThrough,
    notifications: passThrough,
  }
}

// Plugin order matters: the first is innermost. Throttling wraps retry, so a rate-limited
// request waits for `retry-after` before plugin-retry's own (5xx-only) attempts start over.
function clientClass(settings: Required<ClientOptions>) {
  return Octokit.plugin(attempts(settings), retry, throttling)
}

export type GitHubClient = InstanceType<ReturnType<typeof clientClass>>

/**
 * An Octokit for `apiUrl` (GITHUB_API_URL; GitHub Enterprise Server works unchanged) that
 * retries 5xx answers and network errors a few times with a short backoff and honours rate
 * limits that say when to come back. The token was masked by the settings; it is only ever
 * sent in the Authorization header, never logged.
 */
export function createGitHubClient(token: string, apiUrl: string, options: ClientOptions = {}): GitHubClient {
  const settings: Required<ClientOptions> = { ...DEFAULTS, ...options }
  const Client = clientClass(settings)
  return new Client({
    auth: token,
    baseUrl: apiUrl.replace(/\/+$/, ''),
    userAgent: USER_AGENT,
    // The default logger prints every failed request (expected 404s and 422s included) and
    // dumps request options, headers and all, at debug level.
    log: { debug: () => {}, info: () => {}, warn: (message: string) => core.debug(message), error: () => {} },
    retry: { retries: settings.retries, retryAfterBaseValue: settings.retryBaseMs, doNotRetry: DO_NOT_RETRY },
    throttle: throttle(settings),
    request: { fetch: fetchWithTimeout(settings.requestTimeoutMs) },
  })
}

/** fetch, but a hung connection fails after `timeoutMs` instead of holding the job for minutes. */
function fetchWithTimeout(timeoutMs: number): typeof fetch {
  return (input, init = {}) => {
    const timeout = AbortSignal.timeout(timeoutMs)
    return fetch(input, { ...init, signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout })
  }
}
