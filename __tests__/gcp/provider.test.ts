import { describe, expect, test } from '@jest/globals'
import { InputError } from '../../src/errors.js'
import {
  defaultAudience,
  parseWorkloadIdentityProvider,
  providerParts,
  stsAudience,
  validateServiceAccountEmail,
} from '../../src/gcp/provider.js'

const PROVIDER = 'projects/123456789012/locations/global/workloadIdentityPools/github-pool/providers/github'

describe('parseWorkloadIdentityProvider', () => {
  test.each([
    ['the resource name', PROVIDER],
    ['surrounding whitespace', `  ${PROVIDER}\n`],
    ['the STS audience form', `//iam.googleapis.com/${PROVIDER}`],
    ['the OIDC audience form', `https://iam.googleapis.com/${PROVIDER}`],
  ])('accepts %s', (_, value) => {
    expect(parseWorkloadIdentityProvider(value)).toBe(PROVIDER)
  })

  test.each([
    ['empty', '', /is empty/],
    [
      'a pool',
      'projects/123456789012/locations/global/workloadIdentityPools/github-pool',
      /this is a pool; append \/providers\/PROVIDER_ID/,
    ],
    [
      'a pool with a trailing slash',
      'projects/123456789012/locations/global/workloadIdentityPools/github-pool/',
      /this is a pool/,
    ],
    [
      'a project ID',
      'projects/my-project/locations/global/workloadIdentityPools/github-pool/providers/github',
      /use the project NUMBER: gcloud projects describe my-project --format='value\(projectNumber\)'/,
    ],
    [
      'another location',
      'projects/123456789012/locations/us-central1/workloadIdentityPools/github-pool/providers/github',
      /location "global", not "us-central1"/,
    ],
    ['no location', 'projects/123456789012/workloadIdentityPools/github-pool/providers/github', /has no location/],
    [
      'a workforce pool',
      'locations/global/workforcePools/staff/providers/github',
      /this is a workforce pool \(for people\)/,
    ],
    [
      'a workforce pool in the audience form',
      '//iam.googleapis.com/locations/global/workforcePools/staff/providers/github',
      /workforce pool.*workloadIdentityPools/,
    ],
    [
      'a workforce pool under a project',
      'projects/123456789012/locations/global/workforcePools/staff/providers/github',
      /workforce pool/,
    ],
    ['a bare provider ID', 'github', /not a full resource name.*providers describe/],
    [
      'a provider key without ID',
      'projects/123456789012/locations/global/workloadIdentityPools/github-pool/providers',
      /names no provider/,
    ],
    ['extra segments', `${PROVIDER}/keys/1`, /unexpected "\/keys\/1" after the provider/],
    [
      'an uppercase pool ID',
      'projects/123456789012/locations/global/workloadIdentityPools/GitHub/providers/github',
      /pool ID "GitHub" must be 4-32 lowercase/,
    ],
    [
      'a short provider ID',
      'projects/123456789012/locations/global/workloadIdentityPools/github-pool/providers/gh',
      /provider ID "gh" must be 4-32/,
    ],
    ['a URL of another host', `https://example.com/${PROVIDER}`, /not a full resource name/],
  ])('rejects %s, naming the input', (_, value, message) => {
    let thrown: unknown
    try {
      parseWorkloadIdentityProvider(value)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InputError)
    expect((thrown as InputError).input).toBe('workload-identity-provider')
    expect((thrown as Error).message).toMatch(/^Input 'workload-identity-provider': /)
    expect((thrown as Error).message).toMatch(message)
  })
})

test('audiences derive from the provider', () => {
  expect(defaultAudience(PROVIDER)).toBe(`https://iam.googleapis.com/${PROVIDER}`)
  expect(stsAudience(PROVIDER)).toBe(`//iam.googleapis.com/${PROVIDER}`)
  expect(providerParts(PROVIDER)).toEqual({ projectNumber: '123456789012', pool: 'github-pool', provider: 'github' })
})

describe('validateServiceAccountEmail', () => {
  test.each([
    ['deployer@demo-project.iam.gserviceaccount.com', 'deployer@demo-project.iam.gserviceaccount.com'],
    [' deployer@demo-project.iam.gserviceaccount.com ', 'deployer@demo-project.iam.gserviceaccount.com'],
    ['demo-project@appspot.gserviceaccount.com', 'demo-project@appspot.gserviceaccount.com'],
    ['112233445566778899001', '112233445566778899001'],
  ])('accepts %s', (value, expected) => {
    expect(validateServiceAccountEmail(value)).toBe(expected)
  })

  test.each([
    ['', /is empty/],
    ['deployer', /not an email; expected deployer@PROJECT_ID\.iam\.gserviceaccount\.com/],
    ['serviceAccount:deployer@demo-project.iam.gserviceaccount.com', /drop the "serviceAccount:" prefix/],
    ['projects/-/serviceAccounts/deployer@demo-project.iam.gserviceaccount.com', /resource name/],
    ['deployer@demo project.iam.gserviceaccount.com', /not a valid service account email/],
    ['de/ployer@demo-project.iam.gserviceaccount.com', /not a valid service account email/],
  ])('rejects %j', (value, message) => {
    expect(() => validateServiceAccountEmail(value)).toThrow(message)
    expect(() => validateServiceAccountEmail(value)).toThrow(/^Input 'service-account': /)
  })
})
