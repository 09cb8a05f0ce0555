// Registry authentication as Docker clients do it: learn the scheme from the `GET /v2/` challenge,
// then either fetch a Bearer token from the realm (Basic `oauth2accesstoken:<access token>`, as
// Artifact Registry expects) or send Basic credentials directly. Tokens are cached until shortly
// before they expire and dropped when the registry stops accepting them.
import * as core from '@actions/core'
import { registryChallenge } from './challenge.js'
import { type Access, RegistryError, type RegistryTarget, remedy, registryErrorDetail, where } from './errors.js'
import { type HttpResponse, header, send } from './http.js'
import { isHttpsOrLoopback } from '../image/reference.js'
import { answerTimeout } from '../net/budget.js'
import { type Clock, type RetryPolicy, isTransientStatus, parseRetryAfter, retry, systemClock } from '../net/retry.js'
import { maskSecret, scrubSecrets } from '../secrets.js'
import { mayReceiveCredentials } from './trust.js'

/** Satisfied by the GCP access token source (src/gcp/source.ts). */
export interface RegistryCredentials {
  getAccessToken(): Promise<string>
  /** Forget a cached access token the registry's token service rejected. */
  invalidate?(): void
}

/** Artifact Registry's (and gcr.io's) fixed user name for an OAuth access token. */
const OAUTH_USER = 'oauth2accesstoken'
/** The token spec's default when a token server gives no `expires_in`. */
const DEFAULT_TOKEN_LIFETIME_S = 60

interface CachedToken {
  readonly value: string
  readonly refreshAt: number
}

export interface AuthenticatorOptions {
  readonly target: RegistryTarget
  /** `scheme://host[:port]` of the registry API. */
  readonly origin: URL
  readonly access: Access
  readonly credentials?: RegistryCredentials
  readonly retry: RetryPolicy
  readonly clock?: Clock
}

type Scheme = { kind: 'none' } | { kind: 'basic' } | { kind: 'bearer'; realm: string; service?: string }

export class Authenticator {
  private scheme?: Scheme
  private probing?: Promise<Scheme>
  private token?: CachedToken
  private fetching?: Promise<CachedToken>
  private readonly rejectedBasic = new Set<string>()

  constructor(private readonly options: AuthenticatorOptions) {}

  /** The `Authorization` header for the next request, or undefined for anonymous access. */
  async authorization(): Promise<string | undefined> {
    const scheme = this.scheme ?? (await this.probe())
    switch (scheme.kind) {
      case 'none':
        return undefined
      case 'basic':
        return this.options.credentials ? basic(await this.accessToken()) : undefined
      case 'bearer': {
        const token =
          this.token !== undefined && Date.now() < this.token.refreshAt ? this.token : await this.fetchToken(scheme)
        return `Bearer ${token.value}`
      }
    }
  }

  /**
   * After a 401: adopt the challenge it carries and forget what failed. Returns false when a
   * retry cannot help (nothing changed and nothing was cached).
   */
  rejected(response: HttpResponse, sent: string | undefined): boolean {
    const challenge = registryChallenge(header(response, 'www-authenticate'))
    const previous = this.scheme
    if (challenge?.kind === 'bearer') {
      this.scheme = {
        kind: 'bearer',
        realm: challenge.realm,
        ...(challenge.service !== undefined && { service: challenge.service }),
      }
    } else if (challenge?.kind === 'basic') {
      this.scheme = { kind: 'basic' }
    }
    if (sent === undefined) return this.scheme !== previous && this.scheme?.kind !== 'none'
    if (sent.startsWith('Bearer ')) {
      if (this.token !== undefined && sent === `Bearer ${this.token.value}`) this.token = undefined
      return true
    }
    // Basic credentials rejected: a fresh access token is the only thing left to try. Parallel
    // requests see the same rejection; the credential source hears about it once.
    if (!this.options.credentials?.invalidate) return false
    if (!this.rejectedBasic.has(sent)) {
      this.rejectedBasic.add(sent)
      this.options.credentials.invalidate()
    }
    return true
  }

  private probe(): Promise<Scheme> {
    this.probing ??= this.ping().then(
      (scheme) => {
        this.scheme ??= scheme
        return this.scheme
      },
      (error: unknown) => {
        this.probing = undefined
        throw error
      },
    )
    return this.probing
  }

  private async ping(): Promise<Scheme> {
    const url = new URL('/v2/', this.options.origin)
    const response = await this.sendWithRetry(url, {}, 'API version check (GET /v2/)')
    if (response.status !== 401) return { kind: 'none' }
    const challenge = registryChallenge(header(response, 'www-authenticate'))
    if (challenge?.kind === 'bearer') {
      return {
        kind: 'bearer',
        realm: challenge.realm,
        ...(challenge.service !== undefined && { service: challenge.service }),
      }
    }
    if (challenge?.kind === 'basic') return { kind: 'basic' }
    throw new RegistryError(
      `${where(this.options.target)}: GET /v2/ answered 401 without a Bearer or Basic challenge; cannot authenticate.`,
      401,
    )
  }

  private fetchToken(scheme: { realm: string; service?: string }): Promise<CachedToken> {
    this.fetching ??= this.requestToken(scheme).finally(() => {
      this.fetching = undefined
    })
    return this.fetching
  }

