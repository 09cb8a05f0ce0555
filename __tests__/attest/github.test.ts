// Reading the attestations of a digest from the GitHub stand-in, which checks every request against
// GitHub's OpenAPI description: every page through the `after` cursor, none as an empty list.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { listAttestations } from '../../src/attest/github.js'
import { type FakeGitHub, startFakeGitHub } from '../../test-support/github-api/server.js'

const DIGEST = `sha256:${'12'.repeat(32)}`
let github: FakeGitHub

beforeAll(async () => {
  github = await startFakeGitHub()
})

afterAll(async () => {
  await github?.close()
})

afterEach(() => {
  expect(github.takeValidationErrors()).toEqual([])
  github.attestations.clear()
  github.resetRequests()
})

describe('listAttestations', () => {
  test('follows the Link header through every page, in order', async () => {
    for (let i = 0; i < 230; i++) {
      github.attestations.add('acme/api', DIGEST, { mediaType: `application/vnd.dev.sigstore.bundle.v0.3+json;n=${i}` })
    }
    const found = await listAttestations(github.url, github.token, 'acme/api', DIGEST)
    expect(found.map((a) => (a.bundle as { mediaType: string }).mediaType.split('n=')[1])).toEqual(
      Array.from({ length: 230 }, (_, i) => String(i)),
    )
    const pages = github.requests.filter((r) => r.path === `/repos/acme/api/attestations/${DIGEST}`)
    expect(pages.map((r) => new URLSearchParams(r.query).has('after'))).toEqual([false, true, true])
    expect(pages.every((r) => new URLSearchParams(r.query).get('per_page') === '100')).toBe(true)
  })

  test('none for the digest (GitHub answers 404): an empty list', async () => {
    github.attestations.add('acme/api', `sha256:${'34'.repeat(32)}`, { mediaType: 'x' })
    expect(await listAttestations(github.url, github.token, 'acme/api', DIGEST)).toEqual([])
    expect(await listAttestations(github.url, github.token, 'acme/other', DIGEST)).toEqual([])
  })

  test('a token GitHub rejects: says which permission the token needs', async () => {
    await expect(listAttestations(github.url, 'ghs_wrong_token_0000', 'acme/api', DIGEST)).rejects.toThrow(
      'GitHub answered 401 (Bad credentials). The token in `source-token` needs `attestations: read` on acme/api',
    )
  })
})
