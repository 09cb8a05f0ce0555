// Property-based tests: for generated manifests, the rewrite changes exactly the matching image scalars,
// re-parsing gives the expected images, and a second rewrite is a no-op.

import { describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { parseAllDocuments } from 'yaml'
import { normalizedRepository, parseImageReference } from '../../src/image/reference.js'
import { findImageSites, pinManifest } from '../../src/manifests/pin.js'
import type { ContainerSelector } from '../../src/manifests/pin.js'

type Quote = 'plain' | 'single' | 'double'

interface ContainerModel {
  readonly name: string
  readonly image: string
  /** Written as the pinned value itself: an already pinned container. */
  readonly alreadyPinned: boolean
  readonly quote: Quote
  readonly init: boolean
  readonly imageFirst: boolean
  readonly comment: boolean
  readonly blankBefore: boolean
}

interface WorkloadModel {
  readonly type: 'workload'
  readonly kind: keyof typeof KINDS
  readonly name: string
  readonly containers: readonly ContainerModel[]
  readonly style: 'block' | 'indented' | 'flow'
  readonly leadingComment: boolean
}

interface OtherModel {
  readonly type: 'other'
  readonly text: string
}

type DocumentModel = WorkloadModel | OtherModel

interface FileModel {
  readonly documents: readonly DocumentModel[]
  readonly crlf: boolean
  readonly finalNewline: boolean
  readonly bom: boolean
  readonly leadingSeparator: boolean
  readonly separators: readonly string[]
}

const KINDS = {
  Pod: { apiVersion: 'v1', path: ['spec'] },
  Deployment: { apiVersion: 'apps/v1', path: ['spec', 'template', 'spec'] },
  StatefulSet: { apiVersion: 'apps/v1', path: ['spec', 'template', 'spec'] },
  DaemonSet: { apiVersion: 'apps/v1', path: ['spec', 'template', 'spec'] },
  ReplicaSet: { apiVersion: 'apps/v1', path: ['spec', 'template', 'spec'] },
  Job: { apiVersion: 'batch/v1', path: ['spec', 'template', 'spec'] },
  CronJob: { apiVersion: 'batch/v1', path: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] },
  Rollout: { apiVersion: 'argoproj.io/v1alpha1', path: ['spec', 'template', 'spec'] },
} as const

/** Several spellings of the same repositories, and near misses. */
const REPOSITORIES = [
  'nginx',
  'docker.io/library/nginx',
  'index.docker.io/library/nginx',
  'library/nginx',
  'nginx-unprivileged',
  'redis',
  'bitnami/redis',
  'europe-docker.pkg.dev/acme/apps/backend',
  'europe-docker.pkg.dev/acme/apps/backend-worker',
  'localhost:5000/backend',
  'ghcr.io/acme/api',
]
const TARGETS: Record<string, readonly string[]> = {
  'docker.io/library/nginx': ['nginx', 'docker.io/library/nginx'],
  'docker.io/library/redis': ['redis', 'index.docker.io/redis'],
  'europe-docker.pkg.dev/acme/apps/backend': ['europe-docker.pkg.dev/acme/apps/backend'],
  'localhost:5000/backend': ['localhost:5000/backend'],
}
const NAMES = ['app', 'web', 'sidecar', 'migrate', 'worker']
const OTHER_DOCUMENTS = [
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: web # the service\nspec:\n  ports: [{port: 80, targetPort: 8080}]\n',
  'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata:\n  snippet: "image: nginx:1"\n  pod.yaml: |\n    containers:\n    - image: nginx\n',
  'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nimages:\n- name: nginx\n  newTag: "1.25"\n',
  'apiVersion: example.com/v1\nkind: Widget\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: nginx}]\n',
  '# a document with only a comment\n',
]

const hex = fc.stringMatching(/^[0-9a-f]{64}$/)
const tag = fc.constantFrom('1', '1.25.3', 'latest', 'v2-rc.1', 'stable_2024')

/** Images for a target repository: half of them spell the target one way or another, the rest are from the pool. */
const imageFor = (repository: string) =>
  fc
    .record({
      repository: fc.oneof(fc.constantFrom(...TARGETS[repository]), fc.constantFrom(...REPOSITORIES)),
      tag: fc.option(tag, { nil: undefined }),
      digest: fc.option(hex, { nil: undefined }),
    })
    .map(
      ({ repository, tag, digest }) =>
        repository + (tag === undefined ? '' : `:${tag}`) + (digest === undefined ? '' : `@sha256:${digest}`),
    )

