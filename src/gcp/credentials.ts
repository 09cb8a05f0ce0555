// Google Cloud access tokens for the registry: GitHub OIDC → STS (→ IAM Credentials) through
// google-auth-library's external-account client, or Application Default Credentials.
// Loaded lazily by main: google-auth-library is heavy and only needed when a token is.
import * as core from '@actions/core'
import { readFile } from 'node:fs/promises'
import { GoogleAuth, IdentityPoolClient, gaxios } from 'google-auth-library'
import { InputError, errorMessage } from '../errors.js'
import {
  PROVIDER_INPUT,
  SERVICE_ACCOUNT_INPUT,
  defaultAudience,
  parseWorkloadIdentityProvider,
  providerParts,
  stsAudience,
  validateServiceAccountEmail,
} from './provider.js'

export type AccessTokenKind = 'workload-identity-federation' | 'service-account-impersonation' | 'application-default'

export interface AccessTokenSource {
  readonly kind: AccessTokenKind
  /** The provider or service account email, for logs. */
  readonly principal: string
  /**
   * A valid token, cached; refreshed (new OIDC token, new STS exchange) shortly before it
   * expires, so a long push never runs into an expired token.
   */
  getAccessToken(): Promise<string>
  /** Forces a refresh on the next `getAccessToken`, e.g. after a 401. */
  invalidate(): void
}

export interface RetryPolicy {
  /** Tries of the whole exchange, the first included. google-auth-library retries each request on its own too. */
  readonly attempts: number
  readonly initialDelayMs: number
  readonly maxDelayMs: number
}

export interface GcpCredentialOptions {
  workloadIdentityProvider?: string
  serviceAccount?: string
  audience?: string
  /** Base URL; `/v1/token` is appended. */
  stsEndpoint: string
  /** Base URL; `/v1/projects/-/serviceAccounts/EMAIL:generateAccessToken` is appended. */
  iamCredentialsEndpoint: string
  retry?: Partial<RetryPolicy>
  /** Clock for refresh decisions (tests move it forward). */
  now?: () => number
}

/** Authentication failed; the message says what to fix and never holds a token. */
export class GoogleCloudAuthError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GoogleCloudAuthError'
  }
}

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform'
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt'
const DEFAULT_RETRY: RetryPolicy = { attempts: 3, initialDelayMs: 1000, maxDelayMs: 10_000 }
// Refresh this long before expiry at most; short-lived tokens refresh at half their life.
const MAX_REFRESH_MARGIN_MS = 5 * 60 * 1000
const TRANSIENT_STATUS = (status: number): boolean => status === 408 || status === 429 || status >= 500
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'TimeoutError',
])

/**
 * The token source the inputs ask for: workload identity federation when a provider is set,
 * Application Default Credentials when GOOGLE_APPLICATION_CREDENTIALS is, else undefined
 * (anonymous registry access). Only checks configuration: the first token is fetched on demand.
 */
export async function createAccessTokenSource(options: GcpCredentialOptions): Promise<AccessTokenSource | undefined> {
  const secrets = new SecretRegister()
  const retry = { ...DEFAULT_RETRY, ...options.retry }
  const now = options.now ?? Date.now

  if (options.workloadIdentityProvider?.trim()) {
    const source = federatedSource(options, secrets)
    return new RefreshingTokenSource(source.kind, source.principal, () => withRetries(source.mint, retry), secrets, now)
  }
  if (options.serviceAccount?.trim()) {
    throw new InputError(
      SERVICE_ACCOUNT_INPUT,
      `impersonation starts from a federated identity: set ${PROVIDER_INPUT} too, or drop ${SERVICE_ACCOUNT_INPUT} when GOOGLE_APPLICATION_CREDENTIALS already names the account.`,
    )
  }
  if (options.audience?.trim()) {
    throw new InputError('audience', `applies only with ${PROVIDER_INPUT}; set that input or drop audience.`)
  }
  const file = process.env.GOOGLE_APPLICATION_CREDENTIALS?.trim()
  if (!file) return undefined
  const source = await applicationDefaultSource(file, secrets)
  return new RefreshingTokenSource(source.kind, source.principal, () => withRetries(source.mint, retry), secrets, now)
}

/**
 * createAccessTokenSource, then the first token right away: an authentication problem shows up
 * in this phase of the log, not half-way through a push.
 */
