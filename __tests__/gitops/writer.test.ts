// GitOps write-back against the git-backed fake GitHub API: what lands in the repository, what
// does not, and how many API calls it takes. Each test works on its own base branch.
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createGitHubClient, type GitHubClient } from '../../src/gitops/client.js'
import { GitOpsRepository, type Snapshot, gitBlobSha } from '../../src/gitops/repository.js'
import { updatePullRequest } from '../../src/gitops/pull-request.js'
import { type MovedBase, type WriteStrategy, pushToBase, type Prepared } from '../../src/gitops/writer.js'
import { fastForwardClock } from '../../test-support/clock.js'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/github-api/server.js'

const BACKEND = 'apps/backend/deployment.yaml'
const FRONTEND = 'apps/frontend/deployment.yaml'
const OLD = 'registry.example/acme/backend:1.0.0'
const NEW = `registry.example/acme/backend:1.1.0@sha256:${'a'.repeat(64)}`
const NEWER = `registry.example/acme/backend:1.2.0@sha256:${'b'.repeat(64)}`

// BOM, CRLF, a trailing comment and no final newline: the bytes around the image must survive.
const manifest = (image: string) =>
  `\uFEFFapiVersion: apps/v1\r\nkind: Deployment\r\nmetadata:\r\n  name: backend # keep\r\nspec:\r\n  template:\r\n    spec:\r\n      containers:\r\n        - name: app\r\n          image: ${image} # pinned by CI`

let gh: FakeGitHub
let client: GitHubClient
let output: string[] = []
let branchCounter = 0

beforeAll(async () => {
  gh = await startFakeGitHub()
  // No write spacing here: what these tests check does not depend on it (the rate-limit test has its own client).
  client = createGitHubClient(gh.token, gh.url, { retryBaseMs: 1, retryAfterUnitMs: 5, throttle: false })
  await gh.seed({
    [BACKEND]: manifest(OLD),
    [FRONTEND]: 'image: registry.example/acme/frontend:2\n',
    'README.md': '# gitops\n',
  })
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk))
    return true
  })
})

afterAll(async () => {
  jest.restoreAllMocks()
  await gh?.close()
})

afterEach(() => {
  gh.clearFaults()
  expect(gh.takeValidationErrors()).toEqual([])
  expect(output.join('')).not.toContain(gh.token)
  output = []
})

/** A fresh base branch with the fixture files, so tests do not see each other's commits. */
async function freshBase(): Promise<string> {
  const base = `env/test-${++branchCounter}`
  await gh.seed({ 'env.txt': base }, { branch: base, message: `create ${base}` })
  gh.resetRequests()
  return base
}

interface Pin extends Prepared {
  readonly image: string
}

/** The manifest rewrite stands in for the real one: it only has to produce file updates. */
function pinner(
  repo: GitOpsRepository,
  image: string,
  firstRead: readonly { path: string; content: string }[],
  calls: Snapshot[] = [],
) {
  return async (snapshot: Snapshot, moved?: MovedBase): Promise<Pin> => {
    calls.push(snapshot)
    const files = moved === undefined ? firstRead : await repo.readFiles(snapshot, [BACKEND])
    const updates = files
      .map((file) => ({ path: file.path, content: file.content.replace(/image: \S+/, `image: ${image}`) }))
      .filter((update, i) => update.content !== files[i]?.content)
    return { image, files: updates }
  }
}

/** What the action does in push mode: default branch, base head, the one file, then write. */
async function runPush(
  base: string,
  image: string,
  extra: { timeoutMs?: number; calls?: Snapshot[]; strategy?: WriteStrategy; client?: GitHubClient } = {},
) {
  const repo = new GitOpsRepository(extra.client ?? client, gh.owner, gh.repo)
  await repo.defaultBranch()
  const initial = await repo.snapshot(base)
  const files = await repo.readFiles(initial, [BACKEND])
  return pushToBase(repo, {
    base,
    initial,
    message: `Deploy ${image}`,
    prepare: pinner(repo, image, files, extra.calls),
    retryDelayMs: 1,
    clock: fastForwardClock(),
    strategy: extra.strategy ?? 'rest',
    ...(extra.timeoutMs !== undefined && { timeoutMs: extra.timeoutMs }),
  })
}