const containerFor = (repository: string): fc.Arbitrary<ContainerModel> =>
  fc.record({
    name: fc.constantFrom(...NAMES),
    image: imageFor(repository),
    alreadyPinned: fc.integer({ min: 0, max: 4 }).map((draw) => draw === 0),
    quote: fc.constantFrom<Quote>('plain', 'single', 'double'),
    init: fc.boolean(),
    imageFirst: fc.boolean(),
    comment: fc.boolean(),
    blankBefore: fc.boolean(),
  })

const workloadFor = (repository: string): fc.Arbitrary<WorkloadModel> =>
  fc.record({
    type: fc.constant('workload' as const),
    kind: fc.constantFrom(...(Object.keys(KINDS) as (keyof typeof KINDS)[])),
    name: fc.constantFrom('frontend', 'backend', 'jobs'),
    containers: fc.array(containerFor(repository), { minLength: 1, maxLength: 4 }),
    style: fc.constantFrom('block', 'indented', 'flow'),
    leadingComment: fc.boolean(),
  })

const other: fc.Arbitrary<OtherModel> = fc.record({
  type: fc.constant('other' as const),
  text: fc.constantFrom(...OTHER_DOCUMENTS),
})

const fileFor = (repository: string): fc.Arbitrary<FileModel> =>
  fc.integer({ min: 1, max: 5 }).chain((count) =>
    fc.record({
      documents: fc.array(
        fc.oneof({ weight: 3, arbitrary: workloadFor(repository) }, { weight: 1, arbitrary: other }),
        { minLength: count, maxLength: count },
      ),
      crlf: fc.boolean(),
      finalNewline: fc.boolean(),
      bom: fc.boolean(),
      leadingSeparator: fc.boolean(),
      separators: fc.array(fc.constantFrom('---\n', '\n---\n', '# next\n---\n', '...\n---\n', '--- # doc\n'), {
        minLength: count,
        maxLength: count,
      }),
    }),
  )

const target = fc.constantFrom(...Object.keys(TARGETS)).chain((repository) =>
  fc.record({
    selector: fc.record(
      {
        repository: fc.constant(repository),
        container: fc.option(fc.constantFrom(...NAMES), { nil: undefined, freq: 2 }),
      },
      { requiredKeys: ['repository'] },
    ),
    model: fileFor(repository),
    pinned: fc
      .record({
        spelling: fc.constantFrom(...TARGETS[repository]),
        tag: fc.option(tag, { nil: undefined }),
        digest: hex,
      })
      .map(({ spelling, tag, digest }) => `${spelling}${tag === undefined ? '' : `:${tag}`}@sha256:${digest}`),
  }),
)

function quoted(value: string, quote: Quote): string {
  return quote === 'plain' ? value : quote === 'single' ? `'${value}'` : `"${value}"`
}

function matches(model: ContainerModel, selector: ContainerSelector, pinned: string): boolean {
  const value = model.alreadyPinned ? pinned : model.image
  return (
    normalizedRepository(parseImageReference(value)) === selector.repository &&
    (selector.container === undefined || selector.container === model.name)
  )
}

/** The image text a container is written with. */
type ImageOf = (model: ContainerModel) => string

function renderWorkload(model: WorkloadModel, imageOf: ImageOf): string {
  const { apiVersion, path } = KINDS[model.kind]
  const lines = model.leadingComment ? ['# generated for a test'] : []
  lines.push(`apiVersion: ${apiVersion}`, `kind: ${model.kind}`, 'metadata:', `  name: ${model.name}`)
  path.forEach((key, depth) => lines.push(`${'  '.repeat(depth)}${key}:`))
  const indent = '  '.repeat(path.length)
  for (const [field, init] of [
    ['initContainers', true],
    ['containers', false],
  ] as const) {
    const items = model.containers.filter((item) => item.init === init)
    if (items.length === 0) continue
    const fields = (item: ContainerModel) => {
      const name = `name: ${item.name}`
      const image = `image: ${quoted(imageOf(item), item.quote)}`
      return item.imageFirst ? [image, name] : [name, image]
    }
    if (model.style === 'flow') {
      lines.push(`${indent}${field}: [${items.map((item) => `{${fields(item).join(', ')}}`).join(', ')}]`)
      continue
    }
    lines.push(`${indent}${field}:`)
    const dash = model.style === 'indented' ? `${indent}  - ` : `${indent}- `
    const rest = ' '.repeat(dash.length)
    for (const item of items) {
      if (item.blankBefore) lines.push('')
      const [first, second] = fields(item).map((text) =>
        item.comment && text.startsWith('image') ? `${text}  # keep me` : text,
      )
      lines.push(dash + first, rest + second)
    }
  }
  return `${lines.join('\n')}\n`
}