  private async requestToken(scheme: { realm: string; service?: string }): Promise<CachedToken> {
    const { target, credentials, access } = this.options
    let realm: URL
    try {
      realm = new URL(scheme.realm)
    } catch {
      throw new RegistryError(
        `${where(target)}: the token realm "${scheme.realm}" in the registry's challenge is not a URL.`,
      )
    }
    // The access token travels to the realm: never in clear text beyond this machine.
    if (!isHttpsOrLoopback(realm)) {
      throw new RegistryError(
        `${where(target)}: the token realm ${realm.origin} is not https; refusing to send credentials to it.`,
      )
    }
    if (credentials && !mayReceiveCredentials(realm.host, target.registry)) {
      throw new RegistryError(
        `${where(target)}: the registry sends token requests to ${realm.host}, which is neither the registry nor a Google registry; refusing to send Google Cloud credentials there.`,
      )
    }
    if (scheme.service !== undefined) realm.searchParams.set('service', scheme.service)
    realm.searchParams.set('scope', `repository:${target.repository}:${access === 'push' ? 'pull,push' : 'pull'}`)
    const operation = `token request to ${realm.host}${realm.pathname}`

    for (let renewed = false; ; renewed = true) {
      const headers: Record<string, string> = {}
      if (credentials) headers.authorization = basic(await this.accessToken())
      const started = Date.now()
      const response = await this.sendWithRetry(realm, headers, operation)
      if (response.status === 200) return this.acceptToken(response, started, operation)
      if (response.status === 401 && credentials?.invalidate && !renewed) {
        credentials.invalidate()
        continue
      }
      const detail = tokenErrorDetail(response.body)
      const hint = remedy(response.status, access, credentials !== undefined)
      throw new RegistryError(
        scrubSecrets(
          `${where(target)}: ${operation} failed with HTTP ${response.status}${detail ? ` (${detail})` : ''}.${hint ? ` ${hint}` : ''}`,
        ),
        response.status,
      )
    }
  }

  private acceptToken(response: HttpResponse, started: number, operation: string): CachedToken {
    let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown }
    try {
      parsed = JSON.parse(response.body.toString('utf8')) as typeof parsed
    } catch {
      throw new RegistryError(`${where(this.options.target)}: ${operation} answered 200 without a JSON body.`)
    }
    const value = typeof parsed.token === 'string' && parsed.token !== '' ? parsed.token : parsed.access_token
    if (typeof value !== 'string' || value === '') {
      throw new RegistryError(`${where(this.options.target)}: ${operation} answered without "token" or "access_token".`)
    }
    maskSecret(value)
    const lifetimeS =
      typeof parsed.expires_in === 'number' && parsed.expires_in > 0 ? parsed.expires_in : DEFAULT_TOKEN_LIFETIME_S
    // Renew a little early so a request never leaves with a token that expires on the way.
    const marginMs = Math.min(30_000, lifetimeS * 250)
    this.token = { value, refreshAt: started + lifetimeS * 1000 - marginMs }
    return this.token
  }

  private async accessToken(): Promise<string> {
    const token = await this.options.credentials!.getAccessToken()
    maskSecret(token)
    return token
  }

  /**
   * GET under the registry policy. A transient status that outlasts the retries is returned like
   * any other answer, for the caller to explain.
   */
  private async sendWithRetry(url: URL, headers: Record<string, string>, operation: string): Promise<HttpResponse> {
    const { target, clock } = this.options
    const policy = this.options.retry
    const now = () => (clock ?? systemClock).now()
    const deadline = now() + (policy.deadlineMs ?? Infinity)
    try {
      return await retry(
        async () => {
          let response: HttpResponse
          try {
            response = await send({
              method: 'GET',
              url,
              headers,
              maxResponseBytes: 1024 * 1024,
              answerTimeoutMs: answerTimeout(deadline, now()),
            })
          } catch (error) {
            const message = scrubSecrets(`${where(target)}: ${operation} failed: ${(error as Error).message}`)
            throw new RegistryError(message, undefined, { cause: error })
          }
          if (!isTransientStatus(response.status)) return response
          throw new TransientAnswer(operation, response)
        },
        {
          policy,
          onRetry: ({ attempt, reason }) =>
            core.info(
              `${where(target)}: ${operation}: ${reason}, retrying (attempt ${attempt + 1} of ${policy.attempts})`,
            ),
          ...(clock !== undefined && { clock }),
        },
      )
    } catch (error) {
      if (error instanceof TransientAnswer) return error.response
      throw error
    }
  }
}

/** A 5xx/429 answer, thrown so that `retry` tries again; the last one is explained by the caller. */
class TransientAnswer extends RegistryError {
  constructor(
    operation: string,
    readonly response: HttpResponse,
  ) {
    super(`${operation}: HTTP ${response.status}`, response.status, {
      retryAfterMs: parseRetryAfter(header(response, 'retry-after')),
    })
  }
}

function basic(accessToken: string): string {
  const encoded = Buffer.from(`${OAUTH_USER}:${accessToken}`).toString('base64')
  // A token endpoint that echoes the header it got would otherwise show the token, encoded.
  maskSecret(encoded)
  return `Basic ${encoded}`
}

/** Token servers answer errors in OAuth (`error_description`) or OCI (`errors[]`) form. */
function tokenErrorDetail(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.subarray(0, 4096).toString('utf8')) as {
      error?: unknown
      error_description?: unknown
      details?: unknown
    }
    const parts = [parsed.error, parsed.error_description ?? parsed.details].filter(
      (p): p is string => typeof p === 'string' && p !== '',
    )
    if (parts.length > 0) return parts.join(': ').slice(0, 300)
  } catch {
    // not OAuth JSON
  }
  return registryErrorDetail(body).text
}
