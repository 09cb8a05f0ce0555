// The stand-ins themselves: they must refuse what Google and GitHub refuse, or the
// credential tests prove nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { decodeJwt, startGoogleCloudFakes, type GoogleCloudFakes } from '../../test-support/gcp/index.js'
import { generateRsaKey, signJwt } from '../../test-support/gcp/jwt.js'

let fakes: GoogleCloudFakes

beforeAll(async () => {
  fakes = await startGoogleCloudFakes()
})

afterAll(async () => {
  await fakes.close()
})

beforeEach(() => {
  fakes.reset()
})

async function oidcToken(audience = `https://iam.googleapis.com/${fakes.provider}`): Promise<string> {
  const response = await fetch(`${fakes.oidc.url}&audience=${encodeURIComponent(audience)}`, {
    headers: { authorization: `Bearer ${fakes.oidc.requestToken}` },
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { value: string }).value
}

function exchangeForm(subjectToken: string, overrides: Record<string, string> = {}): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    audience: `//iam.googleapis.com/${fakes.provider}`,
    scope: 'https://www.googleapis.com/auth/cloud-platform',
    requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    subject_token: subjectToken,
    ...overrides,
  })
}

async function exchange(
  body: URLSearchParams | Record<string, string>,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const isForm = body instanceof URLSearchParams
  const response = await fetch(`${fakes.stsEndpoint}/v1/token`, {
    method: 'POST',
    headers: { 'content-type': isForm ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: isForm ? body : JSON.stringify(body),
  })
  return { status: response.status, json: (await response.json()) as Record<string, unknown> }
}

interface IamAnswer {
  accessToken: string
  expireTime: string
  error: { code: number; status: string; message: string; details: Record<string, unknown>[] }
}

async function generate(
  bearer: string | undefined,
  account = fakes.serviceAccount,
  body: unknown = { scope: ['https://www.googleapis.com/auth/cloud-platform'] },
): Promise<{ status: number; json: IamAnswer }> {
  const response = await fetch(
    `${fakes.iamCredentialsEndpoint}/v1/projects/-/serviceAccounts/${account}:generateAccessToken`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer && { authorization: `Bearer ${bearer}` }) },
      body: JSON.stringify(body),
    },
  )
  return { status: response.status, json: (await response.json()) as IamAnswer }
}

describe('Actions OIDC endpoint', () => {
  test('issues GitHub-shaped JWTs for the requested audience', async () => {
    const jwt = decodeJwt(await oidcToken('https://example.com/aud'))
    expect(jwt?.header).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: fakes.oidc.key.kid })
    expect(jwt?.claims).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'https://example.com/aud',
      sub: `repo:${fakes.repository}:ref:refs/heads/main`,
      repository: fakes.repository,
      repository_owner: fakes.repository.split('/')[0],
      ref: 'refs/heads/main',
      workflow: 'deploy',
    })
    const { iat, exp, nbf, jti } = jwt!.claims as Record<string, number>
    expect(exp - iat).toBe(300)
    expect(nbf).toBeLessThanOrEqual(iat)
    expect(jti).toBeTruthy()
    expect(fakes.oidc.jwks().keys[0]).toMatchObject({ kty: 'RSA', kid: fakes.oidc.key.kid, alg: 'RS256' })
    expect(fakes.oidc.issued).toBe(1)
  })

  test('refuses a wrong request token', async () => {
    const response = await fetch(fakes.oidc.url, { headers: { authorization: 'Bearer nope' } })
    expect(response.status).toBe(401)
    expect(fakes.oidc.issued).toBe(0)
  })

  test('env() is what a job with id-token: write sees', () => {
    expect(fakes.env()).toEqual({
      ACTIONS_ID_TOKEN_REQUEST_URL: fakes.oidc.url,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: fakes.oidc.requestToken,
    })
    expect(fakes.oidc.url).toMatch(/\?api-version=2\.0$/)
  })
})

