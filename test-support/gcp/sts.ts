// Stand-in for Google's Security Token Service, POST /v1/token (RFC 8693 token exchange as
// Google implements it for workload identity federation): verifies the request and the GitHub
// OIDC token like a workload identity provider does, answers Google-shaped errors.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { KeyObject } from 'node:crypto'
import { FaultQueue, pathOf, sendJson, startLoopbackServer, type Fault } from './http.js'
import { decodeJwt, verifyRs256 } from './jwt.js'
import type { ReceivedRequest } from './received.js'
import type { TokenBook } from './token-book.js'

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange'
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token'
const SUBJECT_TOKEN_TYPES = ['urn:ietf:params:oauth:token-type:jwt', 'urn:ietf:params:oauth:token-type:id_token']
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform'
const CLOCK_SKEW_SECONDS = 60

export type OidcClaims = Readonly<Record<string, unknown>>

export interface StsSettings {
  /** Allowed `aud` of the subject token. Empty: Google's default, `https://iam.googleapis.com/<provider>`. */
  allowedAudiences: string[]
  /** The provider's attribute condition; undefined accepts every token from the issuer. */
  attributeCondition?: (claims: OidcClaims) => boolean
  /** `expires_in` of federated tokens. */
  tokenLifetimeSeconds: number
}

export interface FakeSts {
  /** Base URL, as the `sts-endpoint` input takes it (`/v1/token` is appended). */
  readonly endpoint: string
  readonly settings: StsSettings
  readonly faults: FaultQueue
  /** Successful exchanges since start or the last reset. */
  readonly exchanges: number
  failNext(count: number, fault: Fault): void
  reset(): void
  close(): Promise<void>
}

export interface FakeStsOptions {
  readonly provider: string
  readonly issuer: string
  readonly publicKey: KeyObject
  readonly tokens: TokenBook
  readonly received: ReceivedRequest[]
  readonly settings: StsSettings
}

/** The principal Google derives from a token's `sub` (attribute mapping google.subject=assertion.sub). */
export function subjectPrincipal(provider: string, subject: string): string {
  return `principal://iam.googleapis.com/${poolOf(provider)}/subject/${subject}`
}

export function poolOf(provider: string): string {
  return provider.replace(/\/providers\/[^/]+$/, '')
}