export async function authenticate(options: GcpCredentialOptions): Promise<AccessTokenSource | undefined> {
  const source = await createAccessTokenSource(options)
  if (source === undefined) {
    core.info(
      'No workload-identity-provider and no GOOGLE_APPLICATION_CREDENTIALS: the registry is accessed anonymously.',
    )
    return undefined
  }
  await source.getAccessToken()
  core.info(`Authenticated to Google Cloud: ${source.kind} as ${source.principal}`)
  return source
}

interface MintedToken {
  readonly token: string
  /** Epoch milliseconds (wall clock), when known. */
  readonly expiresAt?: number
}

interface TokenMinter {
  readonly kind: AccessTokenKind
  readonly principal: string
  readonly mint: () => Promise<MintedToken>
}

/** Endpoints and names an error message can point at. */
interface ExchangeContext {
  readonly provider?: string
  readonly serviceAccount?: string
  readonly audience?: string
  readonly tokenUrl: string
  readonly impersonationUrl?: string
}

function federatedSource(options: GcpCredentialOptions, secrets: SecretRegister): TokenMinter {
  const provider = parseWorkloadIdentityProvider(options.workloadIdentityProvider ?? '')
  const serviceAccount = options.serviceAccount?.trim()
    ? validateServiceAccountEmail(options.serviceAccount)
    : undefined
  const audience = options.audience?.trim() || defaultAudience(provider)
  requireOidcEnvironment()
  // The runner masks it too; an extra mask costs nothing if a log ever echoes a request.
  secrets.add(process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN)

  const tokenUrl = joinUrl(options.stsEndpoint, '/v1/token')
  const impersonationUrl = serviceAccount
    ? joinUrl(options.iamCredentialsEndpoint, `/v1/projects/-/serviceAccounts/${serviceAccount}:generateAccessToken`)
    : undefined
  const context: ExchangeContext = {
    provider,
    audience,
    tokenUrl,
    ...(serviceAccount && { serviceAccount }),
    ...(impersonationUrl && { impersonationUrl }),
  }

  const mint = async (): Promise<MintedToken> => {
    // A new client per refresh: the library caches tokens with its own 5-minute margin,
    // which would refresh a short-lived direct federated token on every call.
    const client = new IdentityPoolClient({
      audience: stsAudience(provider),
      subject_token_type: JWT_TOKEN_TYPE,
      token_url: tokenUrl,
      ...(impersonationUrl && { service_account_impersonation_url: impersonationUrl }),
      scopes: [CLOUD_PLATFORM],
      subject_token_supplier: { getSubjectToken: () => githubOidcToken(audience, secrets) },
      transporter: maskingTransporter(secrets),
      // Skips the library's debug-logging interceptors, which print token responses.
      useAuthRequestParameters: false,
    })
    try {
      const { token } = await client.getAccessToken()
      if (!token)
        throw new GoogleCloudAuthError(`Google Cloud returned no access token for ${serviceAccount ?? provider}.`)
      secrets.add(token)
      return {
        token,
        ...(typeof client.credentials.expiry_date === 'number' && { expiresAt: client.credentials.expiry_date }),
      }
    } catch (error) {
      throw explain(error, context, secrets)
    }
  }
  return {
    kind: serviceAccount ? 'service-account-impersonation' : 'workload-identity-federation',
    principal: serviceAccount ?? provider,
    mint,
  }
}

function requireOidcEnvironment(): void {
  if (process.env.ACTIONS_ID_TOKEN_REQUEST_URL && process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) return
  throw new GoogleCloudAuthError(
    `${PROVIDER_INPUT} is set, but this job cannot request a GitHub OIDC token ` +
      '(ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set). ' +
      'Give the workflow or job `permissions: id-token: write` (plus `contents: read`: listing permissions drops the defaults). ' +
      'Pull requests from forks and Dependabot runs get no OIDC token at all; deploy from push or workflow_dispatch events instead.',
  )
}

/** Thrown by the subject token supplier; passes through google-auth-library unchanged. */
class OidcTokenError extends GoogleCloudAuthError {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message)
  }
}

async function githubOidcToken(audience: string, secrets: SecretRegister): Promise<string> {
  let token: string
  try {
    token = await core.getIDToken(audience)
  } catch (error) {
    const message = errorMessage(error).replace(/\s+/g, ' ').trim()
    const status = /Error Code\s*:\s*(\d{3})/.exec(message)?.[1]
    const transient = status === undefined || TRANSIENT_STATUS(Number(status))
    throw new OidcTokenError(
      `Could not get a GitHub OIDC token for audience "${audience}": ${secrets.scrub(message)}`,
      transient,
    )
  }
  secrets.add(token)
  return token
}

