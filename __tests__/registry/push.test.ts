// Native push and resolution against the real distribution registry with Artifact-Registry-like
// token auth, cross-checked with skopeo.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { type ImageReference, parseImageReference } from '../../src/image/reference.js'
import { RegistryClient, type RegistryCredentials } from '../../src/registry/client.js'
import { openLayout, selectImage } from '../../src/registry/layout.js'
import { type PublishRequest, inspectSource, publishImage } from '../../src/registry/publish.js'
import { pushImage } from '../../src/registry/push.js'
import { type RegistryStandIn, TEST_ACCESS_TOKEN, startRegistry } from '../../test-support/registry/launch.js'
import { type LayoutEntry, tarLayout, writeLayout } from '../../test-support/oci/layout.js'
import { failure } from '../../test-support/failure.js'

const run = promisify(execFile)
const MIB = 1024 * 1024

let registry: RegistryStandIn
let work: string
let single: { dir: string; entry: LayoutEntry }

beforeAll(async () => {
  registry = await startRegistry({ auth: 'token' })
  work = await mkdtemp(path.join(tmpdir(), 'push-test-'))
  const dir = path.join(work, 'single')
  const { digests } = await writeLayout(dir, [
    {
      layers: [
        { size: 2 * MIB, seed: 1 },
        { size: 1000, seed: 2 },
      ],
      refName: 'v1',
    },
  ])
  single = { dir, entry: digests[0]! }
})

afterAll(async () => {
  await registry?.close()
  if (work) await rm(work, { recursive: true, force: true })
})

function credentials(token = TEST_ACCESS_TOKEN): RegistryCredentials & { invalidations: number } {
  return {
    invalidations: 0,
    getAccessToken: () => Promise.resolve(token),
    invalidate() {
      this.invalidations++
    },
  }
}

function ref(repository: string, suffix = ':v1'): ImageReference {
  return parseImageReference(`${registry.host}/${repository}${suffix}`)
}

function layoutRequest(image: ImageReference, dir: string, extra: Partial<PublishRequest> = {}): PublishRequest {
  return {
    image,
    source: { kind: 'layout', path: dir, input: path.basename(dir) },
    credentials: credentials(),
    dryRun: false,
    ...extra,
  }
}

async function skopeoRaw(reference: string): Promise<Buffer> {
  const { stdout } = await run('skopeo', ['inspect', '--raw', ...registry.skopeoCredsArgs(), `docker://${reference}`], {
    encoding: 'buffer',
    maxBuffer: 16 * MIB,
  })
  return stdout
}