async function runPullRequest(base: string, branch: string, image: string, labels: readonly string[] = ['deploy']) {
  const repo = new GitOpsRepository(client, gh.owner, gh.repo)
  await repo.defaultBranch()
  const initial = await repo.snapshot(base)
  const files = await repo.readFiles(initial, [BACKEND])
  return updatePullRequest(repo, {
    base,
    branch,
    initial,
    title: `Deploy ${image}`,
    body: (prepared) => `Pins ${prepared.image} in ${prepared.files.map((file) => file.path).join(', ')}`,
    labels,
    message: `Deploy ${image}`,
    prepare: pinner(repo, image, files),
    retryDelayMs: 1,
    clock: fastForwardClock(),
  })
}

const calls = (method?: string, path?: RegExp) =>
  gh.requests.filter((r) => (method === undefined || r.method === method) && (path === undefined || path.test(r.path)))
const operations = () => gh.requests.map((r) => `${r.method} ${r.operationId ?? r.path}`)

describe('push mode', () => {
  test('one commit on the base with only the manifest changed, signed by GitHub, in 6 calls', async () => {
    const base = await freshBase()
    const before = await gh.headSha(base)
    gh.resetRequests()

    const outcome = await runPush(base, NEW)

    expect(outcome.attempts).toBe(1)
    expect(outcome.commitSha).toBe(await gh.headSha(base))
    expect(await gh.changedPaths(before!, outcome.commitSha!)).toEqual([BACKEND])
    expect(await gh.readFile(base, BACKEND)).toBe(manifest(NEW))
    const [commit] = await gh.commits(base)
    expect(commit).toMatchObject({
      sha: outcome.commitSha,
      message: `Deploy ${NEW}`,
      parents: [before],
      verified: true,
    })
    expect(commit?.author).toContain('github-actions[bot]')
    expect(operations()).toEqual([
      'GET repos/get',
      'GET repos/get-branch',
      'POST graphql',
      'POST git/create-tree',
      'POST git/create-commit',
      'PATCH git/update-ref',
    ])
    expect(gh.requests.length).toBeLessThanOrEqual(6)
  })

  test('nothing to change: no write at all', async () => {
    const base = await freshBase()
    await runPush(base, NEW)
    const head = await gh.headSha(base)
    gh.resetRequests()

    const outcome = await runPush(base, NEW)

    expect(outcome.commitSha).toBeUndefined()
    expect(outcome.prepared.files).toEqual([])
    expect(await gh.headSha(base)).toBe(head)
    expect(calls().every((r) => r.method === 'GET' || r.path === '/graphql')).toBe(true)
  })

  test('a competing push right before the ref update: rebased and retried, both commits kept', async () => {
    const base = await freshBase()
    let competitor: string | undefined
    const remove = gh.onBeforeRequest(async ({ method, path }) => {
      if (method === 'PATCH' && path.endsWith(`/git/refs/heads/${base}`) && competitor === undefined) {
        competitor = await gh.seed(
          { [FRONTEND]: 'image: registry.example/acme/frontend:3\n' },
          { branch: base, message: 'frontend deploy' },
        )
      }
    })
    const snapshots: Snapshot[] = []
    try {
      const outcome = await runPush(base, NEW, { calls: snapshots })

      expect(outcome.attempts).toBe(2)
      const history = await gh.commits(base)
      expect(history[0]).toMatchObject({ sha: outcome.commitSha, parents: [competitor] })
      expect(history.map((c) => c.message)).toEqual(expect.arrayContaining([`Deploy ${NEW}`, 'frontend deploy']))
      expect(await gh.readFile(base, FRONTEND)).toBe('image: registry.example/acme/frontend:3\n')
      expect(await gh.readFile(base, BACKEND)).toBe(manifest(NEW))
      // The retry prepared the change again on top of the competitor's commit.
      expect(snapshots.map((s) => s.commitSha)).toEqual([expect.any(String), competitor])
      expect(calls('PATCH')).toHaveLength(2)
    } finally {
      remove()
    }
  })

  test('gives up after push-timeout when someone keeps pushing, without touching their commits', async () => {
    const base = await freshBase()
    let pushes = 0
    const remove = gh.onBeforeRequest(async ({ method, path }) => {
      if (method === 'PATCH' && path.endsWith(`/git/refs/heads/${base}`)) {
        await gh.seed({ 'noise.txt': String(++pushes) }, { branch: base, message: `noise ${pushes}` })
      }
    })
    try {
      await expect(runPush(base, NEW, { timeoutMs: 2000 })).rejects.toThrow(
        new RegExp(
          `Could not update refs/heads/${base} in acme/gitops: other workflows kept pushing to ${base} for 2 s \\(\\d+ attempts\\)\\. Raise \`push-timeout\``,
        ),
      )
    } finally {
      remove()
    }
    const history = await gh.commits(base)
    expect(history[0]?.message).toBe(`noise ${pushes}`)
    expect(history.some((c) => c.message.startsWith('Deploy'))).toBe(false)
    expect(await gh.readFile(base, BACKEND)).toBe(manifest(OLD))
  })

  test('four concurrent runs for four services all land', async () => {
    const base = await freshBase()
    const services = ['a', 'b', 'c', 'd']
    await gh.seed(Object.fromEntries(services.map((s) => [`apps/${s}.yaml`, `image: registry.example/${s}:old\n`])), {
      branch: base,
    })
    const run = async (service: string) => {
      const repo = new GitOpsRepository(client, gh.owner, gh.repo)
      const initial = await repo.snapshot(base)
      const path = `apps/${service}.yaml`
      const read = async (snapshot: Snapshot) => repo.readFiles(snapshot, [path])
      const first = await read(initial)
      return pushToBase(repo, {
        base,
        initial,
        message: `Deploy ${service}`,
        retryDelayMs: 2,
        clock: fastForwardClock(),
        prepare: async (snapshot, moved) => {
          const files = moved === undefined ? first : await read(snapshot)
          return {
            files: files
              .map((f) => ({ path: f.path, content: f.content.replace(':old', ':new') }))
              .filter((f) => f.content.includes(':new')),
          }
        },
      })
    }
    const outcomes = await Promise.all(services.map(run))
    expect(outcomes.every((o) => o.commitSha !== undefined)).toBe(true)
    for (const s of services)
      expect(await gh.readFile(base, `apps/${s}.yaml`)).toBe(`image: registry.example/${s}:new\n`)
    const messages = (await gh.commits(base)).slice(0, 4).map((c) => c.message)
    expect(messages.sort()).toEqual(services.map((s) => `Deploy ${s}`))
  })

  test('transient 502s and a secondary rate limit are retried', async () => {
    const base = await freshBase()
    gh.injectFault({ method: 'POST', path: /\/git\/trees$/, status: 502, times: 2, body: { message: 'Bad Gateway' } })
    gh.injectFault({
      method: 'PATCH',
      path: /\/git\/refs\//,
      status: 403,
      headers: { 'retry-after': '1' },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: 'https://docs.github.com/rest',
      },
    })
    const throttled = createGitHubClient(gh.token, gh.url, { retryBaseMs: 1, retryAfterUnitMs: 5 })
    const outcome = await runPush(base, NEW, { client: throttled })
    expect(outcome.commitSha).toBe(await gh.headSha(base))
    expect(calls('POST', /\/git\/trees$/)).toHaveLength(3)
    expect(calls('PATCH')).toHaveLength(2)
    const log = output.join('')
    expect(log).toMatch(/POST \/repos\/acme\/gitops\/git\/trees failed: HTTP 502/)
    expect(log).toMatch(
      /secondary rate limit on PATCH \/repos\/acme\/gitops\/git\/refs\/heads\/env\/test-\d+; retrying in 1s/,
    )
  })

  test('a failure before the ref update leaves the base untouched', async () => {
    const base = await freshBase()
    const before = await gh.headSha(base)
    gh.injectFault({
      method: 'POST',
      path: /\/git\/commits$/,
      status: 500,
      times: 10,
      body: { message: 'Server Error' },
    })
    await expect(runPush(base, NEW)).rejects.toThrow(
      'Could not create a commit in acme/gitops: Server Error (HTTP 500)',
    )
    expect(calls('POST', /\/git\/commits$/)).toHaveLength(4)
    expect(calls('PATCH')).toHaveLength(0)
    expect(await gh.headSha(base)).toBe(before)
  })

  test('a token without write access gets told which permission it needs', async () => {
    const base = await freshBase()
    gh.injectFault({
      method: 'POST',
      path: /\/git\/trees$/,
      status: 403,
      body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' },
    })
    const error = await runPush(base, NEW).catch((e: unknown) => e as Error)
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toContain(
      'Could not create a tree in acme/gitops: Resource not accessible by integration (HTTP 403)',
    )
    expect((error as Error).message).toContain('`contents: write` on acme/gitops')
    expect((error as Error).message).toContain("default GITHUB_TOKEN only reaches the workflow's own repository")
    expect((error as Error).message).not.toContain('pull-requests')
  })
  test('a protected base branch points to pr mode with merge', async () => {
    const base = await freshBase()
    gh.protectBranch(base, { requirePullRequest: true })
    const before = await gh.headSha(base)
    try {
      await expect(runPush(base, NEW)).rejects.toThrow(
        /Could not update refs\/heads\/env\/test-\d+ in acme\/gitops: Protected branch update failed .*\(HTTP 422\)\. The branch is protected .*nothing was written.*\n {2}with:\n {4}mode: pr\n {4}merge: squash$/s,
      )
      await expect(runPush(base, NEW, { strategy: 'graphql' })).rejects.toThrow(
        /Could not commit to env\/test-\d+ in acme\/gitops: .*protected branch 'env\/test-\d+' check failed.*The branch is protected/s,
      )
      expect(await gh.headSha(base)).toBe(before)
    } finally {
      gh.protectBranch(base, undefined)
    }
  })
})

