// Workload Identity Federation (gcp/federated.ts, gcp/impersonate.ts) through the source entry,
// against the OIDC / STS / IAM Credentials stand-ins: tokens, caching by google-auth-library's
// OAuth2Client, retries of the transport, and the messages of gcp/explain.ts.
import { describe, expect, jest, test } from '@jest/globals'
import { createAccessTokenSource } from '../../src/gcp/source.js'
import { failure } from '../../test-support/failure.js'
import { maskOf, useCredentialHarness } from '../../test-support/gcp/harness.js'

const h = useCredentialHarness()

describe('workload identity federation', () => {
  test('direct: the federated token from STS is the access token', async () => {
    const source = await createAccessTokenSource(h.options())
    expect(source?.kind).toBe('workload-identity-federation')
    expect(source?.principal).toBe(h.fakes.provider)

    const token = await source!.getAccessToken()
    expect(h.fakes.isValidAccessToken(token)).toEqual({
      principal: `principal://iam.googleapis.com/projects/${h.fakes.projectNumber}/locations/global/workloadIdentityPools/github-pool/subject/repo:${h.fakes.repository}:ref:refs/heads/main`,
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    })
    const [oidc, sts] = h.fakes.received
    expect(oidc).toMatchObject({
      service: 'oidc',
      status: 200,
      audience: `https://iam.googleapis.com/${h.fakes.provider}`,
    })
    expect(sts).toMatchObject({
      service: 'sts',
      status: 200,
      encoding: 'form',
      audience: `//iam.googleapis.com/${h.fakes.provider}`,
    })
    expect(h.statuses('iam')).toEqual([])

    // Cached: no second exchange.
    expect(await source!.getAccessToken()).toBe(token)
    expect(h.fakes.sts.exchanges).toBe(1)
  })

  test('impersonation: the federated token buys a service account token', async () => {
    const source = await createAccessTokenSource(h.options({ serviceAccount: h.fakes.serviceAccount }))
    expect(source?.kind).toBe('service-account-impersonation')
    expect(source?.principal).toBe(h.fakes.serviceAccount)

    const token = await source!.getAccessToken()
    expect(h.fakes.isValidAccessToken(token)?.principal).toBe(h.fakes.serviceAccount)
    expect(h.fakes.received.find((r) => r.service === 'iam')).toMatchObject({
      status: 200,
      serviceAccount: h.fakes.serviceAccount,
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
      lifetime: '3600s',
    })
  })

  test('a custom audience is used for the OIDC token', async () => {
    h.fakes.sts.settings.allowedAudiences = ['https://deploy.example.com']
    const source = await createAccessTokenSource(h.options({ audience: 'https://deploy.example.com' }))
    await source!.getAccessToken()
    expect(h.fakes.received[0]).toMatchObject({ service: 'oidc', audience: 'https://deploy.example.com' })
  })

  test('every token is masked, and none is printed', async () => {
    const direct = await createAccessTokenSource(h.options())
    const impersonated = await createAccessTokenSource(h.options({ serviceAccount: h.fakes.serviceAccount }))
    const tokens = [await direct!.getAccessToken(), await impersonated!.getAccessToken()]

    const secrets = [...h.fakes.oidc.issuedTokens, ...h.fakes.tokens.issuedTokens()]
    expect(secrets.length).toBe(5) // 2 OIDC JWTs, 2 federated tokens, 1 service account token
    expect(secrets).toEqual(expect.arrayContaining(tokens))
    const masks = h.masked()
    for (const secret of secrets) expect(masks).toContain(maskOf(secret))
    const text = h.printed()
    for (const secret of secrets) expect(text).not.toContain(secret)
  })

  test('concurrent callers share one exchange', async () => {
    const source = await createAccessTokenSource(h.options())
    const tokens = await Promise.all([1, 2, 3, 4].map(() => source!.getAccessToken()))
    expect(new Set(tokens).size).toBe(1)
    expect(h.fakes.sts.exchanges).toBe(1)
  })

  // google-auth-library decides by Date: only Date is faked, timers and I/O run as usual.
  function fakeDateOnly(): void {
    jest.useFakeTimers({
      now: Date.now(),
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'requestAnimationFrame',
        'cancelAnimationFrame',
        'requestIdleCallback',
        'cancelIdleCallback',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    })
  }

  test.each([
    ['a 10-minute direct federated token', 600, 7 * 60_000, 8.5 * 60_000],
    ['a 5-minute direct federated token', 300, 2.5 * 60_000, 3.5 * 60_000],
  ])(
    '%s is cached, and replaced (new OIDC token, new exchange) within 2 minutes of its expiry',
    async (_, lifetimeSeconds, stillCachedAt, refreshedAt) => {
      h.fakes.sts.settings.tokenLifetimeSeconds = lifetimeSeconds
      fakeDateOnly()
      try {
        const start = Date.now()
        const source = await createAccessTokenSource(h.options())
        const first = await source!.getAccessToken()
        // Not refreshed on every call, as the library's default 5-minute margin would for short tokens.
        expect(await source!.getAccessToken()).toBe(first)

        jest.setSystemTime(start + stillCachedAt)
        expect(await source!.getAccessToken()).toBe(first)
        expect(h.fakes.oidc.issued).toBe(1)

        jest.setSystemTime(start + refreshedAt)
        const second = await source!.getAccessToken()
        expect(second).not.toBe(first)
        expect(h.fakes.oidc.issued).toBe(2)
        expect(h.fakes.sts.exchanges).toBe(2)
        expect(h.fakes.isValidAccessToken(second)).toBeDefined()
      } finally {
        jest.useRealTimers()
      }
    },
  )

  test('impersonated tokens that expire within the margin are replaced on the next call', async () => {
    h.fakes.iam.settings.tokenLifetimeSeconds = 60
    const source = await createAccessTokenSource(h.options({ serviceAccount: h.fakes.serviceAccount }))
    const first = await source!.getAccessToken()
    const second = await source!.getAccessToken()
    expect(second).not.toBe(first)
    expect(h.fakes.iam.generated).toBe(2)
    expect(h.fakes.isValidAccessToken(second)?.principal).toBe(h.fakes.serviceAccount)
  })

  test('invalidate forces a new token, e.g. after a 401', async () => {
    const source = await createAccessTokenSource(h.options())
    const first = await source!.getAccessToken()
    source!.invalidate()
    const second = await source!.getAccessToken()
    expect(second).not.toBe(first)
    expect(h.fakes.sts.exchanges).toBe(2)
  })
})

