// End to end through dist/index.js: input spellings that new users write and that must mean what
// they say: a `source` folder whose name starts with two dots is inside the workspace, and a
// `manifests` directory whose name ends in .yaml is a directory when written with its slash.
import { describe, expect, test } from '@jest/globals'
import { mkdir } from 'node:fs/promises'
import * as path from 'node:path'
import { tarLayout } from '../../test-support/oci/layout.js'
import { useStack } from '../../test-support/e2e.js'
import { singleContainer } from '../../test-support/manifests.js'

const stack = useStack({
  seed: (stack) => ({
    'apps/api/deployment.yaml': singleContainer('api', `${stack.repository('acme/api')}:0.1.0`),
    // A directory named like a file: kustomize bases are sometimes laid out this way.
    'apps/base.yaml/deployment.yaml': singleContainer('base', `${stack.repository('acme/base')}:0.1.0`),
  }),
})

/** A one-layer image layout for `acme/NAME:TAG`, tarred to `tarPath` inside the workspace. */
async function imageTar(name: string, tag: string, seed: number, tarPath: string): Promise<{ digest: string }> {
  const { entries } = await stack.layout(`layouts/${name}`, [{ layers: [{ size: 4096, seed }], refName: tag }])
  const tarFile = path.join(stack.workspace, tarPath)
  await mkdir(path.dirname(tarFile), { recursive: true })
  await tarLayout(path.join(stack.workspace, 'layouts', name), tarFile)
  return { digest: entries[0]!.digest }
}

describe('source', () => {
  test('a folder whose name starts with two dots (..oci/app.tar) is inside the workspace: pushed and pinned', async () => {
    const { digest } = await imageTar('api', '1.0.0', 21, '..oci/app.tar')
    const image = `${stack.repository('acme/api')}:1.0.0`

    const result = await stack.run({ image, source: '..oci/app.tar', manifests: 'apps/api/', mode: 'push' })

    expect(result.errors).toEqual([])
    expect(result.outputs.digest).toBe(digest)
    expect(result.outputs.changed).toBe('true')
    expect(await stack.github.readFile('main', 'apps/api/deployment.yaml')).toBe(
      singleContainer('api', `${image}@${digest}`),
    )
  })

  test.each(['../app.tar', '..', '..oci/../../app.tar'])(
    '%s, which leaves the workspace, is refused',
    async (source) => {
      const head = await stack.github.headSha('main')
      const writes = stack.registry.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD').length

      const result = await stack.run({
        image: `${stack.repository('acme/api')}:1.0.1`,
        source,
        manifests: 'apps/api/',
        mode: 'push',
      })

      expect(result.exitCode).toBe(1)
      expect(result.errors).toEqual([`Input 'source': "${source}" points outside GITHUB_WORKSPACE.`])
      expect(await stack.github.headSha('main')).toBe(head)
      expect(stack.registry.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')).toHaveLength(writes)
    },
  )
})

describe('manifests', () => {
  test('apps/base.yaml/ (a directory whose name ends in .yaml, with its slash) selects the manifests in it', async () => {
    const { digest } = await imageTar('base', '2.0.0', 22, 'base.tar')
    const image = `${stack.repository('acme/base')}:2.0.0`

    const result = await stack.run({ image, source: 'base.tar', manifests: 'apps/base.yaml/', mode: 'push' })

    expect(result.errors).toEqual([])
    expect(result.outputs['changed-files']).toBe('["apps/base.yaml/deployment.yaml"]')
    expect(await stack.github.readFile('main', 'apps/base.yaml/deployment.yaml')).toBe(
      singleContainer('base', `${image}@${digest}`),
    )
  })

  test('apps/base.yaml without the slash names a file: the error says it is a directory and to add the slash', async () => {
    const head = await stack.github.headSha('main')

    const result = await stack.run({
      image: `${stack.repository('acme/base')}:2.0.0`,
      source: 'registry',
      manifests: 'apps/base.yaml',
      mode: 'push',
    })

    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toContain('apps/base.yaml is a directory')
    expect(result.errors[0]).toContain('End it with "/"')
    expect(await stack.github.headSha('main')).toBe(head)
  })
})
