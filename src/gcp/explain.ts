// Turns a failed token exchange (GitHub OIDC, STS, IAM Credentials) into one message that says
// what to fix. Pure: it reads what gaxios / google-auth-library errors carry and the names of
// the exchange, and never holds a token (every message goes through scrubSecrets).
import { CrossOriginRedirect } from '../net/same-origin.js'
import { InputError, errorMessage } from '../errors.js'
import { IdTokenError, canRequestIdToken, missingIdTokenError } from '../oidc.js'
import { isTransientStatus, networkErrorCode, statusOf } from '../net/retry.js'
import { scrubSecrets } from '../secrets.js'
import { PROVIDER_INPUT, SERVICE_ACCOUNT_INPUT, defaultAudience, providerParts } from './provider.js'

/** Authentication failed; the message says what to fix and never holds a token. */
export class GoogleCloudAuthError extends Error {
  constructor(message: string) {
    super(scrubSecrets(message))
    this.name = 'GoogleCloudAuthError'
  }
}

/** Endpoints and names a message can point at. */
export interface ExchangeContext {
  readonly provider?: string
  readonly serviceAccount?: string
  /** Audience of the GitHub OIDC token, when the action requests it. */
  readonly audience?: string
  readonly tokenUrl: string
  readonly impersonationUrl?: string
  /** What failed, for failures of no known endpoint. */
  readonly what?: string
}

interface HttpFailure {
  readonly status?: number
  readonly data?: unknown
  readonly url: string
  readonly code?: string
}

function causeOf<T>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  for (let current = error, depth = 0; current instanceof Object && depth < 5; depth++) {
    if (current instanceof type) return current
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** Turns a failed exchange into a GoogleCloudAuthError that says what to fix. */
export function explainFailure(error: unknown, context: ExchangeContext): Error {
  if (error instanceof GoogleCloudAuthError || error instanceof InputError) return error
  const what = context.what ?? 'Google Cloud authentication'
  // gaxios wraps what fetch threw: a refused redirect is the whole story, not "could not reach".
  const redirect = causeOf(error, CrossOriginRedirect)
  if (redirect !== undefined) return new GoogleCloudAuthError(`${what} failed: ${redirect.message}`)
  const failure = httpFailure(error)
  if (!failure) return new GoogleCloudAuthError(`${what} failed: ${errorMessage(error)}`)

  const endpoint = sameUrl(failure.url.split('?')[0] ?? failure.url)
  const transport =
    failure.status === undefined
      ? `could not reach ${endpoint}${failure.code ? ` (${failure.code})` : ''}, even after retries`
      : `${endpoint} answered HTTP ${failure.status}${isTransientStatus(failure.status) ? ', even after retries' : ''}`

  if (endpoint === sameUrl(context.impersonationUrl) || endpoint.endsWith(':generateAccessToken')) {
    return new GoogleCloudAuthError(impersonationMessage(failure, context, transport))
  }
  if (endpoint === sameUrl(context.tokenUrl)) return new GoogleCloudAuthError(stsMessage(failure, context, transport))
  return new GoogleCloudAuthError(
    `${what} failed: ${transport}: ${googleErrorText(failure.data) ?? errorMessage(error)}`,
  )
}

/** The GitHub OIDC token could not be had (requestIdToken failed, after its retries). */
export function explainIdTokenFailure(error: unknown, audience: string, env = process.env): Error {
  if (!canRequestIdToken(env)) return missingIdTokenError(PROVIDER_INPUT)
  const status = error instanceof IdTokenError ? error.status : statusOf(error)
  const code = networkErrorCode(error)
  const reason =
    status === undefined
      ? code === undefined
        ? errorMessage(error)
        : `could not reach the GitHub OIDC endpoint (${code}), even after retries`
      : `${errorMessage(error)}${isTransientStatus(status) ? ', even after retries' : ''}`
  const hint =
    status === 401 || status === 403
      ? ' The runner refused the request token: the job needs `permissions: id-token: write`.'
      : ''
  return new GoogleCloudAuthError(`Could not get a GitHub OIDC token for audience "${audience}": ${reason}.${hint}`)
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
export function memberHint(provider: string, repository = process.env.GITHUB_REPOSITORY): string {
  const { projectNumber, pool } = providerParts(provider)
  const poolName = `//iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${pool}`
  return `principalSet:${poolName}/attribute.repository/${repository || 'OWNER/REPO'}`
}

/** Reads what a gaxios error (or the OAuth error google-auth-library makes of it) carries. */
function httpFailure(error: unknown): HttpFailure | undefined {
  if (!error || typeof error !== 'object') return undefined
  const e = error as {
    response?: { status?: number; data?: unknown; config?: { url?: unknown } }
    config?: { url?: unknown }
  }
  const raw = e.config?.url ?? e.response?.config?.url
  const url = typeof raw === 'string' ? raw : raw instanceof URL ? raw.href : undefined
  if (url === undefined) return undefined
  const code = networkErrorCode(error) ?? causeCode(error)
  return {
    url,
    ...(typeof e.response?.status === 'number' && { status: e.response.status }),
    ...(e.response && { data: e.response.data }),
    ...(code !== undefined && { code }),
  }
}

/** Any error code along the cause chain (ENOTFOUND, a certificate error, …). */
function causeCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string') return code
    current = (current as { cause?: unknown; error?: unknown }).cause ?? (current as { error?: unknown }).error
  }
  return undefined
}

/** The text of Google's error body: google.rpc.Status (`error.status: message`) or OAuth (`error: description`). */
export function googleErrorText(data: unknown): string | undefined {
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

/** A URL in the form gaxios reports it (default port dropped, host lowercased). */
function sameUrl(url: string | undefined): string {
  if (url === undefined) return ''
  try {
    return new URL(url).href
  } catch {
    return url
  }
}
