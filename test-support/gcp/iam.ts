// Stand-in for the IAM Credentials API's generateAccessToken: a caller holding a Google token
// gets a service account's access token if an IAM binding lets its principal impersonate it.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { FaultQueue, bearerToken, pathOf, sendGoogleError, sendJson, startLoopbackServer, type Fault } from './http.js'
import type { ReceivedRequest } from './received.js'
import { poolOf } from './sts.js'
import type { TokenBook, TokenGrant } from './token-book.js'

const GENERATE = /^\/v1\/projects\/-\/serviceAccounts\/([^/]+):generateAccessToken$/
const CALLER_SCOPES = ['https://www.googleapis.com/auth/cloud-platform', 'https://www.googleapis.com/auth/iam']
const MAX_LIFETIME_SECONDS = 3600

export interface IamSettings {
  /**
   * Service account email → IAM members allowed to mint its tokens (holders of
   * roles/iam.workloadIdentityUser or roles/iam.serviceAccountTokenCreator):
   * `principal://…/subject/SUB`, `principalSet://…/attribute.NAME/VALUE`, `principalSet://…/POOL/*`,
   * `serviceAccount:EMAIL`.
   */
  bindings: Record<string, string[]>
  /** Caps the lifetime of issued tokens below what the caller asked (tests use short ones). */
  tokenLifetimeSeconds?: number
}

export interface FakeIam {
  /** Base URL, as the `iam-credentials-endpoint` input takes it. */
  readonly endpoint: string
  readonly settings: IamSettings
  readonly faults: FaultQueue
  /** Tokens generated since start or the last reset. */
  readonly generated: number
  failNext(count: number, fault: Fault): void
  reset(): void
  close(): Promise<void>
}

export interface FakeIamOptions {
  readonly provider: string
  readonly tokens: TokenBook
  readonly received: ReceivedRequest[]
  readonly settings: IamSettings
}

const PERMISSION_DENIED = "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist)."

/** Whether an IAM member string covers the principal behind `grant`. */
export function memberMatches(member: string, grant: TokenGrant, provider: string): boolean {
  if (grant.kind === 'service-account') return member === `serviceAccount:${grant.principal}`
  const pool = `//iam.googleapis.com/${poolOf(provider)}`
  if (member === `principal:${pool}/subject/${grant.subject ?? ''}`) return true
  if (member === `principalSet:${pool}/*`) return true
  const prefix = `principalSet:${pool}/attribute.`
  if (!member.startsWith(prefix)) return false
  const rest = member.slice(prefix.length)
  const slash = rest.indexOf('/')
  if (slash < 0) return false
  return grant.attributes[rest.slice(0, slash)] === rest.slice(slash + 1)
}

export async function startFakeIam(options: FakeIamOptions): Promise<FakeIam> {
  const { tokens, received, provider } = options
  const copy = (s: IamSettings): IamSettings => ({
    ...s,
    bindings: Object.fromEntries(Object.entries(s.bindings).map(([k, v]) => [k, [...v]])),
  })
  const defaults = copy(options.settings)
  const settings = copy(defaults)
  const faults = new FaultQueue()
  let generated = 0

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const base = { service: 'iam' as const, method: req.method ?? '', path: pathOf(req) }
    const match = GENERATE.exec(base.path)
    const serviceAccount = match ? decodeURIComponent(match[1] ?? '') : undefined
    const refuse = (code: number, status: string, message: string, details?: unknown[]): void => {
      received.push({ ...base, status: code, error: status, ...(serviceAccount !== undefined && { serviceAccount }) })
      sendGoogleError(res, code, message, status, details)
    }
    if (req.method !== 'POST' || !match || serviceAccount === undefined) {
      refuse(404, 'NOT_FOUND', 'The requested URL was not found on this server.')
      return
    }

    const token = bearerToken(req)
    const grant = token === undefined ? undefined : tokens.lookup(token)
    if (!grant) {
      refuse(
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: token === undefined ? 'CREDENTIALS_MISSING' : 'ACCESS_TOKEN_EXPIRED',
            domain: 'googleapis.com',
          },
        ],
      )
      return
    }
    if (!grant.scopes.some((scope) => CALLER_SCOPES.includes(scope))) {
      refuse(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.', [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
          domain: 'googleapis.com',
        },
      ])
      return
    }

    let request: { scope?: unknown; lifetime?: unknown }
    try {
      request = JSON.parse(body.toString('utf8')) as typeof request
    } catch {
      refuse(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.')
      return
    }
    const scopes = Array.isArray(request.scope) ? request.scope.filter((s): s is string => typeof s === 'string') : []
    if (scopes.length === 0) {
      refuse(400, 'INVALID_ARGUMENT', 'Scope required.')
      return
    }
    let lifetimeSeconds = MAX_LIFETIME_SECONDS
    if (request.lifetime !== undefined) {
      const text = typeof request.lifetime === 'string' ? request.lifetime : JSON.stringify(request.lifetime)
      const lifetime = /^([0-9]+)(\.[0-9]+)?s$/.exec(text)
      if (!lifetime || Number(lifetime[1]) > MAX_LIFETIME_SECONDS || Number(lifetime[1]) < 1) {
        refuse(400, 'INVALID_ARGUMENT', `Invalid value for "lifetime": ${text}; at most ${MAX_LIFETIME_SECONDS}s.`)
        return
      }
      lifetimeSeconds = Number(lifetime[1])
    }

    const members = settings.bindings[serviceAccount] ?? []
    if (!members.some((member) => memberMatches(member, grant, provider))) {
      refuse(403, 'PERMISSION_DENIED', PERMISSION_DENIED, [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'IAM_PERMISSION_DENIED',
          domain: 'iam.googleapis.com',
          metadata: { permission: 'iam.serviceAccounts.getAccessToken' },
        },
      ])
      return
    }

    if (settings.tokenLifetimeSeconds !== undefined)
      lifetimeSeconds = Math.min(lifetimeSeconds, settings.tokenLifetimeSeconds)
    const expiresAt = Date.now() + lifetimeSeconds * 1000
    const accessToken = tokens.issue({
      kind: 'service-account',
      principal: serviceAccount,
      scopes,
      attributes: {},
      expiresAt,
    })
    generated++
    received.push({
      ...base,
      status: 200,
      serviceAccount,
      scopes,
      ...(typeof request.lifetime === 'string' && { lifetime: request.lifetime }),
    })
    sendJson(res, 200, { accessToken, expireTime: new Date(expiresAt).toISOString().replace(/\.[0-9]+Z$/, 'Z') })
  }

  const server = await startLoopbackServer(handle, faults, (req, fault) =>
    received.push({ service: 'iam', method: req.method ?? '', path: pathOf(req), status: fault }),
  )
  return {
    endpoint: server.url,
    settings,
    faults,
    get generated() {
      return generated
    },
    failNext: (count, fault) => faults.failNext(count, fault),
    reset: () => {
      const fresh = copy(defaults)
      settings.bindings = fresh.bindings
      if (fresh.tokenLifetimeSeconds === undefined) delete settings.tokenLifetimeSeconds
      else settings.tokenLifetimeSeconds = fresh.tokenLifetimeSeconds
      faults.clear()
      generated = 0
    },
    close: () => server.close(),
  }
}
