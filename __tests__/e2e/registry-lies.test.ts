// End to end through dist/index.js: a registry that lies about a tag's digest. The digest pinned
// is the hash of the manifest bytes the tag serves, held by the registry under that digest; a
// `Docker-Content-Digest` naming anything else is refused, naming the registry, before any write.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { useStack } from '../../test-support/e2e.js'
import { singleContainer } from '../../test-support/manifests.js'

const stack = useStack()
let liar: http.Server
let liarHost: string
/** Rewrites the registry's answer to one request: status and Docker-Content-Digest. */
let lie: ((method: string, path: string) => { status?: number; digest?: string } | undefined) | undefined

const FILE = 'apps/backend/deployment.yaml'
const deployment = (image: string): string => singleContainer('backend', image)

beforeAll(async () => {
  liar = http.createServer((req, res) => {
    const upstream = http.request(
      `http://${stack.registry.host}${req.url}`,
      { method: req.method, headers: { ...req.headers, host: stack.registry.host } },
      (answer) => {
        const told = lie?.(req.method ?? 'GET', (req.url ?? '').split('?')[0]!)
        const headers = { ...answer.headers }
        if (told?.digest !== undefined) headers['docker-content-digest'] = told.digest
        if (told?.status === 404) {
          answer.resume()
          res.writeHead(404, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] }))
          return
        }
        res.writeHead(answer.statusCode ?? 502, headers)
        answer.pipe(res)
      },
    )
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve))
  liarHost = `127.0.0.1:${(liar.address() as AddressInfo).port}`
  // The same repository by two names: pushed to directly (uploads go where the registry says),
  // resolved through the liar.
  await stack.github.seed({
    [FILE]: deployment(`${liarHost}/acme/backend:0.1.0`),
    'apps/direct/deployment.yaml': deployment(`${stack.repository('acme/backend')}:0.1.0`),
  })
}, 60_000)

afterAll(async () => {
  await new Promise<void>((resolve) => liar?.close(() => resolve()))
})

afterEach(() => {
  lie = undefined
})

/** Pushes a layout through the action (tag `version`) straight to the registry, returns its digest. */
async function push(version: string, seed: number): Promise<string> {
  const { source, entries } = await stack.layout(`layouts/${version}`, [
    { layers: [{ size: 1000, seed }], refName: version },
  ])
  const result = await stack.run({
    image: `${stack.repository('acme/backend')}:${version}`,
    source,
    manifests: 'apps/',
    mode: 'push',
  })
  expect(result.errors).toEqual([])
  return entries[0]!.digest
}

describe('a lying registry', () => {
  let older: string
  let newer: string
  beforeAll(async () => {
    older = await push('1.0.0', 7001)
    newer = await push('2.0.0', 7002)
  }, 120_000)

  const resolveTag = () =>
    stack.run({ image: `${liarHost}/acme/backend:2.0.0`, source: 'registry', manifests: 'apps/', mode: 'push' })

  test('the truth is pinned', async () => {
    const result = await resolveTag()
    expect(result.errors).toEqual([])
    expect(result.outputs.digest).toBe(newer)
  }, 60_000)

  test.each([
    ['an older digest', () => older],
    ['a digest the registry does not hold', () => `sha256:${'f'.repeat(64)}`],
  ])(
    'Docker-Content-Digest naming %s is refused before any write',
    async (_name, digest) => {
      const head = await stack.github.headSha('main')
      lie = (_method, path) => (path.endsWith('/manifests/2.0.0') ? { digest: digest() } : undefined)
      const result = await resolveTag()
      expect(result.exitCode).toBe(1)
      expect(result.errors).toHaveLength(1)
      expect(result.errors[0]).toContain(
        `Registry ${liarHost}, repository acme/backend: tag 2.0.0 was answered with Docker-Content-Digest ${digest()}, but the manifest's bytes hash to ${newer}`,
      )
      expect(await stack.github.headSha('main')).toBe(head)
      expect(result.outputs['commit-sha']).toBeUndefined()
    },
    60_000,
  )

  test('a tag whose manifest the registry does not hold by digest is refused', async () => {
    const head = await stack.github.headSha('main')
    lie = (method, path) => (method === 'HEAD' && path.endsWith(`/manifests/${newer}`) ? { status: 404 } : undefined)
    const result = await resolveTag()
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toContain(
      `Registry ${liarHost}, repository acme/backend: tag 2.0.0 serves manifest ${newer}, but the registry has no manifest with that digest`,
    )
    expect(await stack.github.headSha('main')).toBe(head)
  }, 60_000)
})