const sha = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`
const uploads = (since: number): string[] =>
  registry.requests
    .slice(since)
    .filter((r) => /\/blobs\/uploads\//.test(r.path))
    .map((r) => `${r.method} ${r.status}`)

describe('layout source', () => {
  test('pushes a layout directory; skopeo reads back the same manifest bytes', async () => {
    const image = ref('team/app')
    const result = await publishImage(layoutRequest(image, single.dir))
    expect(result).toMatchObject({
      action: 'pushed',
      pushed: true,
      registry: registry.host,
      digest: single.entry.digest,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      blobsUploaded: 3,
      blobsPresent: 0,
    })
    expect(result.bytesUploaded).toBeGreaterThan(2 * MIB)
    // The token request asked for this repository only, with the service from the challenge.
    expect(registry.tokenRequests.at(-1)).toMatchObject({
      scope: 'repository:team/app:pull,push',
      service: 'registry-stand-in',
      user: 'oauth2accesstoken',
      status: 200,
    })
    expect(sha(await skopeoRaw(`${registry.host}/team/app:v1`))).toBe(result.digest)
  })

  test('a second push finds every blob present and uploads nothing', async () => {
    const image = ref('team/app')
    const since = registry.requests.length
    const result = await publishImage(layoutRequest(image, single.dir))
    expect(result).toMatchObject({
      action: 'pushed',
      digest: single.entry.digest,
      blobsUploaded: 0,
      blobsPresent: 3,
      bytesUploaded: 0,
    })
    expect(uploads(since)).toEqual([])
  })

  test('a new image sharing a layer: the shared blob is skipped after a HEAD, the rest uploaded', async () => {
    const dir = path.join(work, 'shared')
    const { digests } = await writeLayout(dir, [
      {
        layers: [
          { size: 2 * MIB, seed: 1 },
          { size: 500, seed: 3 },
        ],
        refName: 'v3',
      },
    ])
    const since = registry.requests.length
    const result = await publishImage(layoutRequest(ref('team/app', ':v3'), dir))
    expect(result).toMatchObject({ digest: digests[0]!.digest, blobsUploaded: 2, blobsPresent: 1 })
    expect(result.bytesUploaded).toBeLessThan(MIB)
    expect(
      registry.requests
        .slice(since)
        .filter((r) => r.method === 'HEAD' && r.path.includes('/blobs/'))
        .map((r) => r.status)
        .sort(),
    ).toEqual([200, 404, 404])
  })

  test('a tar of the layout (docker save of Docker >= 25)', async () => {
    const tarFile = path.join(work, 'single.tar')
    await tarLayout(single.dir, tarFile, { dockerManifest: true })
    const result = await publishImage(layoutRequest(ref('team/from-tar', ':v2'), tarFile))
    expect(result).toMatchObject({ action: 'pushed', digest: single.entry.digest, blobsUploaded: 3 })
    expect(sha(await skopeoRaw(`${registry.host}/team/from-tar:v2`))).toBe(single.entry.digest)
  })

  test('multi-platform image: children by digest, the index by tag, the index digest pinned', async () => {
    const dir = path.join(work, 'multi')
    const { digests } = await writeLayout(dir, [], {
      multiPlatform: {
        refName: 'v1',
        images: [
          { layers: [{ size: 3000, seed: 11 }], platform: { os: 'linux', architecture: 'amd64' } },
          { layers: [{ size: 3000, seed: 12 }], platform: { os: 'linux', architecture: 'arm64' } },
        ],
      },
    })
    const result = await publishImage(layoutRequest(ref('team/multi'), dir))
    expect(result).toMatchObject({
      digest: digests[0]!.digest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      blobsUploaded: 4,
    })
    expect(sha(await skopeoRaw(`${registry.host}/team/multi:v1`))).toBe(result.digest)
    for (const child of digests[0]!.children!) {
      expect(sha(await skopeoRaw(`${registry.host}/team/multi@${child.digest}`))).toBe(child.digest)
    }
    // Resolving the tag answers the index, not one platform's manifest.
    const resolved = await publishImage({
      image: ref('team/multi'),
      source: { kind: 'registry' },
      credentials: credentials(),
      dryRun: false,
    })
    expect(resolved).toMatchObject({
      action: 'resolved',
      digest: digests[0]!.digest,
      mediaType: 'application/vnd.oci.image.index.v1+json',
    })
  })

  test('buildx provenance-wrapped single platform: the index digest is pinned', async () => {
    const dir = path.join(work, 'buildx')
    const { digests } = await writeLayout(dir, [{ layers: [{ size: 2000, seed: 21 }], refName: 'v1' }], {
      buildxAttestation: true,
    })
    const plan = await inspectSource(layoutRequest(ref('team/buildx'), dir))
    expect(plan.summary).toMatch(/index: linux\/amd64 \+ 1 attestation/)
    const result = await publishImage(layoutRequest(ref('team/buildx'), dir), plan)
    expect(result.digest).toBe(digests[0]!.digest)
    expect(sha(await skopeoRaw(`${registry.host}/team/buildx:v1`))).toBe(digests[0]!.digest)
  })

  test('dry run computes the digest locally and sends nothing', async () => {
    const since = registry.requests.length
    const result = await publishImage(layoutRequest(ref('team/dry'), single.dir, { dryRun: true }))
    expect(result).toMatchObject({ action: 'would-push', pushed: false, digest: single.entry.digest, blobsUploaded: 0 })
    expect(registry.requests.length).toBe(since)
  })

  test('a digest in the image input must be the layout image digest, checked before any request', async () => {
    const since = registry.requests.length
    const wrong = `sha256:${'0'.repeat(64)}`
    await expect(inspectSource(layoutRequest(ref('team/app', `:v1@${wrong}`), single.dir))).rejects.toThrow(
      `The image in single has digest ${single.entry.digest}, but the image input pins ${wrong}.`,
    )
    expect(registry.requests.length).toBe(since)
    const ok = await publishImage(layoutRequest(ref('team/pinned', `:v1@${single.entry.digest}`), single.dir))
    expect(ok).toMatchObject({ action: 'pushed', digest: single.entry.digest })
  })

  test('chunked upload: PATCH chunks with Content-Range, then PUT', async () => {
    const dir = path.join(work, 'chunked')
    await writeLayout(dir, [{ layers: [{ size: 10 * MIB, seed: 31 }], refName: 'v1' }])
    const layout = await openLayout(dir)
    const image = await selectImage(layout, ref('team/chunked'))
    const client = new RegistryClient({
      registry: registry.host,
      repository: 'team/chunked',
      credentials: credentials(),
      monolithicLimit: MIB,
      chunkSize: 3 * MIB,
    })
    const since = registry.requests.length
    const result = await pushImage({ client, image, blobs: layout.blobs, tag: 'v1' })
    expect(result.blobsUploaded).toBe(2)
    // config (< 1 MiB): POST + PUT; layer (10 MiB in 3 MiB chunks): POST + 4 PATCH + PUT.
    expect(uploads(since).sort()).toEqual([
      'PATCH 202',
      'PATCH 202',
      'PATCH 202',
      'PATCH 202',
      'POST 202',
      'POST 202',
      'PUT 201',
      'PUT 201',
    ])
    expect(sha(await skopeoRaw(`${registry.host}/team/chunked:v1`))).toBe(result.digest)
  })
})

describe('registry source and digests', () => {
  test('resolves a tag to the digest the registry holds', async () => {
    const result = await publishImage({
      image: ref('team/app'),
      source: { kind: 'registry' },
      credentials: credentials(),
      dryRun: false,
    })
    expect(result).toMatchObject({
      action: 'resolved',
      pushed: false,
      digest: single.entry.digest,
      registry: registry.host,
    })
    // Resolution only reads: the token asked for pull.
    expect(registry.tokenRequests.at(-1)?.scope).toBe('repository:team/app:pull')
  })

  test('a missing tag is a clear error naming the image', async () => {
    await expect(
      publishImage({
        image: ref('team/app', ':nope'),
        source: { kind: 'registry' },
        credentials: credentials(),
        dryRun: false,
      }),
    ).rejects.toThrow(`Tag nope of ${registry.host}/team/app is not in the registry ${registry.host}.`)
  })

  test('a digest given in the image is verified; a missing one fails without writing', async () => {
    const found = await publishImage({
      image: ref('team/app', `@${single.entry.digest}`),
      source: { kind: 'registry' },
      credentials: credentials(),
      dryRun: false,
    })
    expect(found).toMatchObject({ action: 'verified', digest: single.entry.digest })
    const missing = `sha256:${'1'.repeat(64)}`
    const since = registry.requests.length
    await expect(
      publishImage({
        image: ref('team/app', `:v1@${missing}`),
        source: { kind: 'docker' },
        credentials: credentials(),
        dryRun: false,
      }),
    ).rejects.toThrow(`${registry.host}/team/app:v1@${missing} is not in the registry ${registry.host}`)
    expect(registry.requests.slice(since).every((r) => r.method === 'GET' || r.method === 'HEAD')).toBe(true)
  })
})

describe('failures', () => {
  test('5xx and a connection reset during upload are retried, restarting the blob upload', async () => {
    registry.injectFault({ method: 'PUT', path: /\/blobs\/uploads\//, status: 503, times: 1 })
    registry.injectFault({ method: 'POST', path: /\/blobs\/uploads\//, reset: true, times: 1 })
    registry.injectFault({ method: 'HEAD', path: /\/blobs\//, status: 500, times: 1 })
    const since = registry.requests.length
    const result = await publishImage(layoutRequest(ref('team/flaky'), single.dir))
    expect(result).toMatchObject({ action: 'pushed', digest: single.entry.digest, blobsUploaded: 3 })
    const statuses = registry.requests.slice(since).map((r) => r.status)
    expect(statuses).toEqual(expect.arrayContaining([503, 500, 0]))
    expect(sha(await skopeoRaw(`${registry.host}/team/flaky:v1`))).toBe(single.entry.digest)
  })

  test('a chunked upload broken mid-stream restarts from scratch with a reopened stream', async () => {
    const layout = await openLayout(single.dir)
    const image = await selectImage(layout, ref('team/chunk-retry'))
    const layer = image.blobs.find((b) => b.size > MIB)!
    const client = new RegistryClient({
      registry: registry.host,
      repository: 'team/chunk-retry',
      credentials: credentials(),
      monolithicLimit: 1,
      chunkSize: 512 * 1024,
      retry: { baseDelayMs: 10 },
    })
    registry.injectFault({ method: 'PATCH', path: /team\/chunk-retry/, reset: true, times: 1 })
    registry.injectFault({ method: 'PATCH', path: /team\/chunk-retry/, status: 502, times: 1 })
    let opened = 0
    const since = registry.requests.length
    await client.uploadBlob(layer.digest, layer.size, () => {
      opened++
      return layout.blobs.open(layer.digest)
    })
    expect(opened).toBe(3)
    expect(registry.requests.slice(since).filter((r) => r.method === 'POST').length).toBe(3)
    expect(await client.hasBlob(layer.digest)).toBe(true)
  })

  test('tokens revoked mid-push: the client re-authenticates and the push succeeds; no token in any output', async () => {
    const layout = await openLayout(single.dir)
    const image = await selectImage(layout, ref('team/revoked'))
    const client = new RegistryClient({
      registry: registry.host,
      repository: 'team/revoked',
      credentials: credentials(),
    })
    let revoked = false
    const blobs = {
      ...layout.blobs,
      chunks: (digest: string, size: number) => {
        // The first upload starts with a token that stops working while its body is in flight.
        if (!revoked) {
          revoked = true
          registry.revokeTokens()
        }
        return layout.blobs.chunks(digest, size)
      },
    }
    const output: string[] = []
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk))
      return true
    })
    const tokensBefore = registry.tokenRequests.length
    let result
    try {
      result = await pushImage({ client, image, blobs, tag: 'v1' })
    } finally {
      spy.mockRestore()
    }
    expect(result.digest).toBe(single.entry.digest)
    expect(registry.tokenRequests.length - tokensBefore).toBeGreaterThanOrEqual(2)
    expect(registry.requests.some((r) => r.status === 401 && r.path.includes('/team/revoked/'))).toBe(true)
    const lines = output.join('').split('\n')
    const masked = lines.filter((l) => l.startsWith('::add-mask::')).map((l) => l.slice('::add-mask::'.length))
    expect(masked.length).toBeGreaterThanOrEqual(2)
    for (const line of lines.filter((l) => !l.startsWith('::add-mask::'))) {
      for (const secret of [...masked, TEST_ACCESS_TOKEN]) expect(line).not.toContain(secret)
    }
  })

  test('an access token the token service rejects: renewed once, then an error that says what to fix', async () => {
    const creds = credentials('expired-access-token')
    const error = await failure(publishImage(layoutRequest(ref('team/denied'), single.dir, { credentials: creds })))
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toMatch(
      new RegExp(
        `^Registry ${registry.host}, repository team/denied: token request to ${registry.host}/v2/token failed with HTTP 401`,
      ),
    )
    expect(error.message).toContain('the principal needs roles/artifactregistry.writer on the repository')
    expect(error.message).not.toContain('expired-access-token')
    expect(creds.invalidations).toBe(1)
  })

  test('no credentials against a private registry: an error naming the missing configuration', async () => {
    const error = await failure(publishImage(layoutRequest(ref('team/anon'), single.dir, { credentials: undefined })))
    expect(error.message).toMatch(/^Registry .*, repository team\/anon: HEAD manifest sha256:\w+ failed with HTTP 401/)
    expect(error.message).toContain('No credentials were configured')
  })
})
