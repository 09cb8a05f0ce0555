import { describe, expect, test } from '@jest/globals'
import { ManifestError } from '../../src/manifests/pin.js'
import { checkManifests, planPins } from '../../src/manifests/plan.js'
import type { ManifestFile } from '../../src/manifests/plan.js'

const NEW = `sha256:${'2'.repeat(64)}`
const PINNED = `europe-docker.pkg.dev/acme/apps/backend:v2@${NEW}`
const BACKEND = { repository: 'europe-docker.pkg.dev/acme/apps/backend' }

const deployment = (name: string, containers: Record<string, string>) =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    `metadata: {name: ${name}}`,
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    ...Object.entries(containers).flatMap(([container, image]) => [
      `      - name: ${container}`,
      `        image: ${image}`,
    ]),
    '',
  ].join('\n')

const files: ManifestFile[] = [
  {
    path: 'apps/backend/deployment.yaml',
    content: deployment('backend', {
      api: 'europe-docker.pkg.dev/acme/apps/backend:v1',
      proxy: 'envoyproxy/envoy:v1.30',
    }),
  },
  { path: 'apps/backend/service.yaml', content: 'apiVersion: v1\nkind: Service\nmetadata: {name: backend}\n' },
  {
    path: 'apps/worker/deployment.yaml',
    content: deployment('worker', { worker: 'europe-docker.pkg.dev/acme/apps/backend:v1' }),
  },
  { path: 'apps/pinned/deployment.yaml', content: deployment('pinned', { api: PINNED }) },
]

describe('planPins', () => {
  test('rewrites every selected file, keeps the rest, lists changes in order', () => {
    const plan = planPins(files, BACKEND, PINNED)
    expect(plan.changedFiles).toEqual(['apps/backend/deployment.yaml', 'apps/worker/deployment.yaml'])
    expect(plan.files.map((file) => [file.path, file.sites, file.changes.length])).toEqual([
      ['apps/backend/deployment.yaml', 1, 1],
      ['apps/backend/service.yaml', 0, 0],
      ['apps/worker/deployment.yaml', 1, 1],
      ['apps/pinned/deployment.yaml', 1, 0],
    ])
    expect(plan.files[0].after).toBe(deployment('backend', { api: PINNED, proxy: 'envoyproxy/envoy:v1.30' }))
    expect(plan.files[1].after).toBe(files[1].content)
    expect(plan.files[3].after).toBe(files[3].content)
    expect(plan.files.map((file) => file.before)).toEqual(files.map((file) => file.content))
    expect(plan.changes).toEqual([
      {
        file: 'apps/backend/deployment.yaml',
        line: 9,
        workload: 'backend',
        kind: 'Deployment',
        container: 'api',
        from: 'europe-docker.pkg.dev/acme/apps/backend:v1',
        to: PINNED,
      },
      {
        file: 'apps/worker/deployment.yaml',
        line: 9,
        workload: 'worker',
        kind: 'Deployment',
        container: 'worker',
        from: 'europe-docker.pkg.dev/acme/apps/backend:v1',
        to: PINNED,
      },
    ])
  })

  test('the container filter narrows the plan', () => {
    const plan = planPins(files, { ...BACKEND, container: 'worker' }, PINNED)
    expect(plan.changedFiles).toEqual(['apps/worker/deployment.yaml'])
  })

  test('everything already pinned: no change, no error', () => {
    const plan = planPins([files[3]], BACKEND, PINNED)
    expect(plan.changedFiles).toEqual([])
    expect(plan.changes).toEqual([])
    expect(plan.files[0].after).toBe(plan.files[0].before)
  })

  test('an invalid file fails the whole plan, naming it', () => {
    expect(() => planPins([...files, { path: 'apps/bad.yaml', content: 'a: [\n' }], BACKEND, PINNED)).toThrow(
      /^apps\/bad\.yaml:2: invalid YAML/,
    )
  })
})

describe('no matching container', () => {
  const failure = (run: () => unknown): ManifestError => {
    try {
      run()
    } catch (error) {
      if (error instanceof ManifestError) return error
      throw error
    }
    throw new Error('expected a ManifestError')
  }

  test('names the image, the files and the images it saw', () => {
    const error = failure(() => planPins(files, { repository: 'ghcr.io/acme/backend' }, `ghcr.io/acme/backend@${NEW}`))
    expect(error.message).toBe(
      'no container with image ghcr.io/acme/backend in: apps/backend/deployment.yaml, apps/backend/service.yaml, apps/worker/deployment.yaml, apps/pinned/deployment.yaml. ' +
        'Images seen: europe-docker.pkg.dev/acme/apps/backend:v1 (container "api" in Deployment "backend", apps/backend/deployment.yaml), ' +
        'envoyproxy/envoy:v1.30 (container "proxy" in Deployment "backend", apps/backend/deployment.yaml), ' +
        `${PINNED} (container "api" in Deployment "pinned", apps/pinned/deployment.yaml). ` +
        "Check that the 'image' input names the same registry host and path as the manifests, and that 'manifests' selects the right files.",
    )
    expect(error.line).toBeUndefined()
  })

  test('with a container filter, names the containers that do have the image', () => {
    const error = failure(() => checkManifests(files, { ...BACKEND, container: 'backend' }))
    expect(error.message).toContain(
      'no container with image europe-docker.pkg.dev/acme/apps/backend named "backend" in: ',
    )
    expect(error.message).toContain('Containers with that image are named "api", "worker".')
    expect(error.message).toContain("and that 'container' is the container's name")
  })

  test('without workloads at all', () => {
    const error = failure(() => planPins([files[1]], BACKEND, PINNED))
    expect(error.message).toContain('in: apps/backend/service.yaml. They hold no Pod, PodTemplate, Deployment')
  })

  test('long lists are cut short', () => {
    const many = Array.from({ length: 14 }, (_, i) => ({
      path: `f${i}.yaml`,
      content: deployment(`d${i}`, { c: `registry.example/img${i}:1` }),
    }))
    const error = failure(() => planPins(many, BACKEND, PINNED))
    expect(error.message).toContain('f9.yaml and 4 more. Images seen: ')
    expect(error.message).toContain('registry.example/img4:1 (container "c" in Deployment "d4", f4.yaml) and 9 more.')
  })

  test('no files', () => {
    expect(() => planPins([], BACKEND, PINNED)).toThrow('in: (no files).')
  })
})

describe('checkManifests', () => {
  test('returns the matching sites per file without rewriting', () => {
    const result = checkManifests(files, BACKEND)
    expect(result.map(({ path, sites }) => [path, sites.map((site) => site.container)])).toEqual([
      ['apps/backend/deployment.yaml', ['api']],
      ['apps/backend/service.yaml', []],
      ['apps/worker/deployment.yaml', ['worker']],
      ['apps/pinned/deployment.yaml', ['api']],
    ])
  })
})
