// The HTTP transport google-auth-library uses for every Google call (STS, IAM Credentials, an
// ADC file's credential_source.url): the action's proxied fetch, retried under the GOOGLE_TOKEN
// policy by the one retry helper, with tokens masked as they pass. gaxios' own retries and its
// own proxy agent are switched off through its documented options, so there is one decision for
// each: `retry` for when to try again, `proxyFor` for which proxy.
import * as core from '@actions/core'
import { gaxios } from 'google-auth-library'
import { GOOGLE_TOKEN } from '../net/budget.js'
import { proxiedFetch } from '../net/proxy.js'
import { fetchSameOrigin } from '../net/same-origin.js'
import { type Clock, isTransientStatus, parseRetryAfter, retry, systemClock } from '../net/retry.js'
import { maskSecret } from '../secrets.js'

/** One try of a Google request may take this long before it counts as a timeout (and is retried). */
const REQUEST_TIMEOUT_MS = 30_000

export interface TransportOptions {
  /** Injected in tests so retries do not sleep. */
  readonly clock?: Clock
  /** Default: proxiedFetch. */
  readonly fetch?: typeof fetch
}

/**
 * How long before expiry google-auth-library replaces a cached token. Its default (5 minutes)
 * would refresh a direct federated token that lives 5 minutes or less on every call; each use of
 * a token here is one short request (the registry's token exchange, docker login), so 2 minutes
 * of margin is plenty.
 */
export const REFRESH_MARGIN_MS = 2 * 60_000

/** The options every google-auth-library client of the action gets. */
export function clientOptions(transporter: gaxios.Gaxios): {
  transporter: gaxios.Gaxios
  eagerRefreshThresholdMillis: number
  useAuthRequestParameters: false
} {
  return {
    transporter,
    eagerRefreshThresholdMillis: REFRESH_MARGIN_MS,
    // Skips the library's debug-logging interceptors, which print token responses.
    useAuthRequestParameters: false,
  }
}

/** A gaxios instance for google-auth-library's `transporter` option. */
export function googleTransporter(options: TransportOptions = {}): gaxios.Gaxios {
  const transporter = new gaxios.Gaxios({
    fetchImplementation: retryingFetch(options),
    // A pattern that matches every URL: gaxios never picks a proxy (nor loads its proxy agent,
    // which does not survive bundling); proxiedFetch applies HTTPS_PROXY / NO_PROXY itself.
    noProxy: [/(?:)/],
    // google-auth-library asks for gaxios retries on each token request; retryingFetch retries.
    retryConfig: { retry: 0, noResponseRetries: 0 },
  })
  transporter.interceptors.request.add({
    resolved: (config) => {
      // The federated token on its way to IAM Credentials.
      const match = /^Bearer\s+(\S+)$/i.exec(config.headers.get('authorization') ?? '')
      if (match) maskSecret(match[1])
      return Promise.resolve(config)
    },
  })
  transporter.interceptors.response.add({
    resolved: (response) => {
      // Tokens coming back: access tokens, and an OIDC JWT fetched from an ADC file's credential_source.url.
      const data: unknown = response.data
      if (data && typeof data === 'object') {
        for (const field of ['access_token', 'accessToken', 'id_token', 'value', 'token']) {
          const value = (data as Record<string, unknown>)[field]
          if (typeof value === 'string') maskSecret(value)
        }
      }
      return Promise.resolve(response)
    },
  })
  return transporter
}

/** A transient HTTP answer, thrown to `retry`; the last one is handed back to gaxios as is. */
class TransientResponse extends Error {
  readonly status: number
  readonly retryAfterMs?: number

  constructor(readonly response: Response) {
    super(`HTTP ${response.status}`)
    this.status = response.status
    const afterMs = parseRetryAfter(response.headers.get('retry-after'))
    if (afterMs !== undefined) this.retryAfterMs = afterMs
  }
}

/**
 * fetch with retries: socket failures and transient statuses (5xx, 408, 429) are tried again
 * under GOOGLE_TOKEN, POSTs included (a token exchange has no side effect worth guarding).
 * Gives back the last answer, so gaxios turns it into the error that explain.ts reads.
 */
export function retryingFetch(options: TransportOptions = {}): typeof fetch {
  const send = options.fetch ?? proxiedFetch
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString())
    // A stream can be sent once; the token requests send strings or form data.
    const body = init?.body
    const replayable =
      body === undefined ||
      body === null ||
      typeof body === 'string' ||
      body instanceof URLSearchParams ||
      body instanceof ArrayBuffer ||
      ArrayBuffer.isView(body)
    const clock = options.clock ?? systemClock
    const deadline = clock.now() + (GOOGLE_TOKEN.deadlineMs ?? Infinity)
    try {
      return await retry(
        async () => {
          // Each try within its own limit, and never past the policy's: the answer included.
          const signal = AbortSignal.timeout(Math.max(1_000, Math.min(REQUEST_TIMEOUT_MS, deadline - clock.now())))
          // The body may be the GitHub OIDC JWT (STS) or carry a token: never to another origin.
          const response = await fetchSameOrigin(send, input, {
            ...init,
            signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
          })
          if (isTransientStatus(response.status)) throw new TransientResponse(response)
          return response
        },
        {
          policy: replayable ? GOOGLE_TOKEN : { ...GOOGLE_TOKEN, attempts: 1 },
          ...(options.clock !== undefined && { clock: options.clock }),
          onRetry: ({ delayMs, reason, error }) => {
            if (error instanceof TransientResponse) void error.response.body?.cancel()
            core.info(`${url.origin}${url.pathname}: ${reason}; trying again in ${(delayMs / 1000).toFixed(1)} s`)
          },
        },
      )
    } catch (error) {
      if (error instanceof TransientResponse) return error.response
      throw error
    }
  }
}
