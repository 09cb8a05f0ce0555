// kustomize `images:` entries, pinned in place and proven with the real renderer (`kubectl kustomize`).
import { describe, expect, test } from '@jest/globals'
import { findKustomizeImages, isKustomizationPath, pinKustomization } from '../../src/manifests/kustomize.js'
import { ManifestError } from '../../src/manifests/pin.js'
import { planPins } from '../../src/manifests/plan.js'
import { changedLines, renderAll, renderedImages } from '../../test-support/kustomize.js'

const REPOSITORY = 'registry.example.com/acme/api'
const DIGEST = `sha256:${'d'.repeat(64)}`
const PINNED = `${REPOSITORY}:2.0.0@${DIGEST}`
const OLD = `sha256:${'e'.repeat(64)}`

const base = {
  'base/kustomization.yaml': 'resources:\n- deployment.yaml\n',
  'base/deployment.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: api}',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    `      - {name: api, image: ${REPOSITORY}:1.0.0}`,
    '      - {name: cache, image: redis:7}',
    '',
  ].join('\n'),
}

/** Pins every file of `tree` like a run selecting all of it, and renders the overlay before and after. */
async function pinAndRender(overlay: string, file = 'overlay/kustomization.yaml') {
  const before: Record<string, string> = { ...base, [file]: overlay }
  const plan = planPins(
    Object.entries(before).map(([path, content]) => ({ path, content })),
    { repository: REPOSITORY },
    PINNED,
  )
  const after = { ...before }
  for (const changed of plan.files) after[changed.path] = changed.after
  const [renderedBefore, renderedAfter] = await Promise.all([renderAll(before), renderAll(after)])
  const directory = file.slice(0, file.lastIndexOf('/'))
  return {
    overlay: after[file]!,
    images: renderedImages(renderedAfter.get(directory)!),
    changed: changedLines(renderedBefore.get(directory)!, renderedAfter.get(directory)!),
    plan,
  }
}

describe('kustomization files', () => {
  test.each([
    ['overlay/kustomization.yaml', true],
    ['kustomization.yml', true],
    ['a/Kustomization', true],
    ['a/kustomization.yaml.bak', false],
    ['a/my-kustomization.yaml', false],
  ])('%s is a kustomization: %s', (path, expected) => {
    expect(isKustomizationPath(path)).toBe(expected)
  })
})

