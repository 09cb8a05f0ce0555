// The credential sources (gcp/source.ts choosing, gcp/federated.ts and gcp/adc.ts minting) with
// google-auth-library against the OIDC / STS / IAM Credentials stand-ins, and @actions/core's
// real setSecret (its `::add-mask::` lines are captured from stdout). Retries run on a clock
// that does not sleep.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { createAccessTokenSource, type GcpCredentialOptions } from '../../src/gcp/source.js'
import type { Clock } from '../../src/net/retry.js'
import { decodeJwt, startGoogleCloudFakes, type GoogleCloudFakes } from '../../test-support/gcp/index.js'
import { failure } from '../../test-support/failure.js'

const ENV_KEYS = [
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'GITHUB_REPOSITORY',
  'GITHUB_REF',
]

let fakes: GoogleCloudFakes
let tmp: string
let stdout: string[] = []
const savedEnv: Record<string, string | undefined> = {}

beforeAll(async () => {
  fakes = await startGoogleCloudFakes()
  tmp = await mkdtemp(path.join(tmpdir(), 'gcp-credentials-'))
  for (const key of ENV_KEYS) savedEnv[key] = process.env[key]
})

afterAll(async () => {
  await fakes.close()
  await rm(tmp, { recursive: true, force: true })
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key]
    else process.env[key] = savedEnv[key]
  }
})

beforeEach(() => {
  fakes.reset()
  for (const key of ENV_KEYS) delete process.env[key]
  Object.assign(process.env, fakes.env())
  stdout = []
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk))
    return true
  })
})

afterEach(() => {
  jest.restoreAllMocks()
})

// Retries wait on this clock: no test sleeps.
const noSleep: Clock = { now: () => Date.now(), sleep: () => Promise.resolve() }

function options(extra: Partial<GcpCredentialOptions> = {}): GcpCredentialOptions {
  const merged = {
    workloadIdentityProvider: fakes.provider,
    stsEndpoint: fakes.stsEndpoint,
    iamCredentialsEndpoint: fakes.iamCredentialsEndpoint,
    clock: noSleep,
    ...extra,
  }
  // As readSettings hands them over: an absent input is absent, not undefined.
  return Object.fromEntries(
    Object.entries(merged).filter(([, value]) => value !== undefined),
  ) as unknown as GcpCredentialOptions
}

/** What `::add-mask::` carries for a secret: a JWT's signature, anything else whole. */
function maskOf(secret: string): string {
  const parts = secret.split('.')
  return parts.length === 3 && secret.startsWith('eyJ') ? parts[2]! : secret
}

function masked(): string[] {
  return stdout
    .flatMap((line) => line.split(/\r?\n/))
    .filter((line) => line.startsWith('::add-mask::'))
    .map((line) => line.slice('::add-mask::'.length))
}

/** Everything printed except the mask commands themselves. */
function printed(): string {
  return stdout
    .flatMap((line) => line.split(/\r?\n/))
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n')
}

function statuses(service: 'oidc' | 'sts' | 'iam'): (number | 'reset')[] {
  return fakes.received.filter((r) => r.service === service).map((r) => r.status)
}

