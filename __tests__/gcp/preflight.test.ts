import { describe, expect, test } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import {
  type GoogleCloudInputs,
  checkGoogleCloud,
  namesRegistryHost,
  usesGoogleCredentials,
} from '../../src/gcp/preflight.js'
import { parseImageReference } from '../../src/image/reference.js'

const PROVIDER = 'projects/123456789012/locations/global/workloadIdentityPools/github-pool/providers/github'
const OIDC = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://oidc.example/token?x=1', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'abc' }
const ADC = { GOOGLE_APPLICATION_CREDENTIALS: '/tmp/adc.json' }
const AR = 'europe-docker.pkg.dev/my-project/apps/api:1.0.0'

function thrown(work: () => void): InputError | undefined {
  try {
    work()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return error as InputError
  }
  return undefined
}

describe('namesRegistryHost', () => {
  test.each([
    ['nginx', false],
    ['nginx:1.27', false],
    ['acme/api:1.0', false],
    ['library/nginx', false],
    ['docker.io/nginx', true],
    ['index.docker.io/acme/api', true],
    [AR, true],
    ['localhost:5000/api', true],
    ['127.0.0.1:5000/acme/api', true],
    ['gcr.io/project/api', true],
  ])('%s → %s', (image, expected) => {
    expect(namesRegistryHost(parseImageReference(image))).toBe(expected)
  })
})

describe('usesGoogleCredentials', () => {
  test.each<[string, GoogleCloudInputs, Record<string, string>, boolean]>([
    ['a provider', { workloadIdentityProvider: PROVIDER }, {}, true],
    ['GOOGLE_APPLICATION_CREDENTIALS', {}, ADC, true],
    ['a blank GOOGLE_APPLICATION_CREDENTIALS', {}, { GOOGLE_APPLICATION_CREDENTIALS: ' ' }, false],
    ['neither', {}, {}, false],
  ])('%s', (_, gcp, env, expected) => {
    expect(usesGoogleCredentials(gcp, env)).toBe(expected)
  })
})

describe('checkGoogleCloud', () => {
  test.each<[string, GoogleCloudInputs, string, Record<string, string>]>([
    ['federation with an Artifact Registry image', { workloadIdentityProvider: PROVIDER }, AR, OIDC],
    ['impersonation', { workloadIdentityProvider: PROVIDER, serviceAccount: 'sa@p.iam.gserviceaccount.com' }, AR, OIDC],
    ['ADC with an Artifact Registry image (no OIDC needed)', {}, AR, ADC],
    ['a public Docker Hub image without Google credentials', {}, 'nginx:1.27', {}],
    ['a host-less image without Google credentials, with OIDC available', {}, 'acme/api:1.0', OIDC],
  ])('accepts %s', (_, gcp, image, env) => {
    expect(thrown(() => checkGoogleCloud(gcp, parseImageReference(image), env))).toBeUndefined()
  })

  test.each<[string, GoogleCloudInputs, string, Record<string, string>, string, RegExp[]]>([
    [
      'federation in a job without id-token: write',
      { workloadIdentityProvider: PROVIDER },
      AR,
      {},
      'workload-identity-provider',
      [/permissions: id-token: write/, /forks and Dependabot/],
    ],
    [
      'federation with only the request URL',
      { workloadIdentityProvider: PROVIDER },
      AR,
      { ACTIONS_ID_TOKEN_REQUEST_URL: OIDC.ACTIONS_ID_TOKEN_REQUEST_URL },
      'workload-identity-provider',
      [/ACTIONS_ID_TOKEN_REQUEST_TOKEN/],
    ],
    [
      'federation with a host-less image',
      { workloadIdentityProvider: PROVIDER },
      'acme/api:1.0',
      OIDC,
      'image',
      [
        /"acme\/api" names no registry host/,
        /Docker Hub/,
        /LOCATION-docker\.pkg\.dev/,
        /europe-docker\.pkg\.dev\/PROJECT\/REPOSITORY\/api:1\.0/,
      ],
    ],
    [
      'ADC with a host-less image',
      {},
      'nginx',
      ADC,
      'image',
      [/"nginx" names no registry host/, /europe-docker\.pkg\.dev\/PROJECT\/REPOSITORY\/nginx\./],
    ],
    [
      'a service account without a provider',
      { serviceAccount: 'sa@p.iam.gserviceaccount.com' },
      AR,
      ADC,
      'service-account',
      [/needs workload-identity-provider/],
    ],
    ['an audience without a provider', { audience: 'https://x.example' }, AR, {}, 'audience', [/applies only with/]],
  ])('rejects %s, naming the input', (_, gcp, image, env, input, messages) => {
    const error = thrown(() => checkGoogleCloud(gcp, parseImageReference(image), env))
    expect(error?.input).toBe(input)
    for (const message of messages) expect(error?.message).toMatch(message)
  })

  test('the missing OIDC token is reported before the image host: it is the first thing to fix', () => {
    const error = thrown(() =>
      checkGoogleCloud({ workloadIdentityProvider: PROVIDER }, parseImageReference('acme/api'), {}),
    )
    expect(error?.input).toBe('workload-identity-provider')
  })
})