async function applicationDefaultSource(file: string, secrets: SecretRegister): Promise<TokenMinter> {
  let json: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'))
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('it is not a JSON object')
    json = parsed as Record<string, unknown>
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be used: ${errorMessage(error)}`
    throw new GoogleCloudAuthError(
      `GOOGLE_APPLICATION_CREDENTIALS points at ${file}, which ${reason}. ` +
        `Run the step that writes it (e.g. google-github-actions/auth) first, or set ${PROVIDER_INPUT} instead.`,
    )
  }

  const impersonationUrl = stringField(json, 'service_account_impersonation_url')
  const serviceAccount = impersonationUrl
    ? /serviceAccounts\/([^/:]+):generateAccessToken/.exec(impersonationUrl)?.[1]
    : undefined
  const audience = stringField(json, 'audience')
  const provider = audience?.replace(/^\/\/iam\.googleapis\.com\//, '')
  const principal =
    serviceAccount ?? stringField(json, 'client_email') ?? provider ?? stringField(json, 'type') ?? 'unknown'
  const context: ExchangeContext = {
    tokenUrl: stringField(json, 'token_url') ?? 'https://sts.googleapis.com/v1/token',
    ...(provider && { provider }),
    ...(serviceAccount && { serviceAccount }),
    ...(impersonationUrl && { impersonationUrl }),
  }

  const mint = async (): Promise<MintedToken> => {
    // Plain ADC (the library reads GOOGLE_APPLICATION_CREDENTIALS itself): the `credentials`
    // and `keyFilename` options print deprecation warnings into the job log. A project ID is
    // given because GoogleAuth otherwise looks one up before handing out any client (Cloud
    // Resource Manager, `gcloud`, the metadata server); nothing here uses it.
    const auth = new GoogleAuth({
      projectId: stringField(json, 'project_id') ?? 'unused',
      scopes: [CLOUD_PLATFORM],
      clientOptions: { transporter: maskingTransporter(secrets), useAuthRequestParameters: false },
    })
    try {
      const client = await auth.getClient()
      const { token } = await client.getAccessToken()
      if (!token)
        throw new GoogleCloudAuthError(`Application Default Credentials from ${file} returned no access token.`)
      secrets.add(token)
      const expiry = client.credentials.expiry_date
      return { token, ...(typeof expiry === 'number' && { expiresAt: expiry }) }
    } catch (error) {
      throw explain(error, context, secrets, `Application Default Credentials (${file})`)
    }
  }
  return { kind: 'application-default', principal, mint }
}

function stringField(json: Record<string, unknown>, name: string): string | undefined {
  const value = json[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** Tokens seen so far: each masked once, and cut out of any message we build. */
class SecretRegister {
  readonly #values = new Set<string>()

  add(value: string | undefined | null): void {
    // Masking short strings would garble unrelated log text.
    if (!value || value.length < 8 || this.#values.has(value)) return
    this.#values.add(value)
    core.setSecret(value)
  }

  scrub(text: string): string {
    let result = text
    for (const value of this.#values) result = result.split(value).join('***')
    return result
  }
}

/**
 * A transporter that masks tokens as they pass: bearer tokens going out (the federated token
 * on its way to IAM Credentials) and token fields coming back (an OIDC JWT fetched from an
 * ADC file's credential_source.url, impersonated access tokens).
 */
function maskingTransporter(secrets: SecretRegister): gaxios.Gaxios {
  const transporter = new gaxios.Gaxios()
  transporter.interceptors.request.add({
    resolved: (config) => {
      const match = /^Bearer\s+(\S+)$/i.exec(config.headers.get('authorization') ?? '')
      if (match) secrets.add(match[1])
      return Promise.resolve(config)
    },
  })
  transporter.interceptors.response.add({
    resolved: (response) => {
      const data: unknown = response.data
      if (data && typeof data === 'object') {
        for (const field of ['access_token', 'accessToken', 'id_token', 'value', 'token']) {
          const value = (data as Record<string, unknown>)[field]
          if (typeof value === 'string') secrets.add(value)
        }
      }
      return Promise.resolve(response)
    },
  })
  return transporter
}

interface HttpFailure {
  readonly status?: number
  readonly data?: unknown
  readonly url: string
  readonly code?: string
}

/** Reads what a gaxios error (or the OAuth error google-auth-library makes of it) carries. */
function httpFailure(error: unknown): HttpFailure | undefined {
  if (!error || typeof error !== 'object') return undefined
  const e = error as {
    response?: { status?: number; data?: unknown; config?: { url?: unknown } }
    config?: { url?: unknown }
    code?: unknown
  }
  const raw = e.config?.url ?? e.response?.config?.url
  const url = typeof raw === 'string' ? raw : raw instanceof URL ? raw.href : undefined
  if (url === undefined) return undefined
  const code = typeof e.code === 'string' ? e.code : causeCode(error)
  return {
    url,
    ...(typeof e.response?.status === 'number' && { status: e.response.status }),
    ...(e.response && { data: e.response.data }),
    ...(code !== undefined && { code }),
  }
}

function causeCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown; error?: unknown }).cause ?? (current as { error?: unknown }).error
  }
  return undefined
}

/** Whether another try of the whole exchange may succeed. */
function isTransient(error: unknown): boolean {
  if (error instanceof OidcTokenError) return error.transient
  const cause = error instanceof ExplainedError ? error.failure : httpFailure(error)
  if (!cause) return false
  if (cause.status !== undefined) return TRANSIENT_STATUS(cause.status)
  return cause.code === undefined || TRANSIENT_CODES.has(cause.code)
}

/** A wrapped failure that remembers the HTTP outcome, for the retry decision. */
class ExplainedError extends GoogleCloudAuthError {
  constructor(
    message: string,
    readonly failure: HttpFailure | undefined,
  ) {
    super(message)
  }
}

/** Turns a failed exchange into a message that says what to fix. */
function explain(
  error: unknown,
  context: ExchangeContext,
  secrets: SecretRegister,
  what = 'Google Cloud authentication',
): Error {
  if (error instanceof GoogleCloudAuthError) return error
  const failure = httpFailure(error)
  const message = (text: string): ExplainedError => new ExplainedError(secrets.scrub(text), failure)
  if (!failure) return message(`${what} failed: ${errorMessage(error)}`)

  const endpoint = sameUrl(failure.url.split('?')[0] ?? failure.url)
  const unreachable = failure.status === undefined
  const transport = unreachable
    ? `could not reach ${endpoint}${failure.code ? ` (${failure.code})` : ''}, even after retries`
    : `${endpoint} answered HTTP ${failure.status}${TRANSIENT_STATUS(failure.status ?? 0) ? ', even after retries' : ''}`

  if (endpoint === sameUrl(context.impersonationUrl) || endpoint.endsWith(':generateAccessToken')) {
    return message(impersonationMessage(failure, context, transport))
  }
  if (endpoint === sameUrl(context.tokenUrl)) {
    return message(stsMessage(failure, context, transport))
  }
  return message(`${what} failed: ${transport}: ${googleErrorText(failure.data) ?? errorMessage(error)}`)
}

function stsMessage(failure: HttpFailure, context: ExchangeContext, transport: string): string {
  const provider = context.provider ?? 'the workload identity provider'
  const data = (failure.data ?? {}) as { error?: unknown; error_description?: unknown }
  if (typeof data.error !== 'string') {
    return `Google STS could not exchange the GitHub OIDC token for ${provider}: ${transport}${suffix(googleErrorText(failure.data))}.`
  }
  const google = `${data.error}${typeof data.error_description === 'string' ? `: ${data.error_description}` : ''}`
  let hint: string
  if (data.error === 'invalid_target') {
    hint = `The provider does not exist or is disabled; check ${PROVIDER_INPUT} (gcloud iam workload-identity-pools providers describe …).`
  } else if (/audience/i.test(google)) {
    const expected = context.provider ? defaultAudience(context.provider) : 'https://iam.googleapis.com/PROVIDER'
    hint =
      `The OIDC token was requested for audience "${context.audience ?? '(from the credentials file)'}"; the provider must list it in its allowed audiences ` +
      `(with none listed it accepts only ${expected}). Fix the audience input or the provider's allowed audiences.`
  } else if (/attribute condition/i.test(google)) {
    const run = [
      process.env.GITHUB_REPOSITORY && `repository ${process.env.GITHUB_REPOSITORY}`,
      process.env.GITHUB_REF && `ref ${process.env.GITHUB_REF}`,
    ]
      .filter(Boolean)
      .join(', ')
    hint = `The provider's attribute condition does not admit this run${run ? ` (${run})` : ''}; compare it with the token's claims (e.g. assertion.repository).`
  } else {
    hint =
      "Check the provider's issuer (https://token.actions.githubusercontent.com), allowed audiences and attribute condition."
  }
  return `Google STS rejected the GitHub OIDC token for ${provider} (HTTP ${failure.status ?? '?'}, ${google}). ${hint}`
}