describe('pinning images entries, rendered with kubectl kustomize', () => {
  test('an entry with newTag gets the new tag and a digest after it, comments and CRLF kept', async () => {
    const overlay = `resources:\r\n- ../base\r\nimages:\r\n- name: ${REPOSITORY}\r\n  newTag: "1.25" # rc\r\n`
    const result = await pinAndRender(overlay)
    expect(result.overlay).toBe(
      `resources:\r\n- ../base\r\nimages:\r\n- name: ${REPOSITORY}\r\n  newTag: "2.0.0" # rc\r\n  digest: ${DIGEST}\r\n`,
    )
    expect(result.images).toEqual([PINNED, 'redis:7'])
    expect(result.changed).toEqual([[`      - image: ${REPOSITORY}:1.25`, `      - image: ${PINNED}`]])
  })

  test('a flow entry with only a digest gets newTag before its closing brace', async () => {
    const result = await pinAndRender(`resources: [../base]\nimages:\n  - { name: ${REPOSITORY}, digest: ${OLD} }\n`)
    expect(result.overlay).toBe(
      `resources: [../base]\nimages:\n  - { name: ${REPOSITORY}, digest: ${DIGEST}, newTag: 2.0.0 }\n`,
    )
    expect(result.images).toEqual([PINNED, 'redis:7'])
  })

  test('an entry with both keeps its order and quoting', async () => {
    const result = await pinAndRender(
      `resources: [../base]\nimages:\n- digest: '${OLD}'\n  name: ${REPOSITORY}\n  newTag: v1\n`,
    )
    expect(result.overlay).toBe(
      `resources: [../base]\nimages:\n- digest: '${DIGEST}'\n  name: ${REPOSITORY}\n  newTag: 2.0.0\n`,
    )
    expect(result.images).toEqual([PINNED, 'redis:7'])
  })

  test('an entry that renames a placeholder to the image (newName) is pinned', async () => {
    const result = await pinAndRender(
      `resources: [../base]\nimages:\n- name: redis\n  newName: ${REPOSITORY}\n  newTag: "0.1"\n`,
    )
    // Both containers now run the image: the base container through its own pin, the cache through the entry.
    expect(result.images).toEqual([PINNED, PINNED])
    expect(result.plan.changes.map((change) => [change.file, change.kind, change.to])).toEqual([
      ['base/deployment.yaml', 'Deployment', PINNED],
      ['overlay/kustomization.yaml', 'Kustomization', PINNED],
    ])
  })

  test('an empty newTag is filled in place', async () => {
    const result = await pinAndRender(
      `resources: [../base]\nimages:\n- name: ${REPOSITORY}\n  newTag:\n`,
      'overlay/Kustomization',
    )
    expect(result.overlay).toBe(
      `resources: [../base]\nimages:\n- name: ${REPOSITORY}\n  newTag: 2.0.0\n  digest: ${DIGEST}\n`,
    )
    expect(result.images).toEqual([PINNED, 'redis:7'])
  })

  test('a host written in capitals is the same registry', () => {
    const upper = REPOSITORY.replace('registry.example.com', 'Registry.Example.COM')
    const content = `images:\n- name: ${upper}\n  newTag: "1"\n`
    expect(findKustomizeImages(content, 'k.yaml', REPOSITORY)).toHaveLength(1)
  })

  test('an entry already carrying the pin changes nothing', () => {
    const content = `images:\n- name: ${REPOSITORY}\n  newTag: 2.0.0\n  digest: ${DIGEST}\n`
    const entries = findKustomizeImages(content, 'k.yaml', REPOSITORY)
    expect(pinKustomization(content, 'k.yaml', entries, { tag: '2.0.0', digest: DIGEST })).toEqual({
      content,
      changes: [],
    })
  })

  test('entries for other images are left alone', () => {
    const content = `images:\n- name: redis\n  newTag: "8"\n- name: ${REPOSITORY}-worker\n  newTag: "1"\n`
    expect(findKustomizeImages(content, 'k.yaml', REPOSITORY)).toEqual([])
  })
})

describe('refusals', () => {
  const failure = (work: () => unknown): ManifestError => {
    try {
      work()
    } catch (error) {
      expect(error).toBeInstanceOf(ManifestError)
      return error as ManifestError
    }
    throw new Error('expected a ManifestError')
  }

  test('an entry renaming the image to another repository', () => {
    const content = `images:\n- name: ${REPOSITORY}\n  newName: mirror.example.com/api\n`
    const error = failure(() =>
      planPins([{ path: 'o/kustomization.yaml', content }], { repository: REPOSITORY }, PINNED),
    )
    expect(error.message).toBe(
      `o/kustomization.yaml:2: the kustomize images entry "- name: ${REPOSITORY}, newName: mirror.example.com/api" renames the image to mirror.example.com/api, ` +
        `so what this kustomization renders would not run the pinned image. If that is intended, exclude the file from the 'manifests' input ("!o/kustomization.yaml"); otherwise point newName at the image`,
    )
  })

  test('a newTag when the image has no tag', () => {
    const content = `images:\n- name: ${REPOSITORY}\n  newTag: "1"\n`
    const error = failure(() =>
      planPins([{ path: 'k.yaml/kustomization.yaml', content }], { repository: REPOSITORY }, `${REPOSITORY}@${DIGEST}`),
    )
    expect(error.message).toContain('sets newTag "1", but the image input has no tag')
  })

  test('an entry whose last value spans several lines cannot take a new key', () => {
    const content = `images:\n- name: ${REPOSITORY}\n  newName: >-\n    ${REPOSITORY}\n`
    const error = failure(() => planPins([{ path: 'kustomization.yaml', content }], { repository: REPOSITORY }, PINNED))
    expect(error.message).toContain('cannot add newTag and digest to the kustomize images entry')
  })
})
