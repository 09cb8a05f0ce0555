// Workload Identity Federation: the workflow's GitHub OIDC token (src/oidc.ts), exchanged at
// Google STS for a federated access token, and with a service account that one for the
// account's token (impersonate.ts). google-auth-library's OAuth2Client holds the token and
// calls the refresh handler when it comes within REFRESH_MARGIN_MS of expiring.
//
// The exchange is one form POST made here rather than by the library's IdentityPoolClient: that
// client sends its STS request through a gaxios instance of its own, not the `transporter` it is
// given (google-auth-library 11.3), so it would bypass the action's proxy and retry policy.
import { OAuth2Client, type gaxios } from 'google-auth-library'
import { requestIdToken } from '../oidc.js'
import type { Clock } from '../net/retry.js'
import { maskSecret } from '../secrets.js'
import { type ExchangeContext, explainIdTokenFailure } from './explain.js'
import { generateAccessToken, impersonationUrl } from './impersonate.js'
import { defaultAudience, stsAudience } from './provider.js'
import type { CredentialPlan, GoogleCloudSettings, MintedToken, TokenClient } from './types.js'
import { clientOptions } from './transport.js'

const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform'

/** Federation needs a provider; the other Google Cloud settings are optional. */
export type FederationSettings = GoogleCloudSettings & { readonly workloadIdentityProvider: string }

export function federatedPlan(
  settings: FederationSettings,
  transporter: gaxios.Gaxios,
  options: { readonly clock?: Clock } = {},
): CredentialPlan {
  const provider = settings.workloadIdentityProvider
  const serviceAccount = settings.serviceAccount
  const audience = settings.audience ?? defaultAudience(provider)
  const tokenUrl = `${settings.stsEndpoint.replace(/\/+$/, '')}/v1/token`
  const impersonation =
    serviceAccount === undefined ? undefined : impersonationUrl(settings.iamCredentialsEndpoint, serviceAccount)
  const context: ExchangeContext = {
    provider,
    audience,
    tokenUrl,
    ...(serviceAccount !== undefined && { serviceAccount }),
    ...(impersonation !== undefined && { impersonationUrl: impersonation }),
  }

  const subjectToken = async (): Promise<string> => {
    try {
      return await requestIdToken(audience, { ...(options.clock !== undefined && { clock: options.clock }) })
    } catch (error) {
      throw explainIdTokenFailure(error, audience)
    }
  }

  return {
    kind: serviceAccount === undefined ? 'workload-identity-federation' : 'service-account-impersonation',
    principal: serviceAccount ?? provider,
    context,
    newClient: federatedClient(transporter, {
      tokenUrl,
      audience: stsAudience(provider),
      subjectToken,
      ...(impersonation !== undefined && { impersonationUrl: impersonation }),
    }),
  }
}

export interface Federation {
  readonly tokenUrl: string
  /** `//iam.googleapis.com/projects/…/providers/…`. */
  readonly audience: string
  /** The external identity's token (a GitHub OIDC JWT), fetched anew for each exchange. */
  readonly subjectToken: () => Promise<string>
  /** IAM Credentials generateAccessToken URL, to impersonate a service account. */
  readonly impersonationUrl?: string
}

/** Library clients that hold the federated (or impersonated) token and mint a new one when it runs out. */
export function federatedClient(transporter: gaxios.Gaxios, federation: Federation): () => Promise<TokenClient> {
  const mint = async (): Promise<MintedToken> => {
    const federated = await exchangeToken(transporter, {
      tokenUrl: federation.tokenUrl,
      audience: federation.audience,
      subjectToken: await federation.subjectToken(),
      scopes: [CLOUD_PLATFORM],
    })
    if (federation.impersonationUrl === undefined) return federated
    return generateAccessToken(transporter, federation.impersonationUrl, federated.access_token, [CLOUD_PLATFORM])
  }
  return () => {
    const client = new OAuth2Client(clientOptions(transporter))
    client.refreshHandler = mint
    return Promise.resolve(client)
  }
}

interface TokenExchange {
  readonly tokenUrl: string
  readonly audience: string
  readonly subjectToken: string
  readonly scopes: readonly string[]
}

/** RFC 8693 token exchange at Google STS: the GitHub OIDC JWT for a federated access token. */
export async function exchangeToken(transporter: gaxios.Gaxios, exchange: TokenExchange): Promise<MintedToken> {
  const response = await transporter.request<{ access_token?: unknown; expires_in?: unknown }>({
    url: exchange.tokenUrl,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    data: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      audience: exchange.audience,
      scope: exchange.scopes.join(' '),
      requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      subject_token: exchange.subjectToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    }),
    responseType: 'json',
  })
  const { access_token: token, expires_in: expiresIn } = response.data
  if (typeof token !== 'string' || token === '') {
    throw new Error(`Google STS answered without an access token (${exchange.tokenUrl})`)
  }
  maskSecret(token)
  // Without expires_in, an hour: what STS issues for workload identity federation.
  const lifetimeSeconds = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 3600
  return { access_token: token, expiry_date: Date.now() + lifetimeSeconds * 1000 }
}