export async function startFakeSts(options: FakeStsOptions): Promise<FakeSts> {
  const { provider, tokens, received } = options
  const defaults = { ...options.settings, allowedAudiences: [...options.settings.allowedAudiences] }
  const settings: StsSettings = { ...defaults, allowedAudiences: [...defaults.allowedAudiences] }
  const faults = new FaultQueue()
  let exchanges = 0

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const base = { service: 'sts' as const, method: req.method ?? '', path: pathOf(req) }
    const refuse = (status: number, error: string, description: string, extra: Partial<ReceivedRequest> = {}): void => {
      received.push({ ...base, status, error, ...extra })
      sendJson(res, status, { error, error_description: description })
    }
    if (req.method !== 'POST' || base.path !== '/v1/token') {
      received.push({ ...base, status: 404 })
      sendJson(res, 404, { error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } })
      return
    }

    const parsed = parseBody(req.headers['content-type'], body)
    if (!parsed) {
      refuse(400, 'invalid_request', 'The request body must be application/x-www-form-urlencoded or application/json.')
      return
    }
    const { get, encoding } = parsed
    const scopes = (get('scope') ?? '').split(/\s+/).filter(Boolean)
    const audience = get('audience') ?? ''
    const seen = { encoding, scopes, audience }

    if (get('grant_type') !== TOKEN_EXCHANGE_GRANT) {
      refuse(
        400,
        'unsupported_grant_type',
        `Invalid value for "grant_type": ${get('grant_type') ?? '(missing)'}.`,
        seen,
      )
      return
    }
    if (get('requested_token_type') !== ACCESS_TOKEN_TYPE) {
      refuse(400, 'invalid_request', 'Invalid value for "requested_token_type".', seen)
      return
    }
    if (!SUBJECT_TOKEN_TYPES.includes(get('subject_token_type') ?? '')) {
      refuse(400, 'invalid_request', 'Invalid value for "subject_token_type".', seen)
      return
    }
    const subjectToken = get('subject_token')
    if (!subjectToken) {
      refuse(400, 'invalid_request', 'Missing required parameter: "subject_token".', seen)
      return
    }
    if (!scopes.includes(CLOUD_PLATFORM_SCOPE)) {
      refuse(400, 'invalid_scope', `The requested scope must include ${CLOUD_PLATFORM_SCOPE}.`, seen)
      return
    }
    if (audience !== `//iam.googleapis.com/${provider}`) {
      refuse(
        400,
        'invalid_target',
        'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.',
        seen,
      )
      return
    }

    const jwt = decodeJwt(subjectToken)
    if (!jwt) {
      refuse(400, 'invalid_grant', 'Unable to parse the ID Token.', seen)
      return
    }
    if (!verifyRs256(jwt, options.publicKey)) {
      refuse(400, 'invalid_grant', 'The ID Token signature could not be verified with the keys of the issuer.', seen)
      return
    }
    const claims = jwt.claims
    if (claims.iss !== options.issuer) {
      refuse(
        400,
        'invalid_grant',
        `The issuer in ID Token [${String(claims.iss)}] does not match the expected ones.`,
        seen,
      )
      return
    }
    const allowed =
      settings.allowedAudiences.length > 0 ? settings.allowedAudiences : [`https://iam.googleapis.com/${provider}`]
    const tokenAudiences = Array.isArray(claims.aud) ? claims.aud.map(String) : [String(claims.aud)]
    if (!tokenAudiences.some((aud) => allowed.includes(aud))) {
      refuse(
        400,
        'invalid_grant',
        `The audience in ID Token [${tokenAudiences.join(', ')}] does not match the expected audience.`,
        seen,
      )
      return
    }
    const now = Date.now() / 1000
    if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_SECONDS < now) {
      refuse(400, 'invalid_grant', `ID Token expired at ${String(claims.exp)}.`, seen)
      return
    }
    if (typeof claims.iat === 'number' && claims.iat - CLOCK_SKEW_SECONDS > now) {
      refuse(400, 'invalid_grant', `ID Token issued at ${claims.iat} is in the future.`, seen)
      return
    }
    const subject = typeof claims.sub === 'string' ? claims.sub : ''
    if (settings.attributeCondition && !settings.attributeCondition(claims)) {
      refuse(400, 'invalid_grant', 'The given credential is rejected by the attribute condition.', { ...seen, subject })
      return
    }

    const attributes: Record<string, string> = {}
    for (const [name, value] of Object.entries(claims)) {
      if (typeof value === 'string') attributes[name] = value
    }
    const accessToken = tokens.issue({
      kind: 'federated',
      principal: subjectPrincipal(provider, subject),
      subject,
      scopes,
      attributes,
      expiresAt: Date.now() + settings.tokenLifetimeSeconds * 1000,
    })
    exchanges++
    received.push({ ...base, status: 200, ...seen, subject })
    sendJson(res, 200, {
      access_token: accessToken,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: settings.tokenLifetimeSeconds,
    })
  }

  const server = await startLoopbackServer(handle, faults, (req, fault) =>
    received.push({ service: 'sts', method: req.method ?? '', path: pathOf(req), status: fault }),
  )
  return {
    endpoint: server.url,
    settings,
    faults,
    get exchanges() {
      return exchanges
    },
    failNext: (count, fault) => faults.failNext(count, fault),
    reset: () => {
      Object.assign(settings, defaults, { allowedAudiences: [...defaults.allowedAudiences] })
      if (!defaults.attributeCondition) delete settings.attributeCondition
      faults.clear()
      exchanges = 0
    },
    close: () => server.close(),
  }
}

/** Google's STS takes form-encoded bodies (RFC 8693) and JSON with snake_case or camelCase keys. */
function parseBody(
  contentType: string | undefined,
  body: Buffer,
): { get: (name: string) => string | undefined; encoding: 'form' | 'json' } | undefined {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase()
  if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(body.toString('utf8'))
    return { get: (name) => form.get(name) ?? undefined, encoding: 'form' }
  }
  if (type === 'application/json') {
    let json: unknown
    try {
      json = JSON.parse(body.toString('utf8'))
    } catch {
      return undefined
    }
    if (!json || typeof json !== 'object') return undefined
    const object = json as Record<string, unknown>
    const get = (name: string): string | undefined => {
      const camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
      const value = object[name] ?? object[camel]
      return typeof value === 'string' ? value : undefined
    }
    return { get, encoding: 'json' }
  }
  return undefined
}
