// Google access tokens reach only Google's registries and their own token realms.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { RegistryClient } from '../../src/registry/client.js'
import { acceptsGoogleCredentials, mayReceiveCredentials } from '../../src/registry/trust.js'
import { failure } from '../../test-support/failure.js'

describe('acceptsGoogleCredentials', () => {
  test.each([
    ['europe-docker.pkg.dev', true],
    ['us-central1-docker.pkg.dev', true],
    ['gcr.io', true],
    ['eu.gcr.io', true],
    ['127.0.0.1:5000', true],
    ['localhost:5000', true],
    ['[::1]:5000', true],
    ['docker.io', false],
    ['ghcr.io', false],
    ['evil-docker.pkg.dev.example.com', false],
    ['gcr.io.example.com', false],
    ['notgcr.io', false],
  ])('%s → %s', (host, expected) => {
    expect(acceptsGoogleCredentials(host)).toBe(expected)
  })
})

describe('mayReceiveCredentials', () => {
  test.each([
    ['europe-docker.pkg.dev', 'europe-docker.pkg.dev', true],
    ['gcr.io', 'eu.gcr.io', true],
    ['auth.example.com', 'europe-docker.pkg.dev', false],
    ['127.0.0.1:9000', '127.0.0.1:5000', true],
  ])('realm %s for registry %s → %s', (realm, registry, expected) => {
    expect(mayReceiveCredentials(realm, registry)).toBe(expected)
  })
})

describe('a challenge that points the token request elsewhere', () => {
  let server: Server
  let host: string
  const authorizations: (string | undefined)[] = []

  beforeAll(async () => {
    server = createServer((req, res) => {
      authorizations.push(req.headers.authorization)
      res
        .writeHead(401, { 'www-authenticate': 'Bearer realm="https://auth.example.com/token",service="registry"' })
        .end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  test('gets no credentials: the client refuses before sending any', async () => {
    const credentials = { getAccessToken: () => Promise.resolve('ya29.secret-google-token') }
    const client = new RegistryClient({ registry: host, repository: 'team/app', credentials, access: 'pull' })

    const error = await failure(client.resolve('v1'))

    expect(error.message).toMatch(/auth\.example\.com.*refusing to send Google Cloud credentials/)
    expect(error.message).not.toContain('ya29')
    expect(authorizations.every((value) => value === undefined)).toBe(true)
  })
})