function impersonationMessage(failure: HttpFailure, context: ExchangeContext, transport: string): string {
  const account = context.serviceAccount ?? 'the service account'
  const google = googleErrorText(failure.data)
  if (failure.status === 403) {
    const member = context.provider ? memberHint(context.provider) : 'the workload identity principal'
    return (
      `IAM Credentials refused to mint a token for ${account} (HTTP 403${suffix(google)}). ` +
      `Grant ${member} roles/iam.workloadIdentityUser on the service account ` +
      `(gcloud iam service-accounts add-iam-policy-binding ${account} --role=roles/iam.workloadIdentityUser --member='${member}'), ` +
      'or roles/iam.serviceAccountTokenCreator; also check the account exists and the IAM Credentials API is enabled. ' +
      'IAM changes can take up to 5 minutes to apply.'
    )
  }
  if (failure.status === 404) {
    return `IAM Credentials does not know the service account ${account} (HTTP 404${suffix(google)}); check the ${SERVICE_ACCOUNT_INPUT} input.`
  }
  if (failure.status === 401) {
    return `IAM Credentials did not accept the federated token from STS (HTTP 401${suffix(google)}); check that ${context.tokenUrl} and ${context.impersonationUrl ?? 'the IAM Credentials endpoint'} belong to the same Google Cloud.`
  }
  return `Could not impersonate ${account}: ${transport}${suffix(google)}.`
}

