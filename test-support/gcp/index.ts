// Google Cloud auth stand-ins in one call: the GitHub Actions OIDC endpoint, STS and IAM
// Credentials on loopback ports, sharing one key (OIDC signs, STS verifies) and one token book.
import type { FakeIam, IamSettings } from './iam.js'
import { startFakeIam } from './iam.js'
import { startFakeOidc, type FakeOidc, type OidcSettings } from './oidc.js'
import type { ReceivedRequest } from './received.js'
import { poolOf, startFakeSts, type FakeSts, type OidcClaims } from './sts.js'
import { TokenBook } from './token-book.js'

export type { Fault } from './http.js'
export type { ReceivedRequest } from './received.js'
export type { OidcClaims } from './sts.js'
export { CLOUD_PLATFORM_SCOPE } from './sts.js'
export { decodeJwt } from './jwt.js'

export interface GoogleCloudFakesOptions {
  readonly projectNumber?: string
  readonly poolId?: string
  readonly providerId?: string
  /** Repository the OIDC tokens are issued for (claims `repository`, `sub`, …). */
  readonly repository?: string
  readonly oidc?: Partial<OidcSettings>
  /** Allowed audiences of the provider; default `https://iam.googleapis.com/<provider>`. */
  readonly allowedAudiences?: string[]
  /** The provider's attribute condition, e.g. `(c) => c.repository === 'octo-org/gitops-demo'`. */
  readonly attributeCondition?: (claims: OidcClaims) => boolean
  /** `expires_in` of federated tokens; default 3600. */
  readonly federatedTokenLifetimeSeconds?: number
  /** Caps service account token lifetimes; default: what the caller asks, at most 3600. */
  readonly accessTokenLifetimeSeconds?: number
  /** Service account email → members allowed to impersonate it. Default: `serviceAccount` bound to the repository. */
  readonly bindings?: Record<string, string[]>
}

export interface GoogleCloudFakes {
  /** `projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER`. */
  readonly provider: string
  readonly projectNumber: string
  /** A service account the repository may impersonate under the default bindings. */
  readonly serviceAccount: string
  readonly repository: string
  readonly oidc: FakeOidc
  readonly sts: FakeSts
  readonly iam: FakeIam
  /** Base URL for the `sts-endpoint` input. */
  readonly stsEndpoint: string
  /** Base URL for the `iam-credentials-endpoint` input. */
  readonly iamCredentialsEndpoint: string
  /** Verified requests, oldest first; never holds a token. */
  readonly received: ReceivedRequest[]
  readonly tokens: TokenBook
  /** Principal and scopes of a valid (known, unexpired) federated or service account token. */
  isValidAccessToken(token: string): { principal: string; scopes: readonly string[] } | undefined
  /** ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN, as a job with `id-token: write` has. */
  env(): Record<string, string>
  /** Restores the starting settings, clears faults, counters and the request log; issued tokens stay valid. */
  reset(): void
  close(): Promise<void>
}

export async function startGoogleCloudFakes(options: GoogleCloudFakesOptions = {}): Promise<GoogleCloudFakes> {
  const projectNumber = options.projectNumber ?? '123456789012'
  const provider = `projects/${projectNumber}/locations/global/workloadIdentityPools/${options.poolId ?? 'github-pool'}/providers/${options.providerId ?? 'github'}`
  const repository = options.repository ?? options.oidc?.repository ?? 'octo-org/gitops-demo'
  const serviceAccount = 'deployer@demo-project.iam.gserviceaccount.com'
  const received: ReceivedRequest[] = []
  const tokens = new TokenBook()

  const oidc = await startFakeOidc({ ...options.oidc, repository }, received)
  const started: { close(): Promise<void> }[] = [oidc]
  try {
    const sts = await startFakeSts({
      provider,
      issuer: oidc.issuer,
      publicKey: oidc.key.publicKey,
      tokens,
      received,
      settings: {
        allowedAudiences: options.allowedAudiences ?? [],
        ...(options.attributeCondition && { attributeCondition: options.attributeCondition }),
        tokenLifetimeSeconds: options.federatedTokenLifetimeSeconds ?? 3600,
      },
    })
    started.push(sts)
    const iamSettings: IamSettings = {
      bindings: options.bindings ?? {
        [serviceAccount]: [`principalSet://iam.googleapis.com/${poolOf(provider)}/attribute.repository/${repository}`],
      },
      ...(options.accessTokenLifetimeSeconds !== undefined && {
        tokenLifetimeSeconds: options.accessTokenLifetimeSeconds,
      }),
    }
    const iam = await startFakeIam({ provider, tokens, received, settings: iamSettings })
    started.push(iam)

    return {
      provider,
      projectNumber,
      serviceAccount,
      repository,
      oidc,
      sts,
      iam,
      stsEndpoint: sts.endpoint,
      iamCredentialsEndpoint: iam.endpoint,
      received,
      tokens,
      isValidAccessToken: (token) => tokens.isValidAccessToken(token),
      env: () => ({ ACTIONS_ID_TOKEN_REQUEST_URL: oidc.url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken }),
      reset: () => {
        oidc.reset()
        sts.reset()
        iam.reset()
        tokens.forgetRecent()
        received.length = 0
      },
      close: async () => {
        await Promise.all(started.map((s) => s.close()))
      },
    }
  } catch (error) {
    await Promise.all(started.map((s) => s.close()))
    throw error
  }
}
