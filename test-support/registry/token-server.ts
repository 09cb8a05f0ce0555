// The registry token endpoint, behaving like Artifact Registry's `/v2/token`:
// Basic `oauth2accesstoken:<GCP access token>` buys a registry JWT granting what the
// scopes ask for; a bad access token is a 401 in the registry's error format; no
// credentials at all buys a token with no access, so a private repository stays closed.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { signRegistryToken, type IssuerKey, type ResourceAccess } from './signing.js'

export const TOKEN_PATH = '/v2/token'
export const ACCESS_TOKEN_USER = 'oauth2accesstoken'

export interface TokenRequestRecord {
  /** The requested scopes, space-separated, as received. */
  readonly scope: string
  readonly service?: string
  /** `oauth2accesstoken`, another user name that was refused, or '' when anonymous. */
  readonly user: string
  /** Granted scopes, e.g. `repository:team/app:pull,push`. */
  readonly granted: string[]
  readonly status: number
}

export interface TokenServerOptions {
  readonly key: IssuerKey
  readonly issuer: string
  /** The service name the registry expects as audience when the client sends none. */
  readonly service: string
  readonly lifetimeSeconds: number
  readonly validateAccessToken: (token: string) => boolean
  readonly onIssued: (jti: string, token: string) => void
  readonly records: TokenRequestRecord[]
}

interface Credentials {
  readonly user: string
  readonly password: string
}

interface TokenParams {
  readonly scopes: string[]
  readonly service?: string
  readonly credentials?: Credentials
}

export async function handleTokenRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: TokenServerOptions,
): Promise<void> {
  const params = req.method === 'POST' ? await formParams(req) : queryParams(req)
  if (params === undefined) {
    reply(res, 405, { errors: [{ code: 'UNSUPPORTED', message: 'use GET, or POST a form' }] })
    return
  }
  const scope = params.scopes.join(' ')
  const record = (status: number, granted: string[]): void => {
    options.records.push({ scope, service: params.service, user: params.credentials?.user ?? '', granted, status })
  }

  const { credentials } = params
  if (
    credentials !== undefined &&
    (credentials.user !== ACCESS_TOKEN_USER || !options.validateAccessToken(credentials.password))
  ) {
    record(401, [])
    reply(res, 401, {
      errors: [{ code: 'UNAUTHORIZED', message: 'failed authentication: the access token is not valid' }],
    })
    return
  }

  const access = credentials === undefined ? [] : grant(params.scopes)
  const signed = signRegistryToken(options.key, {
    issuer: options.issuer,
    subject: credentials?.user ?? '',
    audience: params.service ?? options.service,
    access,
    lifetimeSeconds: options.lifetimeSeconds,
  })
  options.onIssued(signed.jti, signed.token)
  record(
    200,
    access.map((a) => `${a.type}:${a.name}:${a.actions.join(',')}`),
  )
  reply(res, 200, {
    token: signed.token,
    access_token: signed.token,
    expires_in: options.lifetimeSeconds,
    issued_at: signed.issuedAt.toISOString(),
  })
}

/** Every repository scope gets what it asks for; other resource types (catalog, …) get nothing. */
export function grant(scopes: string[]): ResourceAccess[] {
  const access: ResourceAccess[] = []
  for (const scope of scopes) {
    const parsed = parseScope(scope)
    if (parsed?.type !== 'repository') continue
    const actions = parsed.actions.filter((a) => ['pull', 'push', 'delete', '*'].includes(a))
    if (actions.length > 0) access.push({ ...parsed, actions })
  }
  return access
}

/** `repository:team/app:pull,push` → parts; a name never holds ':' but the actions may be empty. */
export function parseScope(scope: string): ResourceAccess | undefined {
  const first = scope.indexOf(':')
  const last = scope.lastIndexOf(':')
  if (first <= 0 || last === first) return undefined
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(',')
      .filter((a) => a !== ''),
  }
}

function queryParams(req: IncomingMessage): TokenParams {
  const url = new URL(req.url ?? '/', 'http://token')
  return {
    scopes: url.searchParams.getAll('scope').flatMap(splitScopes),
    service: url.searchParams.get('service') ?? undefined,
    credentials: basicCredentials(req.headers.authorization),
  }
}

/** The OAuth2 form the Docker spec also allows (`grant_type=password`). */
async function formParams(req: IncomingMessage): Promise<TokenParams | undefined> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
  if (form.get('grant_type') !== 'password') return undefined
  const user = form.get('username')
  const password = form.get('password')
  return {
    scopes: form.getAll('scope').flatMap(splitScopes),
    service: form.get('service') ?? undefined,
    credentials: user !== null && password !== null ? { user, password } : basicCredentials(req.headers.authorization),
  }
}

function splitScopes(value: string): string[] {
  return value.split(' ').filter((s) => s !== '')
}

function basicCredentials(header: string | undefined): Credentials | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '')
  if (match === null) return undefined
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return { user: decoded, password: '' }
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}
