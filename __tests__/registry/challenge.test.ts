import { describe, expect, test } from '@jest/globals'
import { parseChallenges, registryChallenge } from '../../src/registry/challenge.js'

describe('parseChallenges', () => {
  test.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io' } }],
    ],
    // Artifact Registry: no service parameter.
    [
      'Bearer realm="https://europe-docker.pkg.dev/v2/token"',
      [{ scheme: 'bearer', params: { realm: 'https://europe-docker.pkg.dev/v2/token' } }],
    ],
    // A comma inside a quoted value belongs to the value.
    [
      'Bearer realm="https://r/token",service="r",scope="repository:a/b:pull,push",error="invalid_token"',
      [
        {
          scheme: 'bearer',
          params: { realm: 'https://r/token', service: 'r', scope: 'repository:a/b:pull,push', error: 'invalid_token' },
        },
      ],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    ['basic', [{ scheme: 'basic', params: {} }]],
    // Spaces around "=" and commas, unquoted values, mixed case names.
    [
      'BEARER  Realm = "https://r/t" ,  Service=reg',
      [{ scheme: 'bearer', params: { realm: 'https://r/t', service: 'reg' } }],
    ],
    // Escaped quote inside a quoted string.
    ['Basic realm="say \\"hi\\", twice"', [{ scheme: 'basic', params: { realm: 'say "hi", twice' } }]],
    // Two challenges in one header, and a token68 challenge before them.
    [
      'Negotiate abc==, Basic realm="x", Bearer realm="https://r/t",service="s"',
      [
        { scheme: 'negotiate', params: {} },
        { scheme: 'basic', params: { realm: 'x' } },
        { scheme: 'bearer', params: { realm: 'https://r/t', service: 's' } },
      ],
    ],
    ['', []],
  ])('%s', (header, expected) => {
    expect(parseChallenges(header)).toEqual(expected)
  })

  test('several header lines', () => {
    expect(parseChallenges(['Basic realm="a"', 'Bearer realm="https://b"']).map((c) => c.scheme)).toEqual([
      'basic',
      'bearer',
    ])
  })

  test('undefined', () => {
    expect(parseChallenges(undefined)).toEqual([])
  })
})

describe('registryChallenge', () => {
  test.each([
    [
      'Bearer realm="https://europe-docker.pkg.dev/v2/token"',
      { kind: 'bearer', realm: 'https://europe-docker.pkg.dev/v2/token' },
    ],
    [
      'Bearer realm="http://127.0.0.1:5000/token",service="svc",scope="repository:x:pull"',
      { kind: 'bearer', realm: 'http://127.0.0.1:5000/token', service: 'svc', scope: 'repository:x:pull' },
    ],
    ['Basic realm="r", Bearer realm="https://t"', { kind: 'bearer', realm: 'https://t' }],
    ['Basic realm="r"', { kind: 'basic', realm: 'r' }],
    ['Basic', { kind: 'basic' }],
    // A Bearer challenge without a realm cannot be answered: fall back to Basic if offered.
    ['Bearer service="s", Basic', { kind: 'basic' }],
    ['Bearer service="s"', undefined],
    ['Digest realm="x", nonce="y"', undefined],
  ])('%s', (header, expected) => {
    expect(registryChallenge(header)).toEqual(expected)
  })
})
