// Authentication variants: Artifact Registry's challenge without `service`, short-lived
// tokens renewed before they expire, anonymous registries, and Basic challenges.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { parseImageReference } from '../../src/image/reference.js'
import { RegistryClient } from '../../src/registry/client.js'
import { registryErrorDetail, remedy, statusFailure } from '../../src/registry/errors.js'
import { publishImage } from '../../src/registry/publish.js'
import { type RegistryStandIn, TEST_ACCESS_TOKEN, startRegistry } from '../../test-support/registry/launch.js'
import { type LayoutEntry, writeLayout } from '../../test-support/oci/layout.js'
import { failure } from '../../test-support/failure.js'

let work: string
let layout: { dir: string; entry: LayoutEntry }
const creds = { getAccessToken: () => Promise.resolve(TEST_ACCESS_TOKEN) }

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'auth-test-'))
  const dir = path.join(work, 'layout')
  const { digests } = await writeLayout(dir, [{ layers: [{ size: 5000, seed: 1 }], refName: 'v1' }])
  layout = { dir, entry: digests[0]! }
})

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

const push = (host: string, repository: string, credentials = creds as typeof creds | undefined) =>
  publishImage({
    image: parseImageReference(`${host}/${repository}:v1`),
    source: { kind: 'layout', path: layout.dir, input: 'layout' },
    ...(credentials !== undefined && { credentials }),
    dryRun: false,
  })

describe('Artifact Registry style: no service in the challenge, short-lived tokens', () => {
  let registry: RegistryStandIn
  beforeAll(async () => {
    registry = await startRegistry({ auth: 'token', omitService: true, tokenLifetimeSeconds: 2 })
  })
  afterAll(async () => {
    await registry?.close()
  })

  test('pushes without a service parameter', async () => {
    const result = await push(registry.host, 'team/app')
    expect(result).toMatchObject({ action: 'pushed', digest: layout.entry.digest })
    expect(registry.tokenRequests.length).toBeGreaterThan(0)
    for (const request of registry.tokenRequests) expect(request.service).toBeUndefined()
  })

  test('a token is renewed before it expires, without a 401 first', async () => {
    const client = new RegistryClient({
      registry: registry.host,
      repository: 'team/app',
      credentials: creds,
      access: 'pull',
    })
    expect((await client.resolve('v1'))?.digest).toBe(layout.entry.digest)
    const tokens = registry.tokenRequests.length
    const since = registry.requests.length
    await new Promise((resolve) => setTimeout(resolve, 1700))
    expect((await client.resolve('v1'))?.digest).toBe(layout.entry.digest)
    expect(registry.tokenRequests.length).toBe(tokens + 1)
    expect(registry.requests.slice(since).map((r) => r.status)).not.toContain(401)
  })
})

describe('anonymous and Basic registries', () => {
  let registry: RegistryStandIn
  let basic: Server
  let basicHost: string

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'none' })
    // A registry behind Basic auth (oauth2accesstoken + access token), forwarding to the open one.
    const expected = `Basic ${Buffer.from(`oauth2accesstoken:${TEST_ACCESS_TOKEN}`).toString('base64')}`
    const [upstreamHost, upstreamPort] = registry.directHost.split(':')
    basic = createServer((req, res) => {
      if (req.headers.authorization !== expected) {
        req.resume()
        res.writeHead(401, { 'www-authenticate': 'Basic realm="basic-registry"', 'content-type': 'application/json' })
        res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }))
        return
      }
      const upstream = httpRequest(
        { host: upstreamHost, port: Number(upstreamPort), method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        },
      )
      req.pipe(upstream)
    })
    await new Promise<void>((resolve) => basic.listen(0, '127.0.0.1', resolve))
    basicHost = `127.0.0.1:${(basic.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    basic?.closeAllConnections()
    await new Promise((resolve) => basic?.close(resolve))
    await registry?.close()
  })

  test('an open registry needs no credentials and gets no token requests', async () => {
    const result = await push(registry.host, 'open/app', undefined)
    expect(result).toMatchObject({ action: 'pushed', digest: layout.entry.digest, blobsUploaded: 2 })
    expect(registry.tokenRequests).toEqual([])
  })

  test('a Basic challenge is answered with oauth2accesstoken and the access token', async () => {
    const result = await push(basicHost, 'basic/app')
    expect(result).toMatchObject({ action: 'pushed', digest: layout.entry.digest })
  })

  test('rejected Basic credentials: one renewal, then an error with the fix', async () => {
    let invalidations = 0
    const wrong = {
      getAccessToken: () => Promise.resolve('stale-access-token'),
      invalidate: () => void invalidations++,
    }
    const error = await failure(push(basicHost, 'basic/other', wrong))
    expect(error.message).toMatch(
      new RegExp(`^Registry ${basicHost}, repository basic/other: HEAD manifest sha256:\\w+ failed with HTTP 401\\.`),
    )
    expect(error.message).toContain('the principal needs roles/artifactregistry.writer on the repository')
    expect(error.message).not.toContain('stale-access-token')
    expect(invalidations).toBe(1)
  })
})

describe('error text (pure)', () => {
  test.each([
    [
      401,
      'push',
      true,
      'The registry did not accept the credentials: check the Google Cloud authentication inputs; the principal needs roles/artifactregistry.writer on the repository.',
    ],
    [
      401,
      'pull',
      false,
      'No credentials were configured: set workload-identity-provider (and service-account), or GOOGLE_APPLICATION_CREDENTIALS, so the action can authenticate.',
    ],
    [403, 'push', true, 'The principal needs roles/artifactregistry.writer on the repository.'],
    [403, 'pull', true, 'The principal needs roles/artifactregistry.reader on the repository.'],
    [500, 'push', true, ''],
  ] as const)('HTTP %i for %s (credentials: %s)', (status, access, hasCredentials, expected) => {
    expect(remedy(status, access, hasCredentials)).toBe(expected)
  })

  test('Artifact Registry denial body', () => {
    const body = Buffer.from(
      JSON.stringify({
        errors: [
          {
            code: 'DENIED',
            message:
              'Permission "artifactregistry.repositories.uploadArtifacts" denied on resource "projects/p/locations/europe/repositories/r"',
          },
        ],
      }),
    )
    expect(
      statusFailure(
        { registry: 'europe-docker.pkg.dev', repository: 'p/r/app' },
        'start upload of blob 0123456789ab',
        403,
        body,
        'push',
        true,
      ),
    ).toBe(
      'Registry europe-docker.pkg.dev, repository p/r/app: start upload of blob 0123456789ab failed with HTTP 403 (DENIED: Permission "artifactregistry.repositories.uploadArtifacts" denied on resource "projects/p/locations/europe/repositories/r"). The principal needs roles/artifactregistry.writer on the repository.',
    )
    expect(registryErrorDetail(Buffer.from('<html>bad gateway</html>\n'))).toEqual({ text: '<html>bad gateway</html>' })
    expect(remedy(404, 'push', true, 'NAME_UNKNOWN')).toMatch(/repository exists/)
  })
})
