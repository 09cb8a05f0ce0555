// Which Google Cloud credentials a run uses: none (anonymous registry access), Workload Identity
// Federation (direct, or impersonating a service account), or Application Default Credentials
// from GOOGLE_APPLICATION_CREDENTIALS. The entry of the phase "Authenticate to Google Cloud".
// Loaded lazily by main: google-auth-library is heavy and only needed when a token is.
import * as core from '@actions/core'
import { maskSecret } from '../secrets.js'
import { applicationDefaultPlan } from './adc.js'
import { GoogleCloudAuthError, explainFailure } from './explain.js'
import { federatedPlan } from './federated.js'
import { checkCredentialInputs } from './preflight.js'
import { googleTransporter } from './transport.js'
import type { AccessTokenKind, CredentialPlan, GcpCredentialOptions, TokenClient } from './types.js'

export interface AccessTokenSource {
  readonly kind: AccessTokenKind
  /** The provider or service account email, for logs. */
  readonly principal: string
  /**
   * A valid token: google-auth-library caches it and fetches a new one (new OIDC token, new
   * exchange) shortly before it expires, so a long push never runs into an expired token.
   */
  getAccessToken(): Promise<string>
  /** Forces a new token on the next `getAccessToken`, e.g. after a 401. */
  invalidate(): void
}

/**
 * The token source the inputs ask for: workload identity federation when a provider is set,
 * Application Default Credentials when GOOGLE_APPLICATION_CREDENTIALS is, else undefined
 * (anonymous registry access). Only checks configuration: the first token is fetched on demand.
 */
export async function createAccessTokenSource(
  options: GcpCredentialOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AccessTokenSource | undefined> {
  checkCredentialInputs(options)
  const transporter = googleTransporter(options.clock === undefined ? {} : { clock: options.clock })
  const provider = options.workloadIdentityProvider
  if (provider !== undefined) {
    return new LibraryTokenSource(
      federatedPlan({ ...options, workloadIdentityProvider: provider }, transporter, options),
    )
  }
  const file = env.GOOGLE_APPLICATION_CREDENTIALS?.trim()
  if (!file) return undefined
  return new LibraryTokenSource(await applicationDefaultPlan(file, transporter))
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

/** Tokens from one library client, replaced by a new client when the registry rejects its token. */
class LibraryTokenSource implements AccessTokenSource {
  readonly kind: AccessTokenKind
  readonly principal: string
  #client: Promise<TokenClient> | undefined
  #pending: Promise<string> | undefined

  constructor(private readonly plan: CredentialPlan) {
    this.kind = plan.kind
    this.principal = plan.principal
  }

  getAccessToken(): Promise<string> {
    // Concurrent callers (parallel blob uploads) share one call into the library: OAuth2Client
    // would run its refresh handler once per caller.
    this.#pending ??= this.#get().finally(() => {
      this.#pending = undefined
    })
    return this.#pending
  }

  async #get(): Promise<string> {
    const client = (this.#client ??= this.plan.newClient())
    try {
      const { token } = await (await client).getAccessToken()
      if (!token) throw new GoogleCloudAuthError(`Google Cloud returned no access token for ${this.principal}.`)
      maskSecret(token)
      return token
    } catch (error) {
      // A failed exchange leaves nothing cached: the next call starts over.
      if (this.#client === client) this.#client = undefined
      throw explainFailure(error, this.plan.context)
    }
  }

  invalidate(): void {
    this.#client = undefined
  }
}