describe('push mode through GraphQL createCommitOnBranch', () => {
  test('one signed commit in one content-creating call', async () => {
    const base = await freshBase()
    const before = await gh.headSha(base)
    gh.resetRequests()

    const outcome = await runPush(base, NEW, { strategy: 'graphql' })

    expect(outcome).toMatchObject({ attempts: 1, commitSha: await gh.headSha(base) })
    expect(await gh.readFile(base, BACKEND)).toBe(manifest(NEW))
    expect((await gh.commits(base))[0]).toMatchObject({ message: `Deploy ${NEW}`, parents: [before], verified: true })
    expect(operations()).toEqual(['GET repos/get', 'GET repos/get-branch', 'POST graphql', 'POST createCommitOnBranch'])
  })

  test('a competing push: rebased onto the new head, both commits kept', async () => {
    const base = await freshBase()
    let competitor: string | undefined
    const remove = gh.onBeforeRequest(async ({ path }) => {
      if (path === '/graphql' && competitor === undefined) {
        competitor = await gh.seed({ [FRONTEND]: 'image: x/frontend:4\n' }, { branch: base, message: 'frontend' })
      }
    })
    try {
      const outcome = await runPush(base, NEW, { strategy: 'graphql' })
      expect(outcome.attempts).toBe(2)
      expect((await gh.commits(base))[0]).toMatchObject({ sha: outcome.commitSha, parents: [competitor] })
      expect(await gh.readFile(base, FRONTEND)).toBe('image: x/frontend:4\n')
      expect(await gh.readFile(base, BACKEND)).toBe(manifest(NEW))
      expect(gh.requests.filter((r) => r.operationId === 'createCommitOnBranch')).toHaveLength(2)
      // The retry learned the new head and what changed in one compare call, no tree listing.
      expect(operations().filter((op) => op.startsWith('GET'))).toEqual([
        'GET repos/get',
        'GET repos/get-branch',
        'GET repos/compare-commits-with-basehead',
      ])
    } finally {
      remove()
    }
  })

  test('what moved under a writer: the head and each changed file with its status and blob, from one compare call', async () => {
    const base = await freshBase()
    const repo = new GitOpsRepository(client, gh.owner, gh.repo)
    const before = (await gh.headSha(base))!
    await gh.seed({ [FRONTEND]: 'image: x/frontend:5\n', 'apps/new.yaml': 'kind: ConfigMap\n' }, { branch: base })
    const head = await gh.seed({ 'env.txt': null }, { branch: base, message: 'drop env.txt' })
    gh.resetRequests()

    const moved = await repo.movedSince(before, base)

    expect(moved?.head).toMatchObject({ commitSha: head, parents: [expect.any(String)], message: 'drop env.txt' })
    expect(moved?.changes).toEqual(
      new Map([
        [FRONTEND, { status: 'modified', blob: gitBlobSha('image: x/frontend:5\n') }],
        ['apps/new.yaml', { status: 'added', blob: gitBlobSha('kind: ConfigMap\n') }],
        ['env.txt', { status: 'removed' }],
      ]),
    )
    expect(operations()).toEqual(['GET repos/compare-commits-with-basehead'])
    // Nothing moved: GitHub's answer lists no commit, so the head is read on its own and the changes stay unknown.
    gh.resetRequests()
    const still = await repo.movedSince(head, base)
    expect(still).toEqual({ head: expect.objectContaining({ commitSha: head }) })
    expect(operations()).toEqual(['GET repos/compare-commits-with-basehead', 'GET repos/get-branch'])
    expect(await repo.movedSince(head, 'no-such-branch')).toBeUndefined()
  })

  test('a commit that landed although its answer was lost is recognised, not made twice', async () => {
    const base = await freshBase()
    let landed: string | undefined
    // GitHub applies the commit, then the answer is lost (502): the client's retry meets a moved head.
    const remove = gh.onBeforeRequest(async ({ path }) => {
      if (path === '/graphql' && landed === undefined) {
        landed = await gh.seed({ [BACKEND]: manifest(NEW) }, { branch: base, message: `Deploy ${NEW}` })
      }
    })
    gh.injectFault({ method: 'POST', path: /^\/graphql$/, status: 502, body: { message: 'Bad Gateway' } })
    try {
      const outcome = await runPush(base, NEW, { strategy: 'graphql' })
      expect(outcome.commitSha).toBe(landed)
      const history = await gh.commits(base)
      expect(history.filter((c) => c.message === `Deploy ${NEW}`)).toHaveLength(1)
    } finally {
      remove()
    }
  })
})

