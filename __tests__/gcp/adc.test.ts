// Application Default Credentials (gcp/adc.ts) through the source entry: the external_account
// files google-github-actions/auth writes, against the stand-ins.
import { describe, expect, test } from '@jest/globals'
import { writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import { createAccessTokenSource } from '../../src/gcp/source.js'
import { decodeJwt } from '../../test-support/gcp/index.js'
import { failure } from '../../test-support/failure.js'
import { maskOf, useCredentialHarness } from '../../test-support/gcp/harness.js'

const h = useCredentialHarness()

describe('application default credentials', () => {
  test('no provider and no GOOGLE_APPLICATION_CREDENTIALS: anonymous', async () => {
    expect(await createAccessTokenSource(h.options({ workloadIdentityProvider: undefined }))).toBeUndefined()
  })

  // The file google-github-actions/auth writes: the OIDC token comes from credential_source.url.
  async function writeAuthActionFile(name: string, serviceAccount?: string): Promise<string> {
    const url = new URL(h.fakes.oidc.url)
    url.searchParams.set('audience', `https://iam.googleapis.com/${h.fakes.provider}`)
    const file = path.join(h.tmp, name)
    await writeFile(
      file,
      JSON.stringify({
        type: 'external_account',
        audience: `//iam.googleapis.com/${h.fakes.provider}`,
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: `${h.fakes.stsEndpoint}/v1/token`,
        credential_source: {
          url: url.toString(),
          headers: { Authorization: `Bearer ${h.fakes.oidc.requestToken}` },
          format: { type: 'json', subject_token_field_name: 'value' },
        },
        ...(serviceAccount && {
          service_account_impersonation_url: `${h.fakes.iamCredentialsEndpoint}/v1/projects/-/serviceAccounts/${serviceAccount}:generateAccessToken`,
        }),
      }),
    )
    return file
  }

  test('the external_account file of google-github-actions/auth (direct)', async () => {
    process.env.GOOGLE_APPLICATION_CREDENTIALS = await writeAuthActionFile('direct.json')
    const source = await createAccessTokenSource(h.options({ workloadIdentityProvider: undefined }))
    expect(source?.kind).toBe('application-default')
    expect(source?.principal).toBe(h.fakes.provider)
    const token = await source!.getAccessToken()
    expect(h.fakes.isValidAccessToken(token)?.principal).toMatch(
      /^principal:\/\/iam\.googleapis\.com\/.*\/subject\/repo:/,
    )
    // The JWT fetched by the library from credential_source.url is masked too.
    for (const secret of [...h.fakes.oidc.issuedTokens, token]) expect(h.masked()).toContain(maskOf(secret))
  })

  test('the external_account file of google-github-actions/auth (impersonation)', async () => {
    process.env.GOOGLE_APPLICATION_CREDENTIALS = await writeAuthActionFile('impersonation.json', h.fakes.serviceAccount)
    const source = await createAccessTokenSource(h.options({ workloadIdentityProvider: undefined }))
    expect(source?.principal).toBe(h.fakes.serviceAccount)
    const token = await source!.getAccessToken()
    expect(h.fakes.isValidAccessToken(token)?.principal).toBe(h.fakes.serviceAccount)
    for (const secret of [...h.fakes.oidc.issuedTokens, ...h.fakes.tokens.issuedTokens()])
      expect(h.masked()).toContain(maskOf(secret))
  })

  test("an external_account file's exchange goes through the action's transport (retried)", async () => {
    process.env.GOOGLE_APPLICATION_CREDENTIALS = await writeAuthActionFile('retried.json', h.fakes.serviceAccount)
    h.fakes.oidc.failNext(1, 503)
    h.fakes.sts.failNext(1, 'reset')
    h.fakes.iam.failNext(1, 429)
    const source = await createAccessTokenSource(h.options({ workloadIdentityProvider: undefined }))
    const token = await source!.getAccessToken()
    expect(h.fakes.isValidAccessToken(token)?.principal).toBe(h.fakes.serviceAccount)
    expect(h.statuses('oidc')).toEqual([503, 200])
    expect(h.statuses('sts')).toEqual(['reset', 200])
    expect(h.statuses('iam')).toEqual([429, 200])
  })

  test('an external_account file with a file credential_source', async () => {
    const now = Math.floor(Date.now() / 1000)
    const jwt = h.fakes.oidc.sign({
      iss: h.fakes.oidc.issuer,
      aud: `https://iam.googleapis.com/${h.fakes.provider}`,
      sub: `repo:${h.fakes.repository}:ref:refs/heads/main`,
      repository: h.fakes.repository,
      iat: now,
      exp: now + 300,
    })
    const tokenFile = path.join(h.tmp, 'oidc-token.jwt')
    await writeFile(tokenFile, jwt)
    const file = path.join(h.tmp, 'file-source.json')
    await writeFile(
      file,
      JSON.stringify({
        type: 'external_account',
        audience: `//iam.googleapis.com/${h.fakes.provider}`,
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: `${h.fakes.stsEndpoint}/v1/token`,
        credential_source: { file: tokenFile },
      }),
    )
    process.env.GOOGLE_APPLICATION_CREDENTIALS = file
    const source = await createAccessTokenSource(h.options({ workloadIdentityProvider: undefined }))
    const token = await source!.getAccessToken()
    expect(h.fakes.isValidAccessToken(token)).toBeDefined()
    expect(decodeJwt(jwt)?.claims.repository).toBe(h.fakes.repository)
  })

  test('STS errors through an ADC file are explained too', async () => {
    h.fakes.sts.settings.allowedAudiences = ['https://only-this.example.com']
    process.env.GOOGLE_APPLICATION_CREDENTIALS = await writeAuthActionFile('rejected.json')
    const source = await createAccessTokenSource(h.options({ workloadIdentityProvider: undefined }))
    const error = await failure(source!.getAccessToken())
    expect(error.message).toContain('does not match the expected audience')
    for (const secret of h.fakes.oidc.issuedTokens) expect(error.message).not.toContain(secret)
  })

  test('a missing file is named', async () => {
    process.env.GOOGLE_APPLICATION_CREDENTIALS = path.join(h.tmp, 'missing.json')
    const error = await failure(createAccessTokenSource(h.options({ workloadIdentityProvider: undefined })))
    expect(error.message).toContain(
      `GOOGLE_APPLICATION_CREDENTIALS points at ${path.join(h.tmp, 'missing.json')}, which does not exist`,
    )
  })
})