describe('workload identity federation', () => {
  test('direct: the federated token from STS is the access token', async () => {
    const source = await createAccessTokenSource(options())
    expect(source?.kind).toBe('workload-identity-federation')
    expect(source?.principal).toBe(fakes.provider)

    const token = await source!.getAccessToken()
    expect(fakes.isValidAccessToken(token)).toEqual({
      principal: `principal://iam.googleapis.com/projects/${fakes.projectNumber}/locations/global/workloadIdentityPools/github-pool/subject/repo:${fakes.repository}:ref:refs/heads/main`,
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    })
    const [oidc, sts] = fakes.received
    expect(oidc).toMatchObject({
      service: 'oidc',
      status: 200,
      audience: `https://iam.googleapis.com/${fakes.provider}`,
    })
    expect(sts).toMatchObject({
      service: 'sts',
      status: 200,
      encoding: 'form',
      audience: `//iam.googleapis.com/${fakes.provider}`,
    })
    expect(statuses('iam')).toEqual([])

    // Cached: no second exchange.
    expect(await source!.getAccessToken()).toBe(token)
    expect(fakes.sts.exchanges).toBe(1)
  })

  test('impersonation: the federated token buys a service account token', async () => {
    const source = await createAccessTokenSource(options({ serviceAccount: fakes.serviceAccount }))
    expect(source?.kind).toBe('service-account-impersonation')
    expect(source?.principal).toBe(fakes.serviceAccount)

    const token = await source!.getAccessToken()
    expect(fakes.isValidAccessToken(token)?.principal).toBe(fakes.serviceAccount)
    expect(fakes.received.find((r) => r.service === 'iam')).toMatchObject({
      status: 200,
      serviceAccount: fakes.serviceAccount,
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
      lifetime: '3600s',
    })
  })

  test('a custom audience is used for the OIDC token', async () => {
    fakes.sts.settings.allowedAudiences = ['https://deploy.example.com']
    const source = await createAccessTokenSource(options({ audience: 'https://deploy.example.com' }))
    await source!.getAccessToken()
    expect(fakes.received[0]).toMatchObject({ service: 'oidc', audience: 'https://deploy.example.com' })
  })

  test('every token is masked, and none is printed', async () => {
    const direct = await createAccessTokenSource(options())
    const impersonated = await createAccessTokenSource(options({ serviceAccount: fakes.serviceAccount }))
    const tokens = [await direct!.getAccessToken(), await impersonated!.getAccessToken()]

    const secrets = [...fakes.oidc.issuedTokens, ...fakes.tokens.issuedTokens()]
    expect(secrets.length).toBe(5) // 2 OIDC JWTs, 2 federated tokens, 1 service account token
    expect(secrets).toEqual(expect.arrayContaining(tokens))
    const masks = masked()
    for (const secret of secrets) expect(masks).toContain(maskOf(secret))
    const text = printed()
    for (const secret of secrets) expect(text).not.toContain(secret)
  })

  test('concurrent callers share one exchange', async () => {
    const source = await createAccessTokenSource(options())
    const tokens = await Promise.all([1, 2, 3, 4].map(() => source!.getAccessToken()))
    expect(new Set(tokens).size).toBe(1)
    expect(fakes.sts.exchanges).toBe(1)
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
      fakes.sts.settings.tokenLifetimeSeconds = lifetimeSeconds
      fakeDateOnly()
      try {
        const start = Date.now()
        const source = await createAccessTokenSource(options())
        const first = await source!.getAccessToken()
        // Not refreshed on every call, as the library's default 5-minute margin would for short tokens.
        expect(await source!.getAccessToken()).toBe(first)

        jest.setSystemTime(start + stillCachedAt)
        expect(await source!.getAccessToken()).toBe(first)
        expect(fakes.oidc.issued).toBe(1)

        jest.setSystemTime(start + refreshedAt)
        const second = await source!.getAccessToken()
        expect(second).not.toBe(first)
        expect(fakes.oidc.issued).toBe(2)
        expect(fakes.sts.exchanges).toBe(2)
        expect(fakes.isValidAccessToken(second)).toBeDefined()
      } finally {
        jest.useRealTimers()
      }
    },
  )

  test('impersonated tokens that expire within the margin are replaced on the next call', async () => {
    fakes.iam.settings.tokenLifetimeSeconds = 60
    const source = await createAccessTokenSource(options({ serviceAccount: fakes.serviceAccount }))
    const first = await source!.getAccessToken()
    const second = await source!.getAccessToken()
    expect(second).not.toBe(first)
    expect(fakes.iam.generated).toBe(2)
    expect(fakes.isValidAccessToken(second)?.principal).toBe(fakes.serviceAccount)
  })

  test('invalidate forces a new token, e.g. after a 401', async () => {
    const source = await createAccessTokenSource(options())
    const first = await source!.getAccessToken()
    source!.invalidate()
    const second = await source!.getAccessToken()
    expect(second).not.toBe(first)
    expect(fakes.sts.exchanges).toBe(2)
  })
})

