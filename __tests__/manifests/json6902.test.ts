// JSON6902 patch operations that set a container's image: found in patch files and in a
// kustomization's inline patches, pinned in place with every other byte kept.
import { describe, expect, test } from '@jest/globals'
import { findPatchImages, pinPatchImages } from '../../src/manifests/json6902.js'

const REPO = 'quay.io/argoproj/argocd'
const PINNED = `quay.io/argoproj/argocd:v2.9.0@sha256:${'2'.repeat(64)}`

describe('findPatchImages', () => {
  test('a patch file: image paths and whole containers of pod specs, add and replace', () => {
    const content = [
      '- op: replace',
      '  path: /spec/template/spec/containers/0/image',
      '  value: quay.io/argoproj/argocd:v2.8.0 # set by hand',
      '- op: add',
      '  path: /spec/template/spec/initContainers/-',
      '  value: {name: copyutil, image: "quay.io/argoproj/argocd:v2.8.0"}',
      '- op: replace',
      '  path: /spec/replicas',
      '  value: 3',
      '- op: remove',
      '  path: /spec/template/spec/containers/1/image',
      '- op: replace',
      '  path: /spec/template/spec/containers/1/image',
      '  value: redis:7',
      '',
    ].join('\n')
    const sites = findPatchImages(content, 'overlays/patch.yaml', REPO)
    expect(sites.map(({ line, path, image }) => ({ line, path, image }))).toEqual([
      { line: 3, path: '/spec/template/spec/containers/0/image', image: 'quay.io/argoproj/argocd:v2.8.0' },
      { line: 6, path: '/spec/template/spec/initContainers/-', image: 'quay.io/argoproj/argocd:v2.8.0' },
    ])
    const { content: after, changes } = pinPatchImages(content, sites, PINNED)
    expect(after).toBe(
      content
        .replace('value: quay.io/argoproj/argocd:v2.8.0 # set by hand', `value: ${PINNED} # set by hand`)
        .replace('image: "quay.io/argoproj/argocd:v2.8.0"', `image: "${PINNED}"`),
    )
    expect(changes).toHaveLength(2)
  })

  test("a kustomization's inline patch (patches and patchesJson6902), CRLF kept", () => {
    const content = [
      'resources:',
      '  - ../base',
      'patches:',
      '  - target: {kind: Deployment, name: argocd-server}',
      '    patch: |-',
      '      - op: replace',
      '        path: /spec/template/spec/containers/0/image',
      "        value: 'quay.io/argoproj/argocd:latest'",
      'patchesJson6902:',
      '  - target: {kind: CronJob, name: cleanup}',
      '    patch: |',
      '      - op: replace',
      '        path: /spec/jobTemplate/spec/template/spec/containers/0/image',
      '        value: quay.io/argoproj/argocd:latest',
      '',
    ].join('\r\n')
    const sites = findPatchImages(content, 'overlays/kustomization.yaml', REPO)
    expect(sites.map((site) => site.line)).toEqual([8, 14])
    const { content: after } = pinPatchImages(content, sites, PINNED)
    expect(after).toBe(
      content
        .replace("value: 'quay.io/argoproj/argocd:latest'", `value: '${PINNED}'`)
        .replace('value: quay.io/argoproj/argocd:latest', `value: ${PINNED}`),
    )
  })

  test('other images, other paths and non-patch files are left alone', () => {
    expect(findPatchImages('kind: Deployment\nspec: {}\n', 'd.yaml', REPO)).toEqual([])
    expect(
      findPatchImages(
        '- op: replace\n  path: /metadata/annotations/image\n  value: quay.io/argoproj/argocd:v1\n',
        'p.yaml',
        REPO,
      ),
    ).toEqual([])
    expect(
      findPatchImages('- op: replace\n  path: /spec/containers/0/image\n  value: nginx:1\n', 'p.yaml', REPO),
    ).toEqual([])
  })
})
