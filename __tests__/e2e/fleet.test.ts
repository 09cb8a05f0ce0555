// Many deploys into one GitOps repository at once, end to end through dist/index.js, with the
// GitHub stand-in answering after a random delay (its latency model) so that runs really overlap.
// No timed assertions: what counts is that every run lands exactly once and every pin is there.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { type Stack, startStack } from '../../test-support/stack.js'

let stack: Stack
let app: string
let digest: string

// Lower than the benchmark's 100–300 ms: 32 node processes on a small machine are slow enough.
const LATENCY: [number, number] = [20, 60]
const PUSH_TIMEOUT = '10m'

const workload = (containers: Record<string, string>): string =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: fleet',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    ...Object.entries(containers).flatMap(([name, image]) => [`        - name: ${name}`, `          image: ${image}`]),
    '',
  ].join('\n')

beforeAll(async () => {
  stack = await startStack()
  app = stack.repository('acme/app')
  await stack.github.seed({ 'apps/app.yaml': workload({ app: `${app}:0.1.0` }) })
  // One image in the registry, pushed by a first run; the fleet below pins it by digest, one
  // container each (the `container` input), so no run has to push.
  const { source, entries } = await stack.layout('layouts/app', [
    { layers: [{ size: 1024, seed: 5 }], refName: '1.0.0' },
  ])
  const first = await stack.run({ image: `${app}:1.0.0`, source, manifests: 'apps/app.yaml', mode: 'push' })
  expect(first.errors).toEqual([])
  digest = entries[0]!.digest
  stack.github.setLatency(LATENCY)
}, 120_000)

afterAll(async () => {
  await stack?.close()
})

afterEach(() => {
  expect(stack.github.takeValidationErrors()).toEqual([])
})

const pinned = () => `${app}:1.0.0@${digest}`

describe('concurrent push-mode runs into one repository', () => {
  test.each([4, 16, 32])(
    '%i runs, each touching its own file: all land, one commit each, every pin present',
    async (count) => {
      const names = Array.from({ length: count }, (_, i) => `svc${i}`)
      const file = (name: string) => `fleet-${count}/${name}.yaml`
      await stack.github.seed(Object.fromEntries(names.map((n) => [file(n), workload({ [n]: `${app}:0.1.0` })])))
      const head = await stack.github.headSha('main')

      const results = await Promise.all(
        names.map((name) =>
          stack.run({
            image: pinned(),
            container: name,
            manifests: file(name),
            mode: 'push',
            'push-timeout': PUSH_TIMEOUT,
            'commit-message': `Deploy ${name}`,
          }),
        ),
      )

      for (const result of results) {
        expect(result.errors).toEqual([])
        expect(result.outputs.changed).toBe('true')
      }
      const commits = await stack.github.commits('main')
      const landed = commits.slice(
        0,
        commits.findIndex((c) => c.sha === head),
      )
      expect(landed).toHaveLength(count)
      expect(landed.map((c) => c.sha).sort()).toEqual(results.map((r) => r.outputs['commit-sha']).sort())
      expect(landed.map((c) => c.message).sort()).toEqual(names.map((n) => `Deploy ${n}`).sort())
      for (const commit of landed) expect(commit.parents).toHaveLength(1)
      for (const name of names) {
        expect(await stack.github.readFile('main', file(name))).toBe(workload({ [name]: pinned() }))
      }
    },
    600_000,
  )

  test('two runs pinning different containers of the same file: both pins present', async () => {
    await stack.github.seed({ 'apps/pair.yaml': workload({ web: `${app}:0.1.0`, worker: `${app}:0.1.0` }) })
    const results = await Promise.all(
      ['web', 'worker'].map((container) =>
        stack.run({ image: pinned(), container, manifests: 'apps/pair.yaml', mode: 'push' }),
      ),
    )
    for (const result of results) expect(result.errors).toEqual([])
    expect(await stack.github.readFile('main', 'apps/pair.yaml')).toBe(workload({ web: pinned(), worker: pinned() }))
  }, 120_000)

  test('a run whose file changed under it pins on the new contents; untouched files are not read again', async () => {
    await stack.github.seed({
      'apps/moving.yaml': workload({ api: `${app}:0.1.0` }),
      'apps/still.yaml': workload({ api: `${app}:0.1.0` }),
    })
    const moved = workload({ api: `${app}:0.1.0`, metrics: 'prom/exporter:1' })
    // Someone else edits one of the two files right before the run's commit.
    let competitor: string | undefined
    const remove = stack.github.onBeforeRequest(async ({ method, path }) => {
      if (method === 'POST' && path === '/graphql' && competitor === undefined) {
        competitor = await stack.github.seed({ 'apps/moving.yaml': moved }, { message: 'add metrics' })
      }
    })
    stack.github.resetRequests()
    try {
      const result = await stack.run({
        image: pinned(),
        manifests: 'apps/moving.yaml\napps/still.yaml',
        mode: 'push',
      })
      expect(result.errors).toEqual([])
      expect(result.outputs.changed).toBe('true')
    } finally {
      remove()
    }
    expect(await stack.github.readFile('main', 'apps/moving.yaml')).toBe(
      workload({ api: pinned(), metrics: 'prom/exporter:1' }),
    )
    expect(await stack.github.readFile('main', 'apps/still.yaml')).toBe(workload({ api: pinned() }))
    const [commit] = await stack.github.commits('main')
    expect(commit!.parents).toEqual([competitor])
    const reads = (path: string) =>
      stack.github.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/contents/${path}`)).length
    expect(reads('apps/moving.yaml')).toBe(2)
    expect(reads('apps/still.yaml')).toBe(1)
  }, 120_000)
})
