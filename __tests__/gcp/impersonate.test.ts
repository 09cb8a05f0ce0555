import { describe, expect, test } from '@jest/globals'
import { serviceAccountOf, impersonationUrl } from '../../src/gcp/impersonate.js'

const ACCOUNT = 'deployer@demo-project.iam.gserviceaccount.com'

describe('impersonationUrl', () => {
  test.each([
    ['https://iamcredentials.googleapis.com', ACCOUNT],
    ['https://iamcredentials.googleapis.com/', ACCOUNT],
    ['http://127.0.0.1:8080//', '123456789012345678901'],
  ])('%s, %s', (endpoint, account) => {
    const url = impersonationUrl(endpoint, account)
    expect(url).toBe(`${endpoint.replace(/\/+$/, '')}/v1/projects/-/serviceAccounts/${account}:generateAccessToken`)
    expect(serviceAccountOf(url)).toBe(account)
  })
})

describe('serviceAccountOf', () => {
  test.each([
    [undefined, undefined],
    [
      'https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/a@b.iam.gserviceaccount.com:signBlob',
      undefined,
    ],
    ['https://sts.googleapis.com/v1/token', undefined],
  ])('%s → %s', (url, expected) => {
    expect(serviceAccountOf(url)).toBe(expected)
  })
})
