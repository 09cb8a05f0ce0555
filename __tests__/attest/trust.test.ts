// The default trusted root: @sigstore/tuf pointed at Sigstore's public-good mirror, with its cache in
// the runner's temp folder. With the mirror swapped for a TUF repository on loopback, the same path
// runs the real TUF client end to end: signed metadata, then trusted_root.json, then a bundle verified
// against it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { DEFAULT_MIRROR_URL, getTrustedRoot } from '@sigstore/tuf'
import { verifyBundle } from '../../src/attest/bundle.js'
import { type TufSource, defaultTufSource, loadTrustRoots } from '../../src/attest/trust.js'
import { type SigstoreWorld, createSigstoreWorld } from '../../test-support/sigstore/world.js'
import { type TufMirror, startTufMirror } from '../../test-support/sigstore/tuf-repo.js'
import { startTinyproxy } from '../../test-support/proxy/tinyproxy.js'

const DIGEST = `sha256:${'ab'.repeat(32)}`
const BUILD = { repository: 'acme/api', workflow: '.github/workflows/build.yml@refs/heads/main' }

let world: SigstoreWorld
let mirror: TufMirror
let runnerTemp: string

function source(overrides: Partial<TufSource> = {}): TufSource {
  return {
    ...defaultTufSource({ RUNNER_TEMP: runnerTemp }),
    mirrorURL: mirror.url,
    rootPath: mirror.rootPath,
    ...overrides,
  }
}

beforeAll(async () => {
  world = await createSigstoreWorld()
  mirror = await startTufMirror(world.trustedRoot())
  runnerTemp = await mkdtemp(path.join(tmpdir(), 'gda-runner-temp-'))
})

afterAll(async () => {
  await mirror?.close()
  await rm(runnerTemp, { recursive: true, force: true })
})

describe('the default source', () => {
  test("is Sigstore's public-good mirror through @sigstore/tuf, cached in RUNNER_TEMP", () => {
    const tuf = defaultTufSource({ RUNNER_TEMP: '/runner/temp' })
    expect(tuf).toEqual({
      mirrorURL: DEFAULT_MIRROR_URL,
      cachePath: path.join('/runner/temp', 'gitops-deploy-action-sigstore-tuf'),
      fetchRoot: expect.any(Function),
    })
    expect(DEFAULT_MIRROR_URL).toBe('https://tuf-repo-cdn.sigstore.dev')
  })

  test('asks the client for the mirror and cache it names, and no initial root (the package ships the seed)', async () => {
    const asked: unknown[] = []
    const tuf: TufSource = {
      ...defaultTufSource({ RUNNER_TEMP: '/runner/temp' }),
      fetchRoot: async (options) => {
        asked.push(options)
        return getTrustedRoot({
          mirrorURL: mirror.url,
          rootPath: mirror.rootPath,
          cachePath: path.join(runnerTemp, 'asked'),
        })
      },
    }
    const [root] = await loadTrustRoots({}, tuf)
    expect(asked).toEqual([
      { mirrorURL: 'https://tuf-repo-cdn.sigstore.dev', cachePath: '/runner/temp/gitops-deploy-action-sigstore-tuf' },
    ])
    expect(root!.name).toBe("Sigstore's public-good root (TUF, https://tuf-repo-cdn.sigstore.dev)")
  })
})

describe('through a TUF mirror on loopback', () => {
  test('the real client fetches the signed metadata and the root, and bundles verify against it', async () => {
    const roots = await loadTrustRoots({}, source())
    expect(mirror.requests).toEqual(
      expect.arrayContaining([
        '/2.root.json',
        '/timestamp.json',
        '/snapshot.json',
        '/targets.json',
        '/targets/trusted_root.json',
      ]),
    )
    expect(roots[0]!.thresholds).toEqual({ tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 1 })
    const bundle = await world.attest({ subjects: [DIGEST], identity: BUILD })
    expect(verifyBundle(bundle, roots).root.name).toBe(`Sigstore's public-good root (TUF, ${mirror.url})`)
    // The cache stays in the runner's temp folder, which the runner empties after the job.
    expect(await readdir(path.join(runnerTemp, 'gitops-deploy-action-sigstore-tuf'))).toHaveLength(1)
  })

  test('expired TUF metadata: refused, with the way to pin a root instead', async () => {
    const stale = await startTufMirror(world.trustedRoot(), { expires: new Date(Date.now() - 3_600_000) })
    try {
      await expect(
        loadTrustRoots(
          {},
          source({ mirrorURL: stale.url, rootPath: stale.rootPath, cachePath: path.join(runnerTemp, 'stale') }),
        ),
      ).rejects.toThrow(
        new RegExp(
          `^Could not fetch Sigstore's trusted root through TUF from ${stale.url.replace(/\./g, '\\.')}: .*expired.*gh attestation trusted-root > trusted_root\\.jsonl`,
          'i',
        ),
      )
    } finally {
      await stale.close()
    }
  })

  test('the TUF client goes through HTTP_PROXY, like every other request of the action', async () => {
    const proxy = await startTinyproxy()
    process.env.HTTP_PROXY = proxy.url
    try {
      await loadTrustRoots({}, source({ cachePath: path.join(runnerTemp, 'proxied') }))
      const host = new URL(mirror.url).host
      expect((await proxy.requests()).filter((r) => r.authority === host).map((r) => r.path)).toEqual(
        expect.arrayContaining(['/timestamp.json', '/snapshot.json', '/targets.json', '/targets/trusted_root.json']),
      )
      // Only for the length of the update: the global fetch is the runtime's own again.
      expect(globalThis.fetch.name).toBe('fetch')
    } finally {
      delete process.env.HTTP_PROXY
      await proxy.close()
    }
  })

  test('a mirror that does not answer', async () => {
    const url = mirror.url.replace(/:\d+$/, ':1')
    await expect(
      loadTrustRoots({}, source({ mirrorURL: url, cachePath: path.join(runnerTemp, 'down') })),
    ).rejects.toThrow(`Could not fetch Sigstore's trusted root through TUF from ${url}`)
  })
})
