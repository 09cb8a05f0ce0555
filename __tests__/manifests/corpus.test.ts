// A repository shaped like real GitOps repositories (base + overlays with `images:` by newTag, digest and
// newName, a Helm chart beside plain manifests, values files, an Argo CD Application, Argo Rollouts
// analysis, CRLF and commented files) through selection → pin → render with the real `kubectl kustomize`.
import { describe, expect, test } from '@jest/globals'
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseFieldTargets } from '../../src/manifests/fields.js'
import { isGoTemplate } from '../../src/manifests/gotemplate.js'
import { selectManifests } from '../../src/manifests/patterns.js'
import { type ManifestFile, planPins } from '../../src/manifests/plan.js'
import { changedLines, renderAll, renderedImages } from '../../test-support/kustomize.js'

const CORPUS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'corpus')
const REPOSITORY = 'europe-docker.pkg.dev/acme/apps/backend'
const DIGEST = `sha256:${'c'.repeat(64)}`
const PINNED = `${REPOSITORY}:1.4.2@${DIGEST}`
const FIELDS = [
  'charts/backend/values-prod.yaml#image.tag=tag',
  'apps/argocd/backend-helm.yaml#spec.source.helm.parameters.0.value=tag',
].join('\n')

async function loadCorpus(): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for (const entry of await readdir(CORPUS, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const full = path.join(entry.parentPath, entry.name)
    files[path.relative(CORPUS, full).split(path.sep).join('/')] = await readFile(full, 'utf8')
  }
  return files
}

/** The selection → pin path of one run, without GitHub: what readManifests and planPins do. */
function pinCorpus(repository: Record<string, string>, patterns: string[]): Record<string, string> {
  const selection = selectManifests(patterns, Object.keys(repository), 'corpus')
  const fields = parseFieldTargets(FIELDS, true)
  const files: ManifestFile[] = selection.files
    .filter((file) => !isGoTemplate(repository[file]!))
    .map((file) => ({ path: file, content: repository[file]! }))
  for (const file of new Set(fields.map((field) => field.file)))
    if (!selection.files.includes(file)) files.push({ path: file, content: repository[file]!, fieldsOnly: true })
  const plan = planPins(files, { repository: REPOSITORY, fields }, PINNED)
  const after = { ...repository }
  for (const file of plan.files) after[file.path] = file.after
  return after
}

describe('corpus of real shapes', () => {
  test('every overlay renders the pin, and nothing else in any render changes', async () => {
    const before = await loadCorpus()
    const after = pinCorpus(before, ['.'])
    const [renderedBefore, renderedAfter] = await Promise.all([renderAll(before), renderAll(after)])
    expect([...renderedAfter.keys()]).toEqual([
      'apps/backend/base',
      'apps/backend/overlays/dev',
      'apps/backend/overlays/prod',
      'apps/backend/overlays/staging',
      'apps/worker/base',
      'apps/worker/overlays/prod',
    ])
    for (const [directory, rendered] of renderedAfter) {
      const ours = renderedImages(rendered).filter((image) => image.startsWith(REPOSITORY))
      // The worker base only names its placeholder image; every other kustomization runs the backend.
      if (directory !== 'apps/worker/base')
        expect({ directory, ours }).toEqual({ directory, ours: expect.arrayContaining([PINNED]) })
      expect({ directory, ours: ours.filter((image) => image !== PINNED) }).toEqual({ directory, ours: [] })
      for (const [was, now] of changedLines(renderedBefore.get(directory)!, rendered)) {
        expect(was).toMatch(/^\s+(- )?image: \S+$/)
        expect(now).toBe(`${was.slice(0, was.indexOf('image: '))}image: ${PINNED}`)
      }
    }
    // The sidecar keeps the prod overlay's own entry.
    expect(renderedImages(renderedAfter.get('apps/backend/overlays/prod')!)).toContain(
      'docker.io/envoyproxy/envoy:v1.31.2',
    )
  })

  test('files keep their bytes apart from the pinned values', async () => {
    const before = await loadCorpus()
    const after = pinCorpus(before, ['.'])
    const changed = Object.keys(before).filter((file) => before[file] !== after[file])
    expect(changed.sort()).toEqual([
      'apps/argocd/backend-helm.yaml',
      'apps/backend/base/analysis.yaml',
      'apps/backend/base/deployment.yaml',
      'apps/backend/overlays/dev/kustomization.yaml',
      'apps/backend/overlays/prod/kustomization.yaml',
      'apps/backend/overlays/staging/kustomization.yaml',
      'apps/worker/overlays/prod/kustomization.yaml',
      'charts/backend/values-prod.yaml',
      'legacy/list.yaml',
    ])
    expect(after['apps/backend/overlays/dev/kustomization.yaml']).toBe(
      before['apps/backend/overlays/dev/kustomization.yaml']!.replace(
        '    newTag: "1.25" # dev follows the release candidate\r\n',
        `    newTag: "1.4.2" # dev follows the release candidate\r\n    digest: ${DIGEST}\r\n`,
      ),
    )
    expect(after['apps/backend/overlays/staging/kustomization.yaml']).toContain(
      `  - {name: ${REPOSITORY}, digest: ${DIGEST}, newTag: 1.4.2}\n`,
    )
    expect(after['charts/backend/values-prod.yaml']).toBe(
      `image:\n  tag: "1.4.2@${DIGEST}" # set by the deploy workflow\nreplicas: 3\n`,
    )
    expect(after['apps/argocd/backend-helm.yaml']).toContain(`          value: "1.4.2@${DIGEST}"\n`)
    expect(after['apps/backend/base/deployment.yaml']).toContain(
      `          image: ${PINNED} # same image, runs the migrations\n`,
    )
    expect(after['apps/backend/base/deployment.yaml']).toContain(`          image: "${PINNED}"\n`)
    expect(after['apps/backend/base/analysis.yaml']).toContain(`                    image: '${PINNED}'\n`)
    expect(after['legacy/list.yaml']).toContain(`            image: ${PINNED}\n`)
    // Templates and the chart's default values are not touched; the CRLF frontend is not ours.
    expect(after['charts/backend/templates/deployment.yaml']).toBe(before['charts/backend/templates/deployment.yaml'])
    expect(after['apps/frontend/deployment.yaml']).toBe(before['apps/frontend/deployment.yaml'])
  })

  test('the chart template is recognised as a template, the rest as YAML', async () => {
    const files = await loadCorpus()
    const templates = Object.keys(files).filter((file) => /\.ya?ml$/.test(file) && isGoTemplate(files[file]!))
    expect(templates).toEqual(['charts/backend/templates/deployment.yaml'])
  })

  test('exclusions take a folder out of the selection', async () => {
    const files = await loadCorpus()
    const selection = selectManifests(['.', '!charts/**', '!legacy'], Object.keys(files), 'corpus')
    expect(selection.files.filter((file) => file.startsWith('charts/') || file.startsWith('legacy/'))).toEqual([])
    expect(selection.excluded('charts/backend/templates/deployment.yaml')).toBe(true)
    expect(selection.excluded('apps/backend/base/deployment.yaml')).toBe(false)
  })
})