function render(model: FileModel, imageOf: ImageOf): string {
  let text = model.leadingSeparator ? '---\n' : ''
  model.documents.forEach((document, index) => {
    if (index > 0) text += model.separators[index]
    text += document.type === 'workload' ? renderWorkload(document, imageOf) : document.text
  })
  if (!model.finalNewline) text = text.replace(/\n+$/, '')
  if (model.crlf) text = text.replace(/\n/g, '\r\n')
  return (model.bom ? '\uFEFF' : '') + text
}

function containersOf(model: FileModel): ContainerModel[] {
  return model.documents.flatMap((document) =>
    document.type === 'workload'
      ? [...document.containers.filter((item) => item.init), ...document.containers.filter((item) => !item.init)]
      : [],
  )
}

/** Images per workload document as YAML reads them back, in document order. */
function imagesInDocuments(content: string): string[][] {
  return parseAllDocuments(content)
    .map((document) => document.toJS() as Record<string, unknown> | null)
    .filter(
      (value) =>
        value !== null &&
        typeof value === 'object' &&
        typeof value.kind === 'string' &&
        value.kind in KINDS &&
        value.apiVersion !== 'example.com/v1',
    )
    .map((value) => {
      let spec = value as Record<string, unknown>
      for (const key of KINDS[value!.kind as keyof typeof KINDS].path) spec = spec[key] as Record<string, unknown>
      const list = (field: string) => ((spec[field] ?? []) as { image: string }[]).map((item) => item.image)
      return [...list('initContainers'), ...list('containers')]
    })
}

describe('pinManifest on generated manifests', () => {
  test('changes exactly the matching image scalars, re-reads as expected, and is idempotent', () => {
    // The generator must reach the interesting cases, or the property proves little.
    const seen = { withSites: 0, withChanges: 0, alreadyPinnedSites: 0, crlf: 0 }
    fc.assert(
      fc.property(target, ({ model, selector, pinned }) => {
        const original: ImageOf = (item) => (item.alreadyPinned ? pinned : item.image)
        const expected: ImageOf = (item) => (matches(item, selector, pinned) ? pinned : original(item))
        const before = render(model, original)
        const containers = containersOf(model)
        const matching = containers.filter((item) => matches(item, selector, pinned))

        // The sites are exactly the matching containers, and their ranges hold the written scalar.
        const sites = findImageSites(before, 'gen.yaml', selector)
        expect(sites.map((site) => site.image)).toEqual(matching.map(original))
        sites.forEach((site, index) =>
          expect(before.slice(site.range[0], site.range[1])).toBe(
            quoted(original(matching[index]), matching[index].quote),
          ),
        )

        const result = pinManifest(before, 'gen.yaml', selector, pinned)
        // (a) Byte for byte: the same manifest with only the matching images written as the pinned value.
        expect(result.content).toBe(render(model, expected))
        let cursor = 0
        let offset = 0
        for (const site of result.sites) {
          expect(result.content.slice(cursor + offset, site.range[0] + offset)).toBe(
            before.slice(cursor, site.range[0]),
          )
          const replacement = before.slice(site.range[0], site.range[1]).replace(site.image, pinned)
          expect(result.content.slice(site.range[0] + offset, site.range[0] + offset + replacement.length)).toBe(
            replacement,
          )
          offset += replacement.length - (site.range[1] - site.range[0])
          cursor = site.range[1]
        }
        expect(result.content.slice(cursor + offset)).toBe(before.slice(cursor))
        expect(result.changes).toHaveLength(matching.filter((item) => original(item) !== pinned).length)

        // (b) Reading the result back gives the pinned image for matching containers, the old one elsewhere.
        const perDocument = model.documents.filter(
          (document): document is WorkloadModel => document.type === 'workload',
        )
        expect(imagesInDocuments(result.content)).toEqual(
          perDocument.map((document) =>
            [
              ...document.containers.filter((item) => item.init),
              ...document.containers.filter((item) => !item.init),
            ].map(expected),
          ),
        )

        // (c) A second rewrite is a no-op.
        const again = pinManifest(result.content, 'gen.yaml', selector, pinned)
        expect(again.changes).toEqual([])
        expect(again.content).toBe(result.content)
        expect(again.sites).toHaveLength(matching.length)

        if (sites.length > 0) seen.withSites += 1
        if (result.changes.length > 0) seen.withChanges += 1
        if (sites.some((site) => site.image === pinned)) seen.alreadyPinnedSites += 1
        if (model.crlf && result.changes.length > 0) seen.crlf += 1
      }),
      { numRuns: 200 },
    )
    expect(seen.withSites).toBeGreaterThan(40)
    expect(seen.withChanges).toBeGreaterThan(40)
    expect(seen.alreadyPinnedSites).toBeGreaterThan(5)
    expect(seen.crlf).toBeGreaterThan(10)
  })
})