describe('transient failures', () => {
  test('STS 503 is retried', async () => {
    fakes.sts.failNext(1, 503)
    const source = await createAccessTokenSource(options())
    const token = await source!.getAccessToken()
    expect(fakes.isValidAccessToken(token)).toBeDefined()
    expect(statuses('sts')).toEqual([503, 200])
    expect(fakes.oidc.issued).toBe(1)
  })

  test('connection resets on STS and IAM Credentials are retried', async () => {
    fakes.sts.failNext(1, 'reset')
    fakes.iam.failNext(1, 'reset')
    const source = await createAccessTokenSource(options({ serviceAccount: fakes.serviceAccount }))
    const token = await source!.getAccessToken()
    expect(fakes.isValidAccessToken(token)?.principal).toBe(fakes.serviceAccount)
    expect(statuses('sts')).toEqual(['reset', 200])
    expect(statuses('iam')).toEqual(['reset', 200])
  })

  test('IAM Credentials 429 is retried', async () => {
    fakes.iam.failNext(1, 429)
    const source = await createAccessTokenSource(options({ serviceAccount: fakes.serviceAccount }))
    await source!.getAccessToken()
    expect(statuses('iam')).toEqual([429, 200])
  })

  test('STS POSTs are retried on ECONNRESET, with the same OIDC token', async () => {
    fakes.sts.failNext(2, 'reset')
    const source = await createAccessTokenSource(options())
    const token = await source!.getAccessToken()
    expect(fakes.isValidAccessToken(token)).toBeDefined()
    expect(statuses('sts')).toEqual(['reset', 'reset', 200])
    expect(fakes.oidc.issued).toBe(1)
    expect(printed()).toMatch(/\/v1\/token: (ECONNRESET|UND_ERR_SOCKET); trying again in/)
  })

  test('a failed OIDC request is retried', async () => {
    fakes.oidc.failNext(1, 'reset')
    const source = await createAccessTokenSource(options())
    await source!.getAccessToken()
    expect(statuses('oidc')).toEqual(['reset', 200])
  })

  test('gives up with the endpoint and the reason once retries are spent', async () => {
    fakes.sts.failNext(4, 'reset')
    const source = await createAccessTokenSource(options())
    const error = await failure(source!.getAccessToken())
    expect(error.message).toContain(`could not reach ${fakes.stsEndpoint}/v1/token`)
    expect(error.message).toContain('even after retries')
    // GOOGLE_TOKEN allows 4 tries; a try on a pooled connection the stand-in had closed never reaches it.
    expect(statuses('sts').length).toBeLessThanOrEqual(4)
    expect(new Set(statuses('sts'))).toEqual(new Set(['reset']))
    // Nothing is cached from a failure: the next call starts over, and succeeds.
    expect(fakes.isValidAccessToken(await source!.getAccessToken())).toBeDefined()
  })

  test('a GitHub OIDC endpoint that refuses the request token is explained', async () => {
    fakes.oidc.failNext(1, 403)
    const source = await createAccessTokenSource(options())
    const error = await failure(source!.getAccessToken())
    expect(error.message).toMatch(
      /Could not get a GitHub OIDC token for audience "https:\/\/iam\.googleapis\.com\/.*HTTP 403/,
    )
    expect(error.message).toContain('id-token: write')
    expect(statuses('sts')).toEqual([])
  })
})