describe('pr mode', () => {
  test('first run: branch, commit, pull request and labels in 9 calls (a new branch has no pull request to look up)', async () => {
    const base = await freshBase()
    const branch = `deploy/backend-${branchCounter}`
    const baseHead = await gh.headSha(base)
    gh.resetRequests()

    const outcome = await runPullRequest(base, branch, NEW)

    expect(outcome.pullRequest).toMatchObject({ created: true, url: expect.stringContaining('/acme/gitops/pull/') })
    expect(operations()).toEqual([
      'GET repos/get',
      'GET repos/get-branch',
      'POST graphql',
      'GET repos/get-branch',
      'POST git/create-tree',
      'POST git/create-commit',
      'POST git/create-ref',
      'POST pulls/create',
      'POST issues/add-labels',
    ])
    const [commit] = await gh.commits(branch)
    expect(commit).toMatchObject({ sha: outcome.commitSha, parents: [baseHead], verified: true })
    expect(await gh.headSha(base)).toBe(baseHead)
    const pulls = gh.pulls().filter((p) => p.head === branch)
    expect(pulls).toEqual([
      expect.objectContaining({
        number: outcome.pullRequest!.number,
        state: 'open',
        base,
        title: `Deploy ${NEW}`,
        body: `Pins ${NEW} in ${BACKEND}`,
        labels: ['deploy'],
      }),
    ])
  })

  test('second run after the base moved: same pull request, updated, branch reset onto the new base', async () => {
    const base = await freshBase()
    const branch = `deploy/backend-${branchCounter}`
    const first = await runPullRequest(base, branch, NEW)
    const newBase = await gh.seed({ 'other.txt': 'someone else' }, { branch: base, message: 'unrelated' })
    gh.resetRequests()

    const second = await runPullRequest(base, branch, NEWER)

    expect(second.pullRequest).toEqual({ ...first.pullRequest, created: false })
    expect(second.commitSha).not.toBe(first.commitSha)
    const [head] = await gh.commits(branch)
    expect(head).toMatchObject({ sha: second.commitSha, parents: [newBase] })
    expect(await gh.changedPaths(newBase, second.commitSha!)).toEqual([BACKEND])
    expect(await gh.readFile(branch, BACKEND)).toBe(manifest(NEWER))
    const pulls = gh.pulls().filter((p) => p.head === branch)
    expect(pulls).toHaveLength(1)
    expect(pulls[0]).toMatchObject({
      title: `Deploy ${NEWER}`,
      body: `Pins ${NEWER} in ${BACKEND}`,
      headSha: second.commitSha,
      labels: ['deploy'],
    })
    // Labels are already on the pull request: no call for them.
    expect(operations()).toEqual([
      'GET repos/get',
      'GET repos/get-branch',
      'POST graphql',
      'GET repos/get-branch',
      'POST git/create-tree',
      'POST git/create-commit',
      'PATCH git/update-ref',
      'GET pulls/list',
      'PATCH pulls/update',
    ])
  })

  test('a changed base retargets the open pull request instead of opening a second one', async () => {
    const first = await freshBase()
    const branch = `deploy/backend-${branchCounter}`
    const opened = await runPullRequest(first, branch, NEW)
    const second = await freshBase()

    const moved = await runPullRequest(second, branch, NEW)

    expect(moved.pullRequest).toMatchObject({ number: opened.pullRequest!.number, created: false })
    const open = gh.pulls().filter((pull) => pull.head === branch && pull.state === 'open')
    expect(open).toHaveLength(1)
    expect(open[0]!.base).toBe(second)
    expect((await gh.commits(branch))[0]!.parents).toEqual([await gh.headSha(second)])
  })

  test('rerun with nothing new: no commit, no ref move, no pull request update', async () => {
    const base = await freshBase()
    const branch = `deploy/backend-${branchCounter}`
    const first = await runPullRequest(base, branch, NEW)
    const head = await gh.headSha(branch)
    gh.resetRequests()

    const again = await runPullRequest(base, branch, NEW)

    expect(again.commitSha).toBeUndefined()
    expect(again.pullRequest).toEqual({ ...first.pullRequest, created: false })
    expect(await gh.headSha(branch)).toBe(head)
    // No tree, no commit, no ref write, no pull request write.
    expect(operations()).toEqual([
      'GET repos/get',
      'GET repos/get-branch',
      'POST graphql',
      'GET repos/get-branch',
      // The branch is one commit on the base changing exactly these files to these bytes: no tree written.
      'GET repos/compare-commits-with-basehead',
      'GET pulls/list',
    ])
  })

  test('"A pull request already exists" from a concurrent run: the existing one is updated', async () => {
    const base = await freshBase()
    const branch = `deploy/backend-${branchCounter}`
    let racedNumber: number | undefined
    const remove = gh.onBeforeRequest(async ({ method, path }) => {
      if (method === 'POST' && path === '/repos/acme/gitops/pulls' && racedNumber === undefined) {
        racedNumber = 0
        const { data } = await client.rest.pulls.create({
          owner: gh.owner,
          repo: gh.repo,
          head: branch,
          base,
          title: 'raced',
          body: 'raced',
        })
        racedNumber = data.number
      }
    })
    try {
      const outcome = await runPullRequest(base, branch, NEW)
      expect(outcome.pullRequest).toMatchObject({ number: racedNumber, created: false })
    } finally {
      remove()
    }
    const pulls = gh.pulls().filter((p) => p.head === branch)
    expect(pulls).toEqual([
      expect.objectContaining({
        number: racedNumber,
        title: `Deploy ${NEW}`,
        body: `Pins ${NEW} in ${BACKEND}`,
        labels: ['deploy'],
      }),
    ])
  })

  test("GitHub's eventual-consistency 422 right after creating the branch is retried", async () => {
    const base = await freshBase()
    const branch = `deploy/backend-${branchCounter}`
    gh.injectFault({
      method: 'POST',
      path: /\/pulls$/,
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }],
        documentation_url: 'https://docs.github.com/rest',
      },
    })
    const outcome = await runPullRequest(base, branch, NEW)
    expect(outcome.pullRequest?.created).toBe(true)
    expect(calls('POST', /\/pulls$/).map((r) => r.status)).toEqual([422, 201])
  })

  test('nothing to change: no commit, no branch, no pull request', async () => {
    const base = await freshBase()
    await runPush(base, NEW)
    const branch = `deploy/backend-${branchCounter}`
    gh.resetRequests()

    const outcome = await runPullRequest(base, branch, NEW)

    expect(outcome.pullRequest).toBeUndefined()
    expect(outcome.commitSha).toBeUndefined()
    expect(await gh.headSha(branch)).toBeUndefined()
    expect(calls().every((r) => r.method === 'GET' || r.path === '/graphql')).toBe(true)
  })

  test('a failure before the branch moves leaves base, branch and pull request untouched', async () => {
    const base = await freshBase()
    const branch = `deploy/backend-${branchCounter}`
    const first = await runPullRequest(base, branch, NEW)
    await gh.seed({ 'other.txt': 'moved' }, { branch: base })
    const baseHead = await gh.headSha(base)
    const branchHead = await gh.headSha(branch)
    gh.injectFault({
      method: 'POST',
      path: /\/git\/commits$/,
      status: 500,
      times: 10,
      body: { message: 'Server Error' },
    })

    await expect(runPullRequest(base, branch, NEWER)).rejects.toThrow(
      /Could not create a commit in acme\/gitops: Server Error \(HTTP 500\)/,
    )

    expect(await gh.headSha(base)).toBe(baseHead)
    expect(await gh.headSha(branch)).toBe(branchHead)
    const pull = gh.pulls().find((p) => p.number === first.pullRequest!.number)
    expect(pull).toMatchObject({ title: `Deploy ${NEW}`, headSha: first.commitSha })
  })

  test('a token that cannot open pull requests is told about pull-requests: write', async () => {
    const base = await freshBase()
    const branch = `deploy/backend-${branchCounter}`
    gh.injectFault({
      method: 'POST',
      path: /\/pulls$/,
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    })
    await expect(runPullRequest(base, branch, NEW)).rejects.toThrow(
      /`contents: write` and `pull-requests: write` on acme\/gitops/,
    )
  })
})

