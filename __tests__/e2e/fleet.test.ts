// Many deploys into one GitOps repository at once, end to end through dist/index.js, with the
// GitHub stand-in answering after a random delay (its latency model) so that runs really overlap.
// No timed assertions: what counts is that every run lands exactly once and every pin is there.
import { beforeAll, describe, expect, test } from '@jest/globals'
import { concurrentRunsLand, useFleet, workload } from './fleet-support.js'

const fleet = useFleet()
const { stack } = fleet
let app: string

beforeAll(() => {
  app = fleet.app
})

const pinned = () => fleet.pinned

describe('concurrent push-mode runs into one repository', () => {
  // 16 and 32 runs: fleet-16.test.ts and fleet-32.test.ts.
  test('4 runs, each touching its own file: all land, one commit each, every pin present', async () => {
    await concurrentRunsLand(fleet, 4)
  }, 600_000)

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
    // Files are read in GraphQL batches (`object(expression: "SHA:path")`), or one by one as a fallback.
    const reads = (path: string) =>
      stack.github.objectReads.filter((expression) => expression.endsWith(`:${path}`)).length +
      stack.github.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/contents/${path}`)).length
    expect(reads('apps/moving.yaml')).toBe(2)
    expect(reads('apps/still.yaml')).toBe(1)
  }, 120_000)
})

describe('several images in one run', () => {
  let api: string
  let web: string
  let digests: { api: string; web: string }

  beforeAll(async () => {
    api = stack.repository('acme/api')
    web = stack.repository('acme/web')
    await stack.github.seed({
      'multi/push.yaml': workload({ api: `${api}:0.1.0`, web: `${web}:0.1.0` }),
      'multi/pr.yaml': workload({ api: `${api}:0.1.0`, web: `${web}:0.1.0` }),
    })
  })

  test('push: both images from one OCI layout by their tags, both pins in one commit', async () => {
    // One layout holding both images, each found by its tag.
    const { source, entries } = await stack.layout('layouts/multi', [
      { layers: [{ size: 1024, seed: 21 }], refName: '2.0.0' },
      { layers: [{ size: 1024, seed: 22 }], refName: '3.0.0' },
    ])
    digests = { api: entries[0]!.digest, web: entries[1]!.digest }
    const head = await stack.github.headSha('main')

    const result = await stack.run({
      image: `${api}:2.0.0\n${web}:3.0.0\n`,
      source,
      manifests: 'multi/push.yaml',
      mode: 'push',
    })

    expect(result.errors).toEqual([])
    const commits = await stack.github.commits('main')
    expect(commits[0]!.parents).toEqual([head])
    expect(commits[0]!.message.split('\n')[0]).toBe('Deploy api 2.0.0, web 3.0.0')
    expect(await stack.github.readFile('main', 'multi/push.yaml')).toBe(
      workload({ api: `${api}:2.0.0@${digests.api}`, web: `${web}:3.0.0@${digests.web}` }),
    )
    expect(result.outputs).toMatchObject({
      changed: 'true',
      digest: `${digests.api}\n${digests.web}`,
      'commit-sha': commits[0]!.sha,
    })
    expect(JSON.parse(result.outputs.images!)).toEqual([
      {
        image: `${api}:2.0.0`,
        digest: digests.api,
        'pinned-image': `${api}:2.0.0@${digests.api}`,
        'changed-files': ['multi/push.yaml'],
      },
      {
        image: `${web}:3.0.0`,
        digest: digests.web,
        'pinned-image': `${web}:3.0.0@${digests.web}`,
        'changed-files': ['multi/push.yaml'],
      },
    ])
  }, 120_000)

  test('pr: one pull request for both on a branch named by the set; a rerun, in any order, writes nothing', async () => {
    const image = `${web}:3.0.0@${digests.web}\n${api}:2.0.0@${digests.api}`
    const base = await stack.github.headSha('main')

    const opened = await stack.run({ image, manifests: 'multi/pr.yaml' })

    expect(opened.errors).toEqual([])
    expect(opened.outputs.changed).toBe('true')
    const pull = stack.github.pulls().find((p) => String(p.number) === opened.outputs['pull-request-number'])!
    // In repository order, whatever the input order: a reordered rerun leaves the pull request as it is.
    expect(pull).toMatchObject({ head: 'deploy/api-web', base: 'main', title: 'Deploy api 2.0.0, web 3.0.0' })
    expect(pull.body).toContain(digests.api)
    expect(pull.body).toContain(digests.web)
    expect(await stack.github.readFile('deploy/api-web', 'multi/pr.yaml')).toBe(
      workload({ api: `${api}:2.0.0@${digests.api}`, web: `${web}:3.0.0@${digests.web}` }),
    )
    expect(await stack.github.headSha('main')).toBe(base)
    const branchHead = await stack.github.headSha('deploy/api-web')

    // The same deploy again: the branch already carries these digests. Nothing written, changed=false.
    stack.github.resetRequests()
    const rerun = await stack.run({ image, manifests: 'multi/pr.yaml' })
    expect(rerun.errors).toEqual([])
    expect(rerun.outputs).toMatchObject({
      changed: 'false',
      'changed-files': '[]',
      'commit-sha': '',
      'pull-request-number': opened.outputs['pull-request-number'],
      'pull-request-url': opened.outputs['pull-request-url'],
    })
    expect(await stack.github.headSha('deploy/api-web')).toBe(branchHead)
    const writes = () =>
      stack.github.requests.filter(
        (r) => (r.method !== 'GET' && r.path !== '/graphql') || r.operationId === 'createCommitOnBranch',
      )
    expect(writes()).toEqual([])

    // The same images in the other order: the same branch, title, body and tree; no request writes.
    const body = stack.github.pulls().find((p) => p.number === pull.number)!.body
    stack.github.resetRequests()
    const reordered = await stack.run({ image: image.split('\n').reverse().join('\n'), manifests: 'multi/pr.yaml' })
    expect(reordered.errors).toEqual([])
    expect(reordered.outputs).toMatchObject({ changed: 'false', 'pull-request-number': String(pull.number) })
    expect(writes()).toEqual([])
    expect(stack.github.pulls().find((p) => p.number === pull.number)).toMatchObject({ title: pull.title, body })
    expect(await stack.github.headSha('deploy/api-web')).toBe(branchHead)
  }, 120_000)

  test('an image that matches no container: one error naming it, nothing pushed or written', async () => {
    const head = await stack.github.headSha('main')
    const registryWrites = stack.registry.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD').length
    const { source } = await stack.layout('layouts/missing', [{ layers: [{ size: 1024, seed: 31 }], refName: '4.0.0' }])

    const result = await stack.run({
      image: `${api}:4.0.0\n${stack.repository('acme/nowhere')}:4.0.0`,
      source,
      manifests: 'multi/push.yaml',
      mode: 'push',
    })

    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/Input 'image'.*1 of 2 images match no container.*acme\/nowhere:4\.0\.0/)
    expect(result.errors[0]).not.toMatch(/acme\/api:4\.0\.0/)
    expect(await stack.github.headSha('main')).toBe(head)
    expect(stack.registry.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')).toHaveLength(
      registryWrites,
    )
  }, 120_000)
})
