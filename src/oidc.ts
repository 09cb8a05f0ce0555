// The workflow's GitHub OIDC token, requested the way @actions/core's getIDToken does
// (GET ACTIONS_ID_TOKEN_REQUEST_URL&audience=…, bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN,
// answer {"value": JWT}), but through the action's own transport, so the proxy decision and
// the retries are the same as for every other request.
import { InputError } from './errors.js'
import { GOOGLE_TOKEN } from './net/budget.js'
import { type Clock, type RetryPolicy, retry } from './net/retry.js'
import { maskSecret } from './secrets.js'

type Env = Readonly<Record<string, string | undefined>>

/** Whether the runner gave this job what it needs to request an OIDC token. */
export function canRequestIdToken(env: Env = process.env): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN)
}

/** Why there is no OIDC token, and what to change; `input` names the input that needs one. */
export function missingIdTokenError(input: string): InputError {
  return new InputError(
    input,
    'needs a GitHub OIDC token, but this job cannot request one (ACTIONS_ID_TOKEN_REQUEST_URL / ' +
      'ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set). Give the workflow or job `permissions: id-token: write` ' +
      '(plus `contents: read`: listing permissions drops the defaults). Pull requests from forks and Dependabot ' +
      'runs get no OIDC token at all; deploy from push or workflow_dispatch events instead.',
  )
}

export class IdTokenError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message)
    this.name = 'IdTokenError'
  }
}

export interface IdTokenOptions {
  readonly env?: Env
  readonly policy?: RetryPolicy
  readonly clock?: Clock
}

/** Requests a GitHub OIDC token for `audience`, masks it and returns it. */
export async function requestIdToken(audience: string, options: IdTokenOptions = {}): Promise<string> {
  const env = options.env ?? process.env
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  if (!requestUrl || !requestToken) throw new IdTokenError('ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN are not set')
  maskSecret(requestToken)
  const url = new URL(requestUrl)
  url.searchParams.set('audience', audience)
  // Loaded here, not at the top: readSettings uses the checks above, and a run that fails on
  // its inputs should not load the HTTP stack (undici) first.
  const { proxiedFetch } = await import('./net/proxy.js')

  return retry(
    async () => {
      const { fetchSameOrigin } = await import('./net/same-origin.js')
      const response = await fetchSameOrigin(proxiedFetch, url, {
        headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(30_000),
      })
      const text = await response.text()
      if (!response.ok) {
        throw new IdTokenError(`the GitHub OIDC endpoint answered HTTP ${response.status}`, response.status)
      }
      let value: unknown
      try {
        value = (JSON.parse(text) as { value?: unknown }).value
      } catch {
        value = undefined
      }
      if (typeof value !== 'string' || value === '') {
        throw new IdTokenError('the GitHub OIDC endpoint answered without a token ("value")')
      }
      maskSecret(value)
      return value
    },
    { policy: options.policy ?? GOOGLE_TOKEN, ...(options.clock !== undefined && { clock: options.clock }) },
  )
}
