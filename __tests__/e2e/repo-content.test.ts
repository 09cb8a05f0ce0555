// End to end through dist/index.js against repository content real GitOps repositories have:
// symbolic links in the selection, executable manifests, stray carriage returns, and an invalid
// file among several selected ones.
import { describe, expect, test } from '@jest/globals'
import { useStack } from '../../test-support/e2e.js'
import { singleContainer } from '../../test-support/manifests.js'

const stack = useStack({ seed: () => ({ 'README.md': '# GitOps\n' }) })
let seed = 9100

const deployment = (name: string, image: string, eol = '\n'): string =>
  singleContainer(name, image).replaceAll('\n', eol)

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.github.url}/repos/${stack.github.owner}/${stack.github.repo}${path}`, {
    method,
    headers: { authorization: `Bearer ${stack.github.token}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`)
  return (await response.json()) as T
}

/** Commits files with explicit Git modes (100755, 120000 for a link) through GitHub's Git Data API. */
async function commitWithModes(files: { path: string; mode: string; content: string }[]): Promise<string> {
  const head = (await stack.github.headSha('main'))!
  const { tree: base } = await api<{ tree: { sha: string } }>('GET', `/git/commits/${head}`)
  const tree = await api<{ sha: string }>('POST', '/git/trees', {
    base_tree: base.sha,
    tree: files.map(({ path, mode, content }) => ({ path, mode, type: 'blob', content })),
  })
  const commit = await api<{ sha: string }>('POST', '/git/commits', {
    message: 'seed with modes',
    tree: tree.sha,
    parents: [head],
  })
  await api('PATCH', '/git/refs/heads/main', { sha: commit.sha })
  return commit.sha
}

/** The mode of each path at `ref`. */
async function modesAt(ref: string): Promise<Record<string, string>> {
  const { tree } = await api<{ tree: { path: string; mode: string }[] }>('GET', `/git/trees/${ref}?recursive=1`)
  return Object.fromEntries(tree.map((entry) => [entry.path, entry.mode]))
}

async function image(name: string, version: string) {
  const { source, entries } = await stack.layout(`layouts/${name}-${version}`, [
    { layers: [{ size: 1000, seed: seed++ }], refName: version },
  ])
  return { image: `${stack.repository(`acme/${name}`)}:${version}`, source, digest: entries[0]!.digest }
}

describe('symbolic links in the selection', () => {
  test('a link within the repository: the file it points to is pinned, once; the link stays a link', async () => {
    await commitWithModes([
      {
        path: 'base/links/deployment.yaml',
        mode: '100644',
        content: deployment('links', `${stack.repository('acme/links')}:0.1.0`),
      },
      { path: 'apps/links/deployment.yaml', mode: '120000', content: '../../base/links/deployment.yaml' },
      { path: 'apps/links/again.yaml', mode: '120000', content: '../../base/links/deployment.yaml' },
    ])
    const built = await image('links', '1.0.0')
    const result = await stack.run({ image: built.image, source: built.source, manifests: 'apps/links/', mode: 'push' })
    expect(result.errors).toEqual([])
    expect(result.log).toContain(
      'apps/links/deployment.yaml is a symbolic link: pinning the file it points to, base/links/deployment.yaml',
    )
    expect(await stack.github.readFile('main', 'base/links/deployment.yaml')).toContain(`:1.0.0@${built.digest}`)
    expect(JSON.parse(result.outputs['changed-files']!)).toEqual(['base/links/deployment.yaml'])
    const modes = await modesAt('main')
    expect(modes['apps/links/deployment.yaml']).toBe('120000')
    expect(await stack.github.readFile('main', 'apps/links/deployment.yaml')).toBe('../../base/links/deployment.yaml')
  }, 60_000)

  test('a link out of the repository is refused by name before anything is written', async () => {
    await commitWithModes([
      { path: 'apps/escape/deployment.yaml', mode: '120000', content: '../../../etc/kubernetes/deployment.yaml' },
    ])
    const head = await stack.github.headSha('main')
    const result = await stack.run({
      image: `${stack.repository('acme/escape')}:1.0.0`,
      source: 'registry',
      manifests: 'apps/escape/',
      mode: 'push',
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toBe(
      'Input \'manifests\': apps/escape/deployment.yaml is a symbolic link to ../../../etc/kubernetes/deployment.yaml, outside the repository; select the file it should point to instead, or exclude the link ("!apps/escape/deployment.yaml").',
    )
    expect(await stack.github.headSha('main')).toBe(head)
  }, 60_000)
})

describe('file modes and line endings', () => {
  test.each(['push', 'pr'])(
    'an executable manifest stays 100755 in %s mode',
    async (mode) => {
      const path = `apps/exec-${mode}/deployment.yaml`
      await commitWithModes([
        { path, mode: '100755', content: deployment('exec', `${stack.repository('acme/exec')}:0.1.0`) },
      ])
      const built = await image('exec', `1.0.${mode === 'push' ? 1 : 2}`)
      const result = await stack.run({
        image: built.image,
        source: built.source,
        manifests: path,
        mode,
        ...(mode === 'pr' && { branch: 'deploy/exec' }),
      })
      expect(result.errors).toEqual([])
      const ref = mode === 'push' ? 'main' : 'deploy/exec'
      expect(await stack.github.readFile(ref, path)).toContain(built.digest)
      expect((await modesAt(ref))[path]).toBe('100755')
    },
    60_000,
  )

  test('a stray carriage return is a line break, as kubectl reads it; the other bytes stay', async () => {
    const path = 'apps/cr/deployment.yaml'
    const before = deployment('cr', `${stack.repository('acme/cr')}:0.1.0`).replace('  name: cr\n', '  name: cr\r')
    await stack.github.seed({ [path]: before })
    const built = await image('cr', '1.0.0')
    const result = await stack.run({ image: built.image, source: built.source, manifests: path, mode: 'push' })
    expect(result.errors).toEqual([])
    expect(await stack.github.readFile('main', path)).toBe(before.replace(':0.1.0', `:1.0.0@${built.digest}`))
  }, 60_000)
})

describe('JSON6902 patches that set the image', () => {
  const overlay = (image: string) =>
    [
      'resources:',
      '  - ../../base/argocd',
      'patches:',
      '  - target: {kind: Deployment, name: argocd-server}',
      '    patch: |-',
      '      - op: replace',
      '        path: /spec/template/spec/containers/0/image',
      `        value: ${image}`,
      '',
    ].join('\n')

  test('in a selected kustomization: the operation value is pinned with the container', async () => {
    const built = await image('argocd', '2.9.0')
    await stack.github.seed({
      'base/argocd/deployment.yaml': deployment('argocd-server', `${stack.repository('acme/argocd')}:2.8.0`),
      'base/argocd/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'overlays/argocd/kustomization.yaml': overlay(`${stack.repository('acme/argocd')}:2.8.0`),
    })
    const result = await stack.run({
      image: built.image,
      source: built.source,
      manifests: 'base/argocd/\noverlays/argocd/',
      mode: 'push',
    })
    expect(result.errors).toEqual([])
    expect(result.log).toContain('overlays/argocd/kustomization.yaml: 1 JSON6902 patch operation')
    expect(await stack.github.readFile('main', 'overlays/argocd/kustomization.yaml')).toBe(
      overlay(`${stack.repository('acme/argocd')}:2.9.0@${built.digest}`),
    )
    expect(await stack.github.readFile('main', 'base/argocd/deployment.yaml')).toContain(built.digest)
  }, 60_000)

  test('in a kustomization outside the selection: refused, as it would override the pin', async () => {
    const head = await stack.github.headSha('main')
    const result = await stack.run({
      image: `${stack.repository('acme/argocd')}:3.0.0`,
      source: 'registry',
      manifests: 'base/argocd/',
      mode: 'push',
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(
      /^Input 'manifests': overlays\/argocd\/kustomization\.yaml:8 has a JSON6902 patch operation that sets \/spec\/template\/spec\/containers\/0\/image to ".*acme\/argocd:2\.9\.0@sha256:[0-9a-f]{64}", which overrides the image/,
    )
    expect(await stack.github.headSha('main')).toBe(head)
  }, 60_000)
})

describe('an invalid file in the selection', () => {
  test('is reported as itself, first, not as images that match nothing', async () => {
    await stack.github.seed({
      'apps/mixed/api.yaml': deployment('api', `${stack.repository('acme/api')}:0.1.0`),
      'apps/mixed/broken.yaml': 'kind: Deployment\nspec: [unclosed\n',
    })
    const result = await stack.run({
      image: `${stack.repository('acme/api')}:1.0.0\n${stack.repository('acme/web')}:1.0.0`,
      source: 'registry',
      manifests: 'apps/mixed/',
      mode: 'push',
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/^apps\/mixed\/broken\.yaml:\d+: invalid YAML/)
    expect(result.errors[0]).not.toMatch(/match no container/)
  }, 60_000)
})
