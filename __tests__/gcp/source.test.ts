// Choosing the credentials (gcp/source.ts): none, federation, impersonation or ADC, from the
// inputs and GOOGLE_APPLICATION_CREDENTIALS; and `authenticate`, the phase's entry.
import { describe, expect, test } from '@jest/globals'
import { writeFile } from 'node:fs/promises'
import * as path from 'node:path'
import { authenticate, createAccessTokenSource } from '../../src/gcp/source.js'
import { failure } from '../../test-support/failure.js'
import { useCredentialHarness } from '../../test-support/gcp/harness.js'

const h = useCredentialHarness()

/** A minimal external_account file for the stand-ins (OIDC token from a file). */
async function adcFile(): Promise<string> {
  const file = path.join(h.tmp, 'adc.json')
  await writeFile(
    file,
    JSON.stringify({
      type: 'external_account',
      audience: `//iam.googleapis.com/${h.fakes.provider}`,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: `${h.fakes.stsEndpoint}/v1/token`,
      credential_source: { file: path.join(h.tmp, 'token.jwt') },
    }),
  )
  return file
}

describe('createAccessTokenSource chooses', () => {
  test.each<[string, Record<string, unknown>, boolean, string | undefined, (f: typeof h.fakes) => string]>([
    ['nothing without a provider or ADC', { workloadIdentityProvider: undefined }, false, undefined, () => ''],
    ['direct federation with a provider', {}, false, 'workload-identity-federation', (f) => f.provider],
    [
      'impersonation with a service account',
      { serviceAccount: 'deployer@demo-project.iam.gserviceaccount.com' },
      false,
      'service-account-impersonation',
      () => 'deployer@demo-project.iam.gserviceaccount.com',
    ],
    [
      'ADC from GOOGLE_APPLICATION_CREDENTIALS',
      { workloadIdentityProvider: undefined },
      true,
      'application-default',
      (f) => f.provider,
    ],
    ['the provider over ADC when both are set', {}, true, 'workload-identity-federation', (f) => f.provider],
  ])('%s', async (_, extra, withAdc, kind, principal) => {
    if (withAdc) process.env.GOOGLE_APPLICATION_CREDENTIALS = await adcFile()
    const source = await createAccessTokenSource(h.options(extra))
    expect(source?.kind).toBe(kind)
    if (kind !== undefined) expect(source?.principal).toBe(principal(h.fakes))
    // Choosing makes no request: the first token is fetched on demand.
    expect(h.fakes.received).toEqual([])
  })

  test.each([
    [
      'service-account',
      { workloadIdentityProvider: undefined, serviceAccount: 'a@b.iam.gserviceaccount.com' },
      /^Input 'service-account': .*workload-identity-provider/,
    ],
    [
      'audience',
      { workloadIdentityProvider: undefined, audience: 'https://x.example' },
      /^Input 'audience': applies only with/,
    ],
  ])('refuses %s without a provider', async (_, extra, message) => {
    expect((await failure(createAccessTokenSource(h.options(extra)))).message).toMatch(message)
  })
})

describe('authenticate', () => {
  test('gets the first token at once and says who it is', async () => {
    const source = await authenticate(h.options())
    expect(source?.kind).toBe('workload-identity-federation')
    expect(h.fakes.sts.exchanges).toBe(1)
    expect(h.printed()).toContain(`Authenticated to Google Cloud: workload-identity-federation as ${h.fakes.provider}`)
  })

  test('without credentials: anonymous, and says so', async () => {
    expect(await authenticate(h.options({ workloadIdentityProvider: undefined }))).toBeUndefined()
    expect(h.printed()).toContain('the registry is accessed anonymously')
  })

  test('a failed first exchange fails the phase with the explanation', async () => {
    h.fakes.sts.settings.allowedAudiences = ['https://only.example']
    const error = await failure(authenticate(h.options()))
    expect(error.message).toMatch(/^Google STS rejected the GitHub OIDC token/)
  })
})
