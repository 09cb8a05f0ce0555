// Stand-in for the GitHub Actions OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL):
// GET with `Authorization: Bearer <request token>` and `&audience=AUD` → `{ "value": "<JWT>" }`,
// the JWT signed RS256 with claims shaped like GitHub's.
import { randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { FaultQueue, bearerToken, pathOf, sendJson, startLoopbackServer, type Fault } from './http.js'
import { generateRsaKey, signJwt, toJwk, type RsaKey } from './jwt.js'
import type { ReceivedRequest } from './received.js'

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

export interface OidcSettings {
  repository: string
  ref: string
  sha: string
  workflow: string
  actor: string
  eventName: string
  /** Lifetime of issued JWTs; GitHub's is about 5 minutes. */
  lifetimeSeconds: number
  /** Claims added to (or overriding) the generated ones. */
  extraClaims: Record<string, unknown>
}

export interface FakeOidc {
  /** ACTIONS_ID_TOKEN_REQUEST_URL: carries `?api-version=2.0` as GitHub's does. */
  readonly url: string
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  readonly requestToken: string
  readonly issuer: string
  readonly jwksUrl: string
  readonly key: RsaKey
  readonly settings: OidcSettings
  readonly faults: FaultQueue
  /** Number of JWTs issued since start or the last reset. */
  readonly issued: number
  /** The JWTs issued since start or the last reset, for tests that check masking; never logged. */
  readonly issuedTokens: readonly string[]
  jwks(): { keys: Record<string, unknown>[] }
  /** Signs a token with this endpoint's key; tests use it to craft expired or odd tokens. */
  sign(claims: Record<string, unknown>): string
  failNext(count: number, fault: Fault): void
  reset(): void
  close(): Promise<void>
}

export function defaultOidcSettings(repository = 'octo-org/gitops-demo'): OidcSettings {
  return {
    repository,
    ref: 'refs/heads/main',
    sha: 'f3c7a0d5e8b1c2d4a6f8e0b2c4d6e8f0a1b3c5d7',
    workflow: 'deploy',
    actor: 'octocat',
    eventName: 'push',
    lifetimeSeconds: 300,
    extraClaims: {},
  }
}

export async function startFakeOidc(initial: Partial<OidcSettings>, received: ReceivedRequest[]): Promise<FakeOidc> {
  const defaults = { ...defaultOidcSettings(initial.repository), ...initial }
  const settings: OidcSettings = { ...defaults }
  const key = generateRsaKey(randomBytes(8).toString('hex'))
  const requestToken = `actions-request-${randomBytes(16).toString('hex')}`
  const idTokenPath = `/_apis/distributedtask/hubs/Actions/plans/${randomUUID()}/jobs/${randomUUID()}/idtoken`
  const faults = new FaultQueue()
  const issuedTokens: string[] = []

  const claimsFor = (audience: string): Record<string, unknown> => {
    const now = Math.floor(Date.now() / 1000)
    const [owner = ''] = settings.repository.split('/')
    const workflowRef = `${settings.repository}/.github/workflows/${settings.workflow}.yml@${settings.ref}`
    return {
      jti: randomUUID(),
      sub: `repo:${settings.repository}:ref:${settings.ref}`,
      aud: audience,
      ref: settings.ref,
      sha: settings.sha,
      repository: settings.repository,
      repository_owner: owner,
      repository_owner_id: '1000001',
      repository_id: '2000002',
      repository_visibility: 'private',
      run_id: '3000003',
      run_number: '7',
      run_attempt: '1',
      actor: settings.actor,
      actor_id: '4000004',
      workflow: settings.workflow,
      workflow_ref: workflowRef,
      workflow_sha: settings.sha,
      job_workflow_ref: workflowRef,
      job_workflow_sha: settings.sha,
      head_ref: '',
      base_ref: '',
      event_name: settings.eventName,
      ref_type: 'branch',
      ref_protected: 'true',
      runner_environment: 'github-hosted',
      iss: GITHUB_ISSUER,
      nbf: now - 5,
      iat: now,
      exp: now + settings.lifetimeSeconds,
      ...settings.extraClaims,
    }
  }

  const log = (req: IncomingMessage, status: number | 'reset', audience?: string): void => {
    received.push({
      service: 'oidc',
      method: req.method ?? '',
      path: pathOf(req),
      status,
      ...(audience !== undefined && { audience }),
    })
  }

  const server = await startLoopbackServer(
    (req, res) => {
      const url = new URL(req.url ?? '/', 'http://stand-in')
      if (req.method === 'GET' && url.pathname === '/.well-known/jwks') {
        sendJson(res, 200, { keys: [toJwk(key)] })
        return
      }
      if (url.pathname !== idTokenPath || req.method !== 'GET') {
        log(req, 404)
        sendJson(res, 404, { message: 'Not Found' })
        return
      }
      if (bearerToken(req) !== requestToken) {
        log(req, 401)
        sendJson(res, 401, { message: 'Bad credentials' })
        return
      }
      if (url.searchParams.get('api-version') !== '2.0') {
        log(req, 400)
        sendJson(res, 400, { message: 'api-version 2.0 is required' })
        return
      }
      // Without an audience GitHub uses the owner's URL.
      const audience =
        url.searchParams.get('audience') ?? `https://github.com/${settings.repository.split('/')[0] ?? ''}`
      const jwt = signJwt(key, claimsFor(audience))
      issuedTokens.push(jwt)
      log(req, 200, audience)
      sendJson(res, 200, { value: jwt })
    },
    faults,
    (req, fault) => log(req, fault),
  )

  return {
    url: `${server.url}${idTokenPath}?api-version=2.0`,
    requestToken,
    issuer: GITHUB_ISSUER,
    jwksUrl: `${server.url}/.well-known/jwks`,
    key,
    settings,
    faults,
    get issued() {
      return issuedTokens.length
    },
    issuedTokens,
    jwks: () => ({ keys: [toJwk(key)] }),
    sign: (claims) => signJwt(key, claims),
    failNext: (count, fault) => faults.failNext(count, fault),
    reset: () => {
      Object.assign(settings, defaults, { extraClaims: {} })
      faults.clear()
      issuedTokens.length = 0
    },
    close: () => server.close(),
  }
}