describe('reading', () => {
  test('files come back byte for byte (BOM, CRLF, no final newline) at the snapshot commit', async () => {
    const base = await freshBase()
    const repo = new GitOpsRepository(client, gh.owner, gh.repo)
    const snapshot = await repo.snapshot(base)
    await gh.seed({ [BACKEND]: manifest('moved/after:snapshot') }, { branch: base })
    const files = await repo.readFiles(snapshot, [BACKEND, 'README.md', FRONTEND])
    expect(files).toEqual([
      { path: BACKEND, content: manifest(OLD) },
      { path: 'README.md', content: '# gitops\n' },
      { path: FRONTEND, content: 'image: registry.example/acme/frontend:2\n' },
    ])
  })

  test('listFiles lists blob paths in one call', async () => {
    const base = await freshBase()
    const repo = new GitOpsRepository(client, gh.owner, gh.repo)
    const snapshot = await repo.snapshot(base)
    gh.resetRequests()
    const files = await repo.listFiles(snapshot)
    expect(files).toEqual(expect.arrayContaining([BACKEND, FRONTEND, 'README.md', 'env.txt']))
    expect(files).not.toContain('apps')
    expect(gh.requests).toHaveLength(1)
  })

  test('a truncated tree listing asks for explicit files', async () => {
    const small = await startFakeGitHub({ treeEntryLimit: 2 })
    try {
      await small.seed({ 'a.yaml': 'a', 'b.yaml': 'b', 'c/d.yaml': 'd' })
      const repo = new GitOpsRepository(createGitHubClient(small.token, small.url), small.owner, small.repo)
      const snapshot = await repo.snapshot('main')
      await expect(repo.listFiles(snapshot)).rejects.toThrow(
        /too many files .* List the manifest files explicitly in the `manifests` input/,
      )
      expect(small.takeValidationErrors()).toEqual([])
    } finally {
      await small.close()
    }
  })

  test('a network failure is retried, then reported without a made-up HTTP status', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const offline = new GitOpsRepository(
      createGitHubClient(gh.token, `http://127.0.0.1:${port}`, { retryBaseMs: 1 }),
      gh.owner,
      gh.repo,
    )
    const error = (await offline.defaultBranch().catch((e: unknown) => e)) as Error
    expect(error.message).toMatch(/^Could not read the repository in acme\/gitops: network error: .*ECONNREFUSED/)
    expect(error.message).not.toContain('HTTP 500')
    expect(output.join('').match(/Retrying GET \/repos\/acme\/gitops/g)).toHaveLength(3)
  })

  test('clear errors for a missing repository, base branch, file or directory', async () => {
    const base = await freshBase()
    const missing = new GitOpsRepository(client, gh.owner, 'nope')
    await expect(missing.defaultBranch()).rejects.toThrow(
      /Could not read the repository in acme\/nope: Not Found \(HTTP 404\)\. Either acme\/nope does not exist or the token cannot see it/,
    )

    const repo = new GitOpsRepository(client, gh.owner, gh.repo)
    expect(await repo.defaultBranch()).toBe('main')
    await expect(repo.snapshot('no-such-branch')).rejects.toThrow(
      /^Could not read branch no-such-branch in acme\/gitops: Branch not found \(HTTP 404\)\. Set the `base` input to an existing branch/,
    )
    const snapshot = await repo.snapshot(base)
    await expect(repo.readFiles(snapshot, ['apps/missing.yaml'])).rejects.toThrow(
      /Could not read apps\/missing\.yaml at .*Check the `manifests` input/,
    )
    await expect(repo.readFiles(snapshot, ['apps'])).rejects.toThrow(/apps is a directory/)
  })
})
