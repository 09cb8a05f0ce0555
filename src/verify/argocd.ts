// A small client of the Argo CD REST API: read one application, with a bearer token (a stored
// token, or a GitHub OIDC token for Argo CD's configured issuer). Transient failures are
// retried through the action's one retry helper; errors keep Argo CD's own message.
import { errorMessage, noAnswerReason } from '../errors.js'
import { BodyTooLarge, readTextCapped } from '../net/capped-body.js'
import { proxiedFetch } from '../net/proxy.js'
import { type RetryPolicy, parseRetryAfter, retry, transientFailure } from '../net/retry.js'
import { maskSecret, scrubSecrets } from '../secrets.js'
import { MalformedAnswer, readApplication } from './answer.js'
import type { Application } from './application.js'
import type { ArgoApplicationRef, ArgoAuth } from './settings.js'

/** One GET: a few quick tries; the wait loop above it retries within the verify timeout. */
export const ARGOCD_REQUEST: RetryPolicy = { attempts: 3, deadlineMs: 30_000, baseDelayMs: 500, maxDelayMs: 4_000 }
const REQUEST_TIMEOUT_MS = 30_000
/** One Application, resources included, is kilobytes; hundreds of resources stay well under 1 MB. */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024

/**
 * Why an answer says nothing about the deploy: the token or its grant changed, the application
 * is gone, or something other than Argo CD answered. Verification treats these as "unknown".
 */
export type Unreadable = 'rejected' | 'denied' | 'missing' | 'not-json' | 'malformed' | 'too-large'

/** Argo CD answered with an error (`{"error", "code", "message"}`), or not at all. */
export class ArgoCdError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
    readonly unreadable?: Unreadable,
  ) {
    super(message)
    this.name = 'ArgoCdError'
  }
}

const UNREADABLE_STATUS: Readonly<Record<number, Unreadable>> = { 401: 'rejected', 403: 'denied', 404: 'missing' }

export class ArgoCdClient {
  private bearer: string | undefined

  constructor(
    readonly server: string,
    private readonly auth: ArgoAuth,
  ) {}

  /** The application's web page: `SERVER/applications/NAMESPACE/NAME`. */
  uiUrl(app: ArgoApplicationRef, namespace: string | undefined): string {
    return `${this.server}/applications/${encodeURIComponent(app.namespace ?? namespace ?? 'argocd')}/${encodeURIComponent(app.name)}`
  }

  /** GET /api/v1/applications/{name}; `refresh` asks Argo CD to compare with Git now. */
  async getApplication(app: ArgoApplicationRef, refresh: boolean): Promise<Application> {
    const url = new URL(`${this.server}/api/v1/applications/${encodeURIComponent(app.name)}`)
    if (app.namespace !== undefined) url.searchParams.set('appNamespace', app.namespace)
    if (refresh) url.searchParams.set('refresh', 'normal')
    // Each try within its own limit and never past the policy's deadline, the answer included.
    const deadline = Date.now() + ARGOCD_REQUEST.deadlineMs!
    const json = await retry(
      () => this.getJson(url, Math.max(1_000, Math.min(REQUEST_TIMEOUT_MS, deadline - Date.now()))),
      { policy: ARGOCD_REQUEST, classify: transientFailure },
    )
    try {
      return readApplication(json)
    } catch (error) {
      if (!(error instanceof MalformedAnswer)) throw error
      throw new ArgoCdError(
        `${this.server} answered ${url.pathname} with JSON that is not an Argo CD application: ${errorMessage(error)}`,
        undefined,
        undefined,
        'malformed',
      )
    }
  }

  private async getJson(url: URL, timeoutMs: number, renewed = false): Promise<unknown> {
    const token = await this.token()
    let response: Response
    try {
      response = await proxiedFetch(url, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      throw Object.assign(new ArgoCdError(`no answer from ${this.server} (${scrubSecrets(noAnswerReason(error))})`), {
        cause: error,
      })
    }
    let text: string
    try {
      text = await readTextCapped(response, MAX_ANSWER_BYTES)
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        throw new ArgoCdError(
          `${this.server} answered ${url.pathname} with ${error.message}`,
          undefined,
          undefined,
          'too-large',
        )
      }
      throw Object.assign(new ArgoCdError(`no answer from ${this.server} (${scrubSecrets(noAnswerReason(error))})`), {
        cause: error,
      })
    }
    if (response.ok) {
      try {
        return JSON.parse(text)
      } catch {
        throw new ArgoCdError(
          `${this.server} answered ${url.pathname} with something that is not JSON: is it Argo CD?`,
          undefined,
          undefined,
          'not-json',
        )
      }
    }
    // An OIDC token may expire during a long wait: ask GitHub for a fresh one once.
    if (response.status === 401 && this.auth.kind === 'oidc' && !renewed) {
      this.bearer = undefined
      return this.getJson(url, timeoutMs, true)
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'))
    throw new ArgoCdError(
      `HTTP ${response.status}: ${scrubSecrets(argoMessage(text))}`,
      response.status,
      retryAfterMs,
      UNREADABLE_STATUS[response.status],
    )
  }

  private async token(): Promise<string> {
    if (this.auth.kind === 'token') return this.auth.token
    if (this.bearer === undefined) {
      const { requestIdToken } = await import('../oidc.js')
      this.bearer = await requestIdToken(this.auth.audience)
      maskSecret(this.bearer)
    }
    return this.bearer
  }
}

/** Argo CD's error body is `{"error", "code", "message"}`; anything else is shown briefly. */
export function argoMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown }
    const message = typeof parsed.message === 'string' ? parsed.message : parsed.error
    if (typeof message === 'string' && message !== '') return message
  } catch {
    // Not JSON: a proxy's or load balancer's page.
  }
  const text = body.replace(/\s+/g, ' ').trim()
  return text === '' ? '(empty body)' : text.slice(0, 200)
}
