// End to end through dist/index.js: a GitOps repository shaped like real ones (kustomize base + overlays,
// a Helm chart, values files, Argo Rollouts analysis) pinned with `manifests: .`, read in GraphQL batches,
// and rendered afterwards with the real `kubectl kustomize`; overlays outside the selection stop the run
// before anything is pushed.
import { describe, expect, test } from '@jest/globals'
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { useStack } from '../../test-support/e2e.js'
import { changedLines, renderAll, renderedImages } from '../../test-support/kustomize.js'

const CORPUS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'corpus')
const WRITTEN = 'europe-docker.pkg.dev/acme/apps/backend'
const FIELDS = [
  'charts/backend/values-prod.yaml#image.tag=tag',
  'apps/argocd/backend-helm.yaml#spec.source.helm.parameters.0.value=tag',
].join('\n')

const stack = useStack({
  seed: async (stack) => {
    repository = stack.repository('acme/backend')
    corpus = await loadCorpus(repository)
    return corpus
  },
})
let repository: string
let corpus: Record<string, string>

async function loadCorpus(image: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for (const entry of await readdir(CORPUS, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const full = path.join(entry.parentPath, entry.name)
    const content = await readFile(full, 'utf8')
    // The fixtures name a registry far away; the runs push to the local one.
    // (legacy/list.yaml spells the host in capitals, so it keeps naming the far registry here.)
    files[path.relative(CORPUS, full).split(path.sep).join('/')] = content.replaceAll(WRITTEN, image)
  }
  return files
}

async function build(tag: string, seed: number): Promise<{ image: string; digest: string; source: string }> {
  const { source, entries } = await stack.layout(`layouts/backend-${tag}`, [
    { layers: [{ size: 2048, seed }], refName: tag },
  ])
  return { image: `${repository}:${tag}`, digest: entries[0]!.digest, source }
}

async function repositoryFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for (const file of Object.keys(corpus)) files[file] = (await stack.github.readFile('main', file))!
  return files
}

describe('overlays outside the selection', () => {
  test('an overlay with an images entry for the image stops the run before anything is pushed', async () => {
    const head = await stack.github.headSha('main')
    const { image, source } = await build('0.5.0', 5)
    const result = await stack.run({ image, source, manifests: 'apps/backend/base/', mode: 'push' })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toEqual([
      `Input 'manifests': apps/backend/overlays/dev/kustomization.yaml:7 has the kustomize images entry "- name: ${repository}, newTag: 1.25", ` +
        'which overrides the image wherever that kustomization is rendered, but the file is not selected, so the pin would not reach what Argo CD deploys from it. ' +
        'Select it too (add "apps/backend/overlays/dev/" or "apps/backend/overlays/dev/kustomization.yaml" to manifests), or exclude it on purpose ("!apps/backend/overlays/dev/kustomization.yaml").',
    ])
    expect(await stack.github.headSha('main')).toBe(head)
    expect(stack.github.requests.every((request) => request.method === 'GET' || request.path === '/graphql')).toBe(true)
    // Nothing reached the registry either: the image was never published.
    expect(result.log).not.toContain('Publish the image')
  })

  test('overlays excluded on purpose are left as they are', async () => {
    const { image, digest, source } = await build('0.6.0', 6)
    const result = await stack.run({
      image,
      source,
      manifests: 'apps/backend/base/\n!apps/backend/overlays/**, !apps/worker/**',
      mode: 'push',
    })
    expect(result.errors).toEqual([])
    expect(JSON.parse(result.outputs['changed-files']!)).toEqual([
      'apps/backend/base/analysis.yaml',
      'apps/backend/base/deployment.yaml',
    ])
    expect(await stack.github.readFile('main', 'apps/backend/base/deployment.yaml')).toContain(`${image}@${digest}`)
    expect(await stack.github.readFile('main', 'apps/backend/overlays/dev/kustomization.yaml')).toBe(
      corpus['apps/backend/overlays/dev/kustomization.yaml'],
    )
  })

  test('a chart template named explicitly is refused with the way to pin a chart', async () => {
    const { image, source } = await build('0.7.0', 7)
    const result = await stack.run({
      image,
      source,
      manifests: 'apps/backend/, charts/backend/templates/deployment.yaml',
      mode: 'push',
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toContain(
      'Input \'manifests\': charts/backend/templates/deployment.yaml is a Go/Helm template (it contains "{{" and is not YAML until Helm renders it)',
    )
    expect(result.errors[0]).toContain('"charts/backend/values.yaml#image.tag=tag"')
  })
})

describe('manifests: . with fields', () => {
  test('every overlay renders the pin; the chart is skipped with a notice; reads take a few requests', async () => {
    const before = await repositoryFiles()
    const { image, digest, source } = await build('1.4.2', 9)
    stack.github.resetRequests()
    const result = await stack.run({ image, source, manifests: '.', fields: FIELDS, mode: 'push' })
    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(
      '::notice::Skipped 1 Go/Helm template (they contain "{{" and are not YAML until Helm renders them): charts/backend/templates/deployment.yaml.',
    )
    const pinned = `${image}@${digest}`
    expect(result.outputs['pinned-image']).toBe(pinned)
    expect(JSON.parse(result.outputs['changed-files']!)).toEqual([
      'apps/argocd/backend-helm.yaml',
      'apps/backend/base/analysis.yaml',
      'apps/backend/base/deployment.yaml',
      'apps/backend/overlays/dev/kustomization.yaml',
      'apps/backend/overlays/prod/kustomization.yaml',
      'apps/backend/overlays/staging/kustomization.yaml',
      'apps/worker/overlays/prod/kustomization.yaml',
      'charts/backend/values-prod.yaml',
    ])
    const reads = stack.github.requests.filter(
      (request) =>
        (request.path === '/graphql' && request.operationId !== 'createCommitOnBranch') ||
        request.path.includes('/contents/'),
    )
    expect(reads.map((request) => request.path)).toEqual(['/graphql'])

    const after = await repositoryFiles()
    expect(after['charts/backend/values-prod.yaml']).toBe(
      `image:\n  tag: "1.4.2@${digest}" # set by the deploy workflow\nreplicas: 3\n`,
    )
    expect(after['apps/backend/overlays/dev/kustomization.yaml']).toMatch(/\r\n {4}digest: sha256:[0-9a-f]{64}\r\n$/)
    const [renderedBefore, renderedAfter] = await Promise.all([renderAll(before), renderAll(after)])
    for (const [directory, rendered] of renderedAfter) {
      const ours = renderedImages(rendered).filter((candidate) => candidate.startsWith(repository))
      if (directory !== 'apps/worker/base')
        expect({ directory, ours }).toEqual({ directory, ours: expect.arrayContaining([pinned]) })
      expect(ours.filter((candidate) => candidate !== pinned)).toEqual([])
      for (const [, now] of changedLines(renderedBefore.get(directory)!, rendered))
        expect(now).toMatch(new RegExp(`image: ${pinned.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`))
    }
  })
})
