// The shapes the Google Cloud credential modules share, in a module that imports none of them, so
// that source.ts (which picks a plan) and adc/federated/impersonate (which make one) form no cycle.
import type { Clock } from '../net/retry.js'
import type { ExchangeContext } from './explain.js'

/** The Google Cloud inputs, validated by settings.ts (provider, service account email, URLs). */
export interface GoogleCloudSettings {
  readonly workloadIdentityProvider?: string
  readonly serviceAccount?: string
  readonly audience?: string
  /** Base URL; `/v1/token` is appended. */
  readonly stsEndpoint: string
  /** Base URL; `/v1/projects/-/serviceAccounts/EMAIL:generateAccessToken` is appended. */
  readonly iamCredentialsEndpoint: string
}

/** The settings and, in tests, a clock so that retries do not sleep. */
export interface GcpCredentialOptions extends GoogleCloudSettings {
  readonly clock?: Clock
}

export type AccessTokenKind = 'workload-identity-federation' | 'service-account-impersonation' | 'application-default'

/** What a library client offers; each of google-auth-library's clients has it. */
export interface TokenClient {
  getAccessToken(): Promise<{ token?: string | null }>
}

/** A way to get tokens, worked out from the configuration without any request. */
export interface CredentialPlan {
  readonly kind: AccessTokenKind
  readonly principal: string
  readonly context: ExchangeContext
  /** A new library client; the tokens it caches live as long as it does. */
  newClient(): Promise<TokenClient>
}

/** What OAuth2Client's refresh handler returns: the token and its expiry (epoch ms). */
export interface MintedToken {
  readonly access_token: string
  readonly expiry_date: number
}