describe('transient failures', () => {
  test('STS 503 is retried', async () => {
    h.fakes.sts.failNext(1, 503)
    const source = await createAccessTokenSource(h.options())
    const token = await source!.getAccessToken()
    expect(h.fakes.isValidAccessToken(token)).toBeDefined()
    expect(h.statuses('sts')).toEqual([503, 200])
    expect(h.fakes.oidc.issued).toBe(1)
  })

  test('connection resets on STS and IAM Credentials are retried', async () => {
    h.fakes.sts.failNext(1, 'reset')
    h.fakes.iam.failNext(1, 'reset')
    const source = await createAccessTokenSource(h.options({ serviceAccount: h.fakes.serviceAccount }))
    const token = await source!.getAccessToken()
    expect(h.fakes.isValidAccessToken(token)?.principal).toBe(h.fakes.serviceAccount)
    expect(h.statuses('sts')).toEqual(['reset', 200])
    expect(h.statuses('iam')).toEqual(['reset', 200])
  })

  test('IAM Credentials 429 is retried', async () => {
    h.fakes.iam.failNext(1, 429)
    const source = await createAccessTokenSource(h.options({ serviceAccount: h.fakes.serviceAccount }))
    await source!.getAccessToken()
    expect(h.statuses('iam')).toEqual([429, 200])
  })

  test('STS POSTs are retried on ECONNRESET, with the same OIDC token', async () => {
    h.fakes.sts.failNext(2, 'reset')
    const source = await createAccessTokenSource(h.options())
    const token = await source!.getAccessToken()
    expect(h.fakes.isValidAccessToken(token)).toBeDefined()
    expect(h.statuses('sts')).toEqual(['reset', 'reset', 200])
    expect(h.fakes.oidc.issued).toBe(1)
    expect(h.printed()).toMatch(/\/v1\/token: (ECONNRESET|UND_ERR_SOCKET); trying again in/)
  })

  test('a failed OIDC request is retried', async () => {
    h.fakes.oidc.failNext(1, 'reset')
    const source = await createAccessTokenSource(h.options())
    await source!.getAccessToken()
    expect(h.statuses('oidc')).toEqual(['reset', 200])
  })

  test('gives up with the endpoint and the reason once retries are spent', async () => {
    h.fakes.sts.failNext(4, 'reset')
    const source = await createAccessTokenSource(h.options())
    const error = await failure(source!.getAccessToken())
    expect(error.message).toContain(`could not reach ${h.fakes.stsEndpoint}/v1/token`)
    expect(error.message).toContain('even after retries')
    // GOOGLE_TOKEN allows 4 tries; a try on a pooled connection the stand-in had closed never reaches it.
    expect(h.statuses('sts').length).toBeLessThanOrEqual(4)
    expect(new Set(h.statuses('sts'))).toEqual(new Set(['reset']))
    // Nothing is cached from a failure: the next call starts over, and succeeds.
    expect(h.fakes.isValidAccessToken(await source!.getAccessToken())).toBeDefined()
  })

  test('a GitHub OIDC endpoint that refuses the request token is explained', async () => {
    h.fakes.oidc.failNext(1, 403)
    const source = await createAccessTokenSource(h.options())
    const error = await failure(source!.getAccessToken())
    expect(error.message).toMatch(
      /Could not get a GitHub OIDC token for audience "https:\/\/iam\.googleapis\.com\/.*HTTP 403/,
    )
    expect(error.message).toContain('id-token: write')
    expect(h.statuses('sts')).toEqual([])
  })
})