describe('errors say what to fix', () => {
  test('no OIDC token without `id-token: write` (readSettings says so earlier, see preflight.test.ts)', async () => {
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
    const source = await createAccessTokenSource(options())
    const error = await failure(source!.getAccessToken())
    expect(error.message).toContain('permissions: id-token: write')
    expect(error.message).toMatch(/fork/)
    expect(error.message).toMatch(/Dependabot/)
    expect(fakes.received).toEqual([])
  })

  test('a rejected audience quotes Google and points at the allowed audiences', async () => {
    const source = await createAccessTokenSource(options({ audience: 'https://wrong.example.com' }))
    const error = await failure(source!.getAccessToken())
    expect(error.message).toContain(
      'invalid_grant: The audience in ID Token [https://wrong.example.com] does not match the expected audience.',
    )
    expect(error.message).toContain('allowed audiences')
    expect(error.message).toContain(`https://iam.googleapis.com/${fakes.provider}`)
    expect(statuses('sts')).toEqual([400]) // not retried
    for (const secret of fakes.oidc.issuedTokens) expect(error.message).not.toContain(secret)
  })

  test('a rejecting attribute condition is named', async () => {
    process.env.GITHUB_REPOSITORY = fakes.repository
    fakes.sts.settings.attributeCondition = (claims) => claims.repository === 'someone/else'
    const source = await createAccessTokenSource(options())
    const error = await failure(source!.getAccessToken())
    expect(error.message).toContain('The given credential is rejected by the attribute condition.')
    expect(error.message).toContain(`attribute condition does not admit this run (repository ${fakes.repository})`)
  })

  test('an unknown provider (invalid_target) is named', async () => {
    const other = fakes.provider.replace(/providers\/github$/, 'providers/gitlab')
    fakes.sts.settings.allowedAudiences = [`https://iam.googleapis.com/${other}`]
    const source = await createAccessTokenSource(options({ workloadIdentityProvider: other }))
    const error = await failure(source!.getAccessToken())
    expect(error.message).toContain('invalid_target')
    expect(error.message).toContain('does not exist or is disabled')
  })

  test('403 on impersonation names the missing binding', async () => {
    process.env.GITHUB_REPOSITORY = fakes.repository
    const stranger = 'stranger@demo-project.iam.gserviceaccount.com'
    const source = await createAccessTokenSource(options({ serviceAccount: stranger }))
    const error = await failure(source!.getAccessToken())
    expect(error.message).toContain(`IAM Credentials refused to mint a token for ${stranger}`)
    expect(error.message).toContain("Permission 'iam.serviceAccounts.getAccessToken' denied")
    expect(error.message).toContain('roles/iam.workloadIdentityUser')
    expect(error.message).toContain(
      `principalSet://iam.googleapis.com/projects/${fakes.projectNumber}/locations/global/workloadIdentityPools/github-pool/attribute.repository/${fakes.repository}`,
    )
    expect(error.message).toContain('roles/iam.serviceAccountTokenCreator')
    expect(error.message).toContain('up to 5 minutes')
    expect(statuses('iam')).toEqual([403]) // not retried
    for (const secret of fakes.tokens.issuedTokens()) expect(error.message).not.toContain(secret)
  })

  test('service-account needs a provider', async () => {
    const error = await failure(
      createAccessTokenSource(options({ workloadIdentityProvider: undefined, serviceAccount: fakes.serviceAccount })),
    )
    expect(error.message).toMatch(/^Input 'service-account': .*workload-identity-provider/)
  })
})

