// Service account impersonation: the federated token buys the service account's access token
// at IAM Credentials `generateAccessToken`. One request through the Google transport (proxied,
// retried); caching is the OAuth2Client's in federated.ts.
import type { gaxios } from 'google-auth-library'
import type { MintedToken } from './types.js'

/** The service account token's lifetime; IAM Credentials' default and maximum without an org policy. */
export const IMPERSONATION_LIFETIME_SECONDS = 3600

/**
 * `ENDPOINT/v1/projects/-/serviceAccounts/ACCOUNT:generateAccessToken`. The account was checked by
 * validateServiceAccountEmail: it holds no character that would change the path.
 */
export function impersonationUrl(iamCredentialsEndpoint: string, serviceAccount: string): string {
  return `${iamCredentialsEndpoint.replace(/\/+$/, '')}/v1/projects/-/serviceAccounts/${serviceAccount}:generateAccessToken`
}

/** The account an impersonation URL names (as credential files written by other tools carry it). */
export function serviceAccountOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  return /\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(url)?.[1]
}

/** Exchanges `federatedToken` for a token of the service account `url` names. */
export async function generateAccessToken(
  transporter: gaxios.Gaxios,
  url: string,
  federatedToken: string,
  scopes: readonly string[],
): Promise<MintedToken> {
  const response = await transporter.request<{ accessToken?: unknown; expireTime?: unknown }>({
    url,
    method: 'POST',
    headers: { authorization: `Bearer ${federatedToken}`, 'content-type': 'application/json' },
    data: { scope: scopes, lifetime: `${IMPERSONATION_LIFETIME_SECONDS}s` },
    responseType: 'json',
  })
  const { accessToken, expireTime } = response.data
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new Error(`IAM Credentials answered without an access token (${url})`)
  }
  const expiry = typeof expireTime === 'string' ? Date.parse(expireTime) : NaN
  return { access_token: accessToken, expiry_date: Number.isNaN(expiry) ? Date.now() + 3_600_000 : expiry }
}