/** The member a typical GitHub setup binds: every run of this repository in the pool. */
function memberHint(provider: string): string {
  const { projectNumber, pool } = providerParts(provider)
  const poolName = `//iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${pool}`
  const repository = process.env.GITHUB_REPOSITORY
  return repository
    ? `principalSet:${poolName}/attribute.repository/${repository}`
    : `principalSet:${poolName}/attribute.repository/OWNER/REPO`
}

function googleErrorText(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return typeof data === 'string' && data.length < 300 ? data : undefined
  const error = (data as { error?: unknown }).error
  if (error && typeof error === 'object') {
    const { status, message } = error as { status?: unknown; message?: unknown }
    return [status, message].filter((part) => typeof part === 'string').join(': ') || undefined
  }
  const description = (data as { error_description?: unknown }).error_description
  if (typeof error === 'string') return typeof description === 'string' ? `${error}: ${description}` : error
  return undefined
}

function suffix(text: string | undefined): string {
  return text ? `, ${text}` : ''
}

async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt()
    } catch (error) {
      if (tried >= policy.attempts || !isTransient(error)) throw error
      const delay = Math.min(policy.maxDelayMs, policy.initialDelayMs * 4 ** (tried - 1))
      core.info(
        `Google Cloud authentication failed for a transient reason; trying again in ${Math.round(delay / 100) / 10}s (${errorMessage(error)})`,
      )
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}

class RefreshingTokenSource implements AccessTokenSource {
  #current: { token: string; refreshAt?: number } | undefined
  #pending: Promise<string> | undefined

  constructor(
    readonly kind: AccessTokenKind,
    readonly principal: string,
    private readonly mint: () => Promise<MintedToken>,
    private readonly secrets: SecretRegister,
    private readonly now: () => number,
  ) {}

  async getAccessToken(): Promise<string> {
    const current = this.#current
    if (current && (current.refreshAt === undefined || this.now() < current.refreshAt)) return current.token
    // Concurrent callers (parallel blob uploads) share one refresh.
    this.#pending ??= this.#refresh().finally(() => {
      this.#pending = undefined
    })
    return this.#pending
  }

  invalidate(): void {
    this.#current = undefined
  }

  async #refresh(): Promise<string> {
    const minted = await this.mint()
    this.secrets.add(minted.token)
    let refreshAt: number | undefined
    if (minted.expiresAt !== undefined) {
      const remaining = Math.max(0, minted.expiresAt - Date.now())
      refreshAt = this.now() + remaining - Math.min(MAX_REFRESH_MARGIN_MS, remaining / 2)
    }
    this.#current = { token: minted.token, ...(refreshAt !== undefined && { refreshAt }) }
    core.debug(`Google Cloud access token for ${this.principal} (${this.kind}) obtained`)
    return minted.token
  }
}

/** A URL in the form gaxios reports it (default port dropped, host lowercased). */
function sameUrl(url: string | undefined): string {
  if (url === undefined) return ''
  try {
    return new URL(url).href
  } catch {
    return url
  }
}

function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path
}