describe('STS', () => {
  test('exchanges a form-encoded request', async () => {
    const { status, json } = await exchange(exchangeForm(await oidcToken()))
    expect(status).toBe(200)
    expect(json).toMatchObject({
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: 3600,
    })
    expect(fakes.isValidAccessToken(json.access_token as string)?.principal).toMatch(
      /\/subject\/repo:octo-org\/gitops-demo:ref:refs\/heads\/main$/,
    )
    expect(fakes.received.at(-1)).toMatchObject({ service: 'sts', status: 200, encoding: 'form' })
  })

  test('exchanges a camelCase JSON request, as google-github-actions/auth sends', async () => {
    const subjectToken = await oidcToken()
    const { status } = await exchange({
      audience: `//iam.googleapis.com/${fakes.provider}`,
      grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
      requestedTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      scope: 'https://www.googleapis.com/auth/cloud-platform',
      subjectTokenType: 'urn:ietf:params:oauth:token-type:jwt',
      subjectToken,
    })
    expect(status).toBe(200)
    expect(fakes.received.at(-1)).toMatchObject({ encoding: 'json' })
  })

  test.each([
    ['grant type', { grant_type: 'client_credentials' }, 'unsupported_grant_type'],
    ['requested token type', { requested_token_type: 'urn:ietf:params:oauth:token-type:id_token' }, 'invalid_request'],
    ['subject token type', { subject_token_type: 'urn:ietf:params:oauth:token-type:saml2' }, 'invalid_request'],
    ['scope', { scope: 'https://www.googleapis.com/auth/devstorage.read_only' }, 'invalid_scope'],
    [
      'audience',
      { audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/x/providers/y' },
      'invalid_target',
    ],
  ])('refuses a wrong %s', async (_, overrides, error) => {
    const { status, json } = await exchange(exchangeForm(await oidcToken(), overrides))
    expect(status).toBe(400)
    expect(json.error).toBe(error)
  })

  test("refuses a JWT for another audience with Google's message", async () => {
    const { json } = await exchange(exchangeForm(await oidcToken('https://other')))
    expect(json).toEqual({
      error: 'invalid_grant',
      error_description: 'The audience in ID Token [https://other] does not match the expected audience.',
    })
  })

  test('accepts configured allowed audiences', async () => {
    fakes.sts.settings.allowedAudiences = ['https://other']
    expect((await exchange(exchangeForm(await oidcToken('https://other')))).status).toBe(200)
  })

  test('refuses a JWT signed by another key', async () => {
    const now = Math.floor(Date.now() / 1000)
    const forged = signJwt(generateRsaKey('forged'), {
      iss: fakes.oidc.issuer,
      aud: `https://iam.googleapis.com/${fakes.provider}`,
      sub: 'x',
      iat: now,
      exp: now + 60,
    })
    const { json } = await exchange(exchangeForm(forged))
    expect(json.error).toBe('invalid_grant')
    expect(json.error_description).toMatch(/signature/)
  })

  test('refuses an expired JWT', async () => {
    const now = Math.floor(Date.now() / 1000)
    const expired = fakes.oidc.sign({
      iss: fakes.oidc.issuer,
      aud: `https://iam.googleapis.com/${fakes.provider}`,
      sub: 'x',
      iat: now - 900,
      exp: now - 600,
    })
    const { json } = await exchange(exchangeForm(expired))
    expect(json.error).toBe('invalid_grant')
    expect(json.error_description).toMatch(/expired/)
  })

  test('applies the attribute condition', async () => {
    fakes.sts.settings.attributeCondition = (claims) => claims.repository === 'octo-org/other'
    const { json } = await exchange(exchangeForm(await oidcToken()))
    expect(json).toEqual({
      error: 'invalid_grant',
      error_description: 'The given credential is rejected by the attribute condition.',
    })
  })

  test('injected faults: 503 and connection reset', async () => {
    fakes.sts.failNext(1, 503)
    fakes.sts.failNext(1, 'reset')
    const form = exchangeForm(await oidcToken())
    expect((await exchange(form)).status).toBe(503)
    await expect(exchange(form)).rejects.toThrow()
    expect((await exchange(form)).status).toBe(200)
    expect(fakes.received.filter((r) => r.service === 'sts').map((r) => r.status)).toEqual([503, 'reset', 200])
  })
})

describe('IAM Credentials', () => {
  async function federatedToken(): Promise<string> {
    return (await exchange(exchangeForm(await oidcToken()))).json.access_token as string
  }

  test('mints a service account token for a bound principal', async () => {
    const { status, json } = await generate(await federatedToken(), fakes.serviceAccount, {
      scope: ['https://www.googleapis.com/auth/cloud-platform'],
      lifetime: '600s',
    })
    expect(status).toBe(200)
    expect(json.expireTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(Date.parse(json.expireTime) - Date.now()).toBeGreaterThan(590_000)
    expect(fakes.isValidAccessToken(json.accessToken)).toEqual({
      principal: fakes.serviceAccount,
      scopes: ['https://www.googleapis.com/auth/cloud-platform'],
    })
  })

  test('401 without, or with an unknown or expired, bearer token', async () => {
    expect((await generate(undefined)).status).toBe(401)
    expect((await generate('ya29.unknown')).json.error.status).toBe('UNAUTHENTICATED')
    const token = await federatedToken()
    fakes.tokens.expireAll()
    expect((await generate(token)).status).toBe(401)
    expect(fakes.isValidAccessToken(token)).toBeUndefined()
  })

  test('403 like Google when no binding lets the principal impersonate', async () => {
    const { status, json } = await generate(await federatedToken(), 'stranger@demo-project.iam.gserviceaccount.com')
    expect(status).toBe(403)
    expect(json.error).toMatchObject({
      code: 403,
      status: 'PERMISSION_DENIED',
      message: "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).",
    })
    expect(json.error.details[0]).toMatchObject({ reason: 'IAM_PERMISSION_DENIED' })
  })

  test('bindings match principal, principalSet attribute and pool wildcard members', async () => {
    const pool = `//iam.googleapis.com/projects/${fakes.projectNumber}/locations/global/workloadIdentityPools/github-pool`
    const token = await federatedToken()
    const cases: [string, number][] = [
      [`principal:${pool}/subject/repo:${fakes.repository}:ref:refs/heads/main`, 200],
      [`principalSet:${pool}/attribute.ref/refs/heads/main`, 200],
      [`principalSet:${pool}/*`, 200],
      [`principalSet:${pool}/attribute.repository/octo-org/other`, 403],
      [`principal:${pool}/subject/repo:octo-org/other:ref:refs/heads/main`, 403],
    ]
    for (const [member, expected] of cases) {
      fakes.iam.settings.bindings = { 'ci@demo-project.iam.gserviceaccount.com': [member] }
      expect([member, (await generate(token, 'ci@demo-project.iam.gserviceaccount.com')).status]).toEqual([
        member,
        expected,
      ])
    }
  })

  test('400 for a missing scope or a too long lifetime', async () => {
    const token = await federatedToken()
    expect((await generate(token, fakes.serviceAccount, {})).json.error.status).toBe('INVALID_ARGUMENT')
    expect((await generate(token, fakes.serviceAccount, { scope: ['x'], lifetime: '7200s' })).status).toBe(400)
  })

  test('the request log holds no token', async () => {
    const token = await federatedToken()
    await generate(token)
    const log = JSON.stringify(fakes.received)
    for (const secret of [...fakes.oidc.issuedTokens, ...fakes.tokens.issuedTokens(), fakes.oidc.requestToken]) {
      expect(log).not.toContain(secret)
    }
  })
})