describe('application default credentials', () => {
  test('no provider and no GOOGLE_APPLICATION_CREDENTIALS: anonymous', async () => {
    expect(await createAccessTokenSource(options({ workloadIdentityProvider: undefined }))).toBeUndefined()
  })

  // The file google-github-actions/auth writes: the OIDC token comes from credential_source.url.
  async function writeAuthActionFile(name: string, serviceAccount?: string): Promise<string> {
    const url = new URL(fakes.oidc.url)
    url.searchParams.set('audience', `https://iam.googleapis.com/${fakes.provider}`)
    const file = path.join(tmp, name)
    await writeFile(
      file,
      JSON.stringify({
        type: 'external_account',
        audience: `//iam.googleapis.com/${fakes.provider}`,
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: `${fakes.stsEndpoint}/v1/token`,
        credential_source: {
          url: url.toString(),
          headers: { Authorization: `Bearer ${fakes.oidc.requestToken}` },
          format: { type: 'json', subject_token_field_name: 'value' },
        },
        ...(serviceAccount && {
          service_account_impersonation_url: `${fakes.iamCredentialsEndpoint}/v1/projects/-/serviceAccounts/${serviceAccount}:generateAccessToken`,
        }),
      }),
    )
    return file
  }

  test('the external_account file of google-github-actions/auth (direct)', async () => {
    process.env.GOOGLE_APPLICATION_CREDENTIALS = await writeAuthActionFile('direct.json')
    const source = await createAccessTokenSource(options({ workloadIdentityProvider: undefined }))
    expect(source?.kind).toBe('application-default')
    expect(source?.principal).toBe(fakes.provider)
    const token = await source!.getAccessToken()
    expect(fakes.isValidAccessToken(token)?.principal).toMatch(
      /^principal:\/\/iam\.googleapis\.com\/.*\/subject\/repo:/,
    )
    // The JWT fetched by the library from credential_source.url is masked too.
    for (const secret of [...fakes.oidc.issuedTokens, token]) expect(masked()).toContain(maskOf(secret))
  })

  test('the external_account file of google-github-actions/auth (impersonation)', async () => {
    process.env.GOOGLE_APPLICATION_CREDENTIALS = await writeAuthActionFile('impersonation.json', fakes.serviceAccount)
    const source = await createAccessTokenSource(options({ workloadIdentityProvider: undefined }))
    expect(source?.principal).toBe(fakes.serviceAccount)
    const token = await source!.getAccessToken()
    expect(fakes.isValidAccessToken(token)?.principal).toBe(fakes.serviceAccount)
    for (const secret of [...fakes.oidc.issuedTokens, ...fakes.tokens.issuedTokens()])
      expect(masked()).toContain(maskOf(secret))
  })

  test("an external_account file's exchange goes through the action's transport (retried)", async () => {
    process.env.GOOGLE_APPLICATION_CREDENTIALS = await writeAuthActionFile('retried.json', fakes.serviceAccount)
    fakes.oidc.failNext(1, 503)
    fakes.sts.failNext(1, 'reset')
    fakes.iam.failNext(1, 429)
    const source = await createAccessTokenSource(options({ workloadIdentityProvider: undefined }))
    const token = await source!.getAccessToken()
    expect(fakes.isValidAccessToken(token)?.principal).toBe(fakes.serviceAccount)
    expect(statuses('oidc')).toEqual([503, 200])
    expect(statuses('sts')).toEqual(['reset', 200])
    expect(statuses('iam')).toEqual([429, 200])
  })

  test('an external_account file with a file credential_source', async () => {
    const now = Math.floor(Date.now() / 1000)
    const jwt = fakes.oidc.sign({
      iss: fakes.oidc.issuer,
      aud: `https://iam.googleapis.com/${fakes.provider}`,
      sub: `repo:${fakes.repository}:ref:refs/heads/main`,
      repository: fakes.repository,
      iat: now,
      exp: now + 300,
    })
    const tokenFile = path.join(tmp, 'oidc-token.jwt')
    await writeFile(tokenFile, jwt)
    const file = path.join(tmp, 'file-source.json')
    await writeFile(
      file,
      JSON.stringify({
        type: 'external_account',
        audience: `//iam.googleapis.com/${fakes.provider}`,
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: `${fakes.stsEndpoint}/v1/token`,
        credential_source: { file: tokenFile },
      }),
    )
    process.env.GOOGLE_APPLICATION_CREDENTIALS = file
    const source = await createAccessTokenSource(options({ workloadIdentityProvider: undefined }))
    const token = await source!.getAccessToken()
    expect(fakes.isValidAccessToken(token)).toBeDefined()
    expect(decodeJwt(jwt)?.claims.repository).toBe(fakes.repository)
  })

  test('STS errors through an ADC file are explained too', async () => {
    fakes.sts.settings.allowedAudiences = ['https://only-this.example.com']
    process.env.GOOGLE_APPLICATION_CREDENTIALS = await writeAuthActionFile('rejected.json')
    const source = await createAccessTokenSource(options({ workloadIdentityProvider: undefined }))
    const error = await failure(source!.getAccessToken())
    expect(error.message).toContain('does not match the expected audience')
    for (const secret of fakes.oidc.issuedTokens) expect(error.message).not.toContain(secret)
  })

  test('a missing file is named', async () => {
    process.env.GOOGLE_APPLICATION_CREDENTIALS = path.join(tmp, 'missing.json')
    const error = await failure(createAccessTokenSource(options({ workloadIdentityProvider: undefined })))
    expect(error.message).toContain(
      `GOOGLE_APPLICATION_CREDENTIALS points at ${path.join(tmp, 'missing.json')}, which does not exist`,
    )
  })
})
