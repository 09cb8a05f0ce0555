// The one Octokit the action uses, the toolkit's (`getOctokit` of @actions/github: REST endpoint
// methods, pagination, GITHUB_API_URL and the runner's user agent). Transient failures are retried by octokit's own
// plugins, configured through their documented options with the numbers of src/net/budget.ts:
// plugin-throttling answers rate limits (waiting as long as GitHub asks, within
// MAX_RATE_LIMIT_WAIT_MS, and spacing writes as GitHub recommends); plugin-retry answers what is
// left that `isTransientStatus` calls transient (5xx, 408, a 429 without a rate-limit answer)
// and network errors. Requests go through `proxiedFetch`, so HTTPS_PROXY/NO_PROXY apply.
import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling'
import { networkReason } from './github-error.js'
import {
  GITHUB_RATE_LIMIT_RETRIES,
  GITHUB_REQUEST,
  GITHUB_REQUEST_TIMEOUT_MS,
  MAX_RATE_LIMIT_WAIT_MS,
} from '../net/budget.js'
import { proxiedFetch } from '../net/proxy.js'
import { isTransientStatus } from '../net/retry.js'

export interface ClientOptions {
  /** plugin-retry waits (n²) × this before try n + 1 (default GITHUB_REQUEST.baseDelayMs). */
  readonly retryBaseMs?: number
  /** How long one second of `retry-after` lasts; tests shrink it. */
  readonly retryAfterUnitMs?: number
  /** A request with no answer by then is abandoned (and retried like a network error). */
  readonly requestTimeoutMs?: number
  /**
   * plugin-throttling's `id`: clients with the same id share one write spacing (one write per
   * second). One run is one id; the bench and tests give each simulated runner its own.
   */
  readonly throttleId?: string
  /** false: no write spacing and no rate-limit waits (plugin-throttling's `enabled`), for tests of other things. */
  readonly throttle?: boolean
}

const USER_AGENT = 'gitops-deploy-action'

// plugin-retry retries every status ≥ 400 not in this list: everything `isTransientStatus`
// does not call transient. 403 and 429 rate limits reach it only after plugin-throttling.
const DO_NOT_RETRY = Array.from({ length: 200 }, (_, i) => 400 + i).filter((status) => !isTransientStatus(status))

export type GitHubClient = ReturnType<typeof getOctokit>
/** The `data` of a REST method's answer, e.g. `ResponseData<GitHubClient['rest']['pulls']['get']>`. */
export type ResponseData<Method extends (...args: never[]) => Promise<{ data: unknown }>> = Awaited<
  ReturnType<Method>
>['data']

type RequestOptions = Parameters<GitHubClient['request']['endpoint']['parse']>[0]
type LimitHandler = NonNullable<ThrottlingOptions['onRateLimit']>

function requestLine(octokit: Pick<GitHubClient, 'request'>, options: RequestOptions): string {
  try {
    const { method, url } = octokit.request.endpoint.parse(options)
    return `${method} ${url.replace(options.baseUrl, '')}`
  } catch {
    return `${options.method} ${options.url}`
  }
}

interface ErrorShape {
  status?: number
  response?: unknown
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 200)
}

/**
 * Innermost, logging only: sees every single attempt and says what failed and what is retried,
 * by method and path only (never headers or bodies, which carry the token and file contents).
 */
function attemptLog(octokit: Pick<GitHubClient, 'hook' | 'request'>) {
  const seen = new WeakMap<object, number>()
  octokit.hook.wrap('request', async (request, options) => {
    const attempt = (seen.get(options) ?? 0) + 1
    seen.set(options, attempt)
    if (attempt > 1) core.info(`Retrying ${requestLine(octokit, options)} (attempt ${attempt})`)
    try {
      return await request(options)
    } catch (error) {
      // undici refusing to read an answer's body twice: the request is fine, its answer was lost.
      // Shaped like Octokit's network failures (status 500, no response) so plugin-retry tries again.
      if (error instanceof TypeError && /disturbed or locked/i.test(error.message)) {
        core.info(`${requestLine(octokit, options)} failed: ${error.message}`)
        throw Object.assign(new Error(`${requestLine(octokit, options)}: ${error.message}`), {
          status: 500,
          request: options,
          cause: error,
        })
      }
      const { status, response } = error as ErrorShape
      if (response === undefined) {
        // No answer at all: the message is the network error (ECONNRESET, …), not a body.
        core.info(`${requestLine(octokit, options)} failed: ${oneLine(networkReason(error))}`)
      } else if (status !== undefined && isTransientStatus(status)) {
        core.info(`${requestLine(octokit, options)} failed: HTTP ${status}`)
      }
      throw error
    }
  })
  return {}
}

function onLimit(kind: string): LimitHandler {
  return (retryAfter, options, octokit, retryCount) => {
    const line = requestLine(octokit, options)
    if (retryCount >= GITHUB_RATE_LIMIT_RETRIES || retryAfter * 1000 > MAX_RATE_LIMIT_WAIT_MS) {
      core.warning(`GitHub ${kind} on ${line} (retry after ${retryAfter}s); giving up`)
      return false
    }
    core.warning(
      `GitHub ${kind} on ${line}; retrying in ${retryAfter}s (retry ${retryCount + 1} of ${GITHUB_RATE_LIMIT_RETRIES})`,
    )
    return true
  }
}

/**
 * An Octokit for `apiUrl` (GITHUB_API_URL; GitHub Enterprise Server works unchanged). The token
 * was masked by the settings; it is only ever sent in the Authorization header, never logged.
 */
export function createGitHubClient(token: string, apiUrl: string, options: ClientOptions = {}): GitHubClient {
  const retryAfterUnitMs = options.retryAfterUnitMs ?? 1000
  const octokitOptions = {
    baseUrl: apiUrl.replace(/\/+$/, ''),
    userAgent: USER_AGENT,
    // The default logger prints every failed request (expected 404s and 422s included) and
    // dumps request options, headers and all, at debug level.
    log: { debug: () => {}, info: () => {}, warn: (message: string) => core.debug(message), error: () => {} },
    retry: {
      retries: GITHUB_REQUEST.attempts - 1,
      retryAfterBaseValue: options.retryBaseMs ?? GITHUB_REQUEST.baseDelayMs,
      doNotRetry: DO_NOT_RETRY,
    },
    throttle: {
      onRateLimit: onLimit('rate limit'),
      onSecondaryRateLimit: onLimit('secondary rate limit'),
      retryAfterBaseValue: retryAfterUnitMs,
      ...(options.throttleId !== undefined && { id: options.throttleId }),
      ...(options.throttle === false && { enabled: false }),
    },
    // Replaces the toolkit's proxy fetch: one NO_PROXY rule for every client (src/net/proxy.ts).
    request: { fetch: withTimeout(proxiedFetch, options.requestTimeoutMs ?? GITHUB_REQUEST_TIMEOUT_MS) },
  }
  // Plugin order matters: the first is innermost. Throttling sees a rate limit first and waits
  // for it; retry, outermost, retries the transient failures throttling left alone.
  return getOctokit(token, octokitOptions, attemptLog, throttling, retry)
}

/** `fetch`, but a hung connection fails after `timeoutMs` instead of holding the job for minutes. */
function withTimeout(fetch: typeof globalThis.fetch, timeoutMs: number): typeof globalThis.fetch {
  return (input, init = {}) => {
    const timeout = AbortSignal.timeout(timeoutMs)
    return fetch(input, { ...init, signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout })
  }
}