describe('errors say what to fix', () => {
  test('no OIDC token without `id-token: write` (readSettings says so earlier, see preflight.test.ts)', async () => {
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
    const source = await createAccessTokenSource(h.options())
    const error = await failure(source!.getAccessToken())
    expect(error.message).toContain('permissions: id-token: write')
    expect(error.message).toMatch(/fork/)
    expect(error.message).toMatch(/Dependabot/)
    expect(h.fakes.received).toEqual([])
  })

  test('a rejected audience quotes Google and points at the allowed audiences', async () => {
    const source = await createAccessTokenSource(h.options({ audience: 'https://wrong.example.com' }))
    const error = await failure(source!.getAccessToken())
    expect(error.message).toContain(
      'invalid_grant: The audience in ID Token [https://wrong.example.com] does not match the expected audience.',
    )
    expect(error.message).toContain('allowed audiences')
    expect(error.message).toContain(`https://iam.googleapis.com/${h.fakes.provider}`)
    expect(h.statuses('sts')).toEqual([400]) // not retried
    for (const secret of h.fakes.oidc.issuedTokens) expect(error.message).not.toContain(secret)
  })

  test('a rejecting attribute condition is named', async () => {
    process.env.GITHUB_REPOSITORY = h.fakes.repository
    h.fakes.sts.settings.attributeCondition = (claims) => claims.repository === 'someone/else'
    const source = await createAccessTokenSource(h.options())
    const error = await failure(source!.getAccessToken())
    expect(error.message).toContain('The given credential is rejected by the attribute condition.')
    expect(error.message).toContain(`attribute condition does not admit this run (repository ${h.fakes.repository})`)
  })

  test('an unknown provider (invalid_target) is named', async () => {
    const other = h.fakes.provider.replace(/providers\/github$/, 'providers/gitlab')
    h.fakes.sts.settings.allowedAudiences = [`https://iam.googleapis.com/${other}`]
    const source = await createAccessTokenSource(h.options({ workloadIdentityProvider: other }))
    const error = await failure(source!.getAccessToken())
    expect(error.message).toContain('invalid_target')
    expect(error.message).toContain('does not exist or is disabled')
  })

  test('403 on impersonation names the missing binding', async () => {
    process.env.GITHUB_REPOSITORY = h.fakes.repository
    const stranger = 'stranger@demo-project.iam.gserviceaccount.com'
    const source = await createAccessTokenSource(h.options({ serviceAccount: stranger }))
    const error = await failure(source!.getAccessToken())
    expect(error.message).toContain(`IAM Credentials refused to mint a token for ${stranger}`)
    expect(error.message).toContain("Permission 'iam.serviceAccounts.getAccessToken' denied")
    expect(error.message).toContain('roles/iam.workloadIdentityUser')
    expect(error.message).toContain(
      `principalSet://iam.googleapis.com/projects/${h.fakes.projectNumber}/locations/global/workloadIdentityPools/github-pool/attribute.repository/${h.fakes.repository}`,
    )
    expect(error.message).toContain('roles/iam.serviceAccountTokenCreator')
    expect(error.message).toContain('up to 5 minutes')
    expect(h.statuses('iam')).toEqual([403]) // not retried
    for (const secret of h.fakes.tokens.issuedTokens()) expect(error.message).not.toContain(secret)
  })

  test('service-account needs a provider', async () => {
    const error = await failure(
      createAccessTokenSource(
        h.options({ workloadIdentityProvider: undefined, serviceAccount: h.fakes.serviceAccount }),
      ),
    )
    expect(error.message).toMatch(/^Input 'service-account': .*workload-identity-provider/)
  })
})
