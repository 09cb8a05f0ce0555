// The fake GitHub API answers real Octokit calls from a real git repository, like GitHub does, and
// reports requests that do not match GitHub's published OpenAPI description.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { Octokit } from '@octokit/rest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/github-api/server.js'

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

let gh: FakeGitHub
let octokit: Octokit
let owner: string
let repo: string

/** The HTTP status and body of a failed Octokit call. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- error bodies are asserted field by field
type ErrorData = any

async function failure(
  promise: Promise<unknown>,
): Promise<{ status: number; data: ErrorData; headers: Record<string, unknown> }> {
  try {
    await promise
  } catch (error) {
    const e = error as { status: number; response?: { data: unknown; headers: Record<string, unknown> } }
    return { status: e.status, data: e.response?.data, headers: e.response?.headers ?? {} }
  }
  throw new Error('expected the call to fail')
}

/** A commit on top of `parent` that sets `files`, made through the Git Data API. */
async function commitOnTop(parent: string, files: Record<string, string>, message = 'change'): Promise<string> {
  const { data: parentCommit } = await octokit.git.getCommit({ owner, repo, commit_sha: parent })
  const { data: tree } = await octokit.git.createTree({
    owner,
    repo,
    base_tree: parentCommit.tree.sha,
    tree: Object.entries(files).map(([path, content]) => ({
      path,
      mode: '100644' as const,
      type: 'blob' as const,
      content,
    })),
  })
  const { data: commit } = await octokit.git.createCommit({ owner, repo, message, tree: tree.sha, parents: [parent] })
  return commit.sha
}

beforeAll(async () => {
  gh = await startFakeGitHub({ validateResponses: true })
  octokit = new Octokit({ auth: gh.token, baseUrl: gh.url, log: silent })
  ;({ owner, repo } = gh)
  await gh.seed({
    'apps/api/deployment.yaml': 'image: registry.example/api:1\n',
    'apps/web/deployment.yaml': 'image: registry.example/web:1\n',
    'apps/with space/cm.yaml': 'kind: ConfigMap\n',
  })
})

afterEach(() => {
  // Every request in this file is expected to match GitHub's description (response schemas included).
  expect(gh.takeValidationErrors()).toEqual([])
})

afterAll(async () => {
  await gh?.close()
})

describe('reads', () => {
  test('serves the repository, its branch and file contents (raw, base64, directory)', async () => {
    const { data: repository, headers } = await octokit.repos.get({ owner, repo })
    expect(headers['content-type']).toBe('application/json; charset=utf-8')
    expect(headers['x-github-request-id']).toMatch(/^[0-9A-F:]+$/)
    expect(Number(headers['x-ratelimit-remaining'])).toBeLessThan(5000)
    expect(repository).toMatchObject({
      name: 'gitops',
      full_name: 'acme/gitops',
      default_branch: 'main',
      private: true,
    })
    expect(repository.owner.login).toBe('acme')
    expect(repository.html_url).toBe('https://github.example/acme/gitops')

    const head = await gh.headSha('main')
    const { data: branch } = await octokit.repos.getBranch({ owner, repo, branch: 'main' })
    expect(branch.commit.sha).toBe(head)
    expect(branch.protected).toBe(false)

    const raw = await octokit.repos.getContent({
      owner,
      repo,
      path: 'apps/api/deployment.yaml',
      ref: head!,
      mediaType: { format: 'raw' },
    })
    expect(raw.data).toBe('image: registry.example/api:1\n')
    expect(raw.headers['content-type']).toBe('text/plain; charset=utf-8')

    const { data: file } = await octokit.repos.getContent({ owner, repo, path: 'apps/with space/cm.yaml' })
    expect(file).toMatchObject({ type: 'file', encoding: 'base64', path: 'apps/with space/cm.yaml', name: 'cm.yaml' })
    expect(Buffer.from((file as { content: string }).content, 'base64').toString()).toBe('kind: ConfigMap\n')

    const { data: dir } = await octokit.repos.getContent({ owner, repo, path: 'apps' })
    expect((dir as { type: string; path: string }[]).map((e) => `${e.type} ${e.path}`)).toEqual([
      'dir apps/api',
      'dir apps/web',
      'dir apps/with space',
    ])

    expect(await failure(octokit.repos.getContent({ owner, repo, path: 'apps/missing.yaml' }))).toMatchObject({
      status: 404,
      data: { message: 'Not Found', documentation_url: expect.stringContaining('docs.github.com'), status: '404' },
    })
    expect((await failure(octokit.repos.getBranch({ owner, repo, branch: 'nope' }))).data.message).toBe(
      'Branch not found',
    )
  })

  test('lists trees recursively by branch name, with the blob shas the contents API reports', async () => {
    const { data: tree } = await octokit.git.getTree({ owner, repo, tree_sha: 'main', recursive: '1' })
    expect(tree.truncated).toBe(false)
    expect(tree.tree.map((e) => `${e.type} ${e.path}`)).toContain('blob apps/web/deployment.yaml')
    expect(tree.tree.map((e) => `${e.type} ${e.path}`)).toContain('tree apps/web')
    const top = await octokit.git.getTree({ owner, repo, tree_sha: tree.sha })
    expect(top.data.tree.map((e) => e.path)).toEqual(['apps'])
    const blobEntry = tree.tree.find((e) => e.path === 'apps/web/deployment.yaml')!
    const { data: file } = await octokit.repos.getContent({ owner, repo, path: 'apps/web/deployment.yaml' })
    expect(file).toMatchObject({ sha: blobEntry.sha, type: 'file' })
    expect(Buffer.from((file as { content: string }).content, 'base64').toString()).toBe(
      'image: registry.example/web:1\n',
    )
    const { data: branch } = await octokit.repos.getBranch({ owner, repo, branch: 'main' })
    expect(branch.commit.sha).toBe(await gh.headSha('main'))
    expect(branch.commit.commit.tree.sha).toBe(tree.sha)
  })
})

describe('writes', () => {
  test('createTree + createCommit + fast-forward updateRef, signed as the token when no author is set', async () => {
    const base = (await gh.headSha('main'))!
    const created = await commitOnTop(
      base,
      { 'apps/api/deployment.yaml': 'image: registry.example/api:2\n' },
      'pin api',
    )

    const { data: commit } = await octokit.git.getCommit({ owner, repo, commit_sha: created })
    expect(commit.parents.map((p) => p.sha)).toEqual([base])
    expect(commit.message).toBe('pin api')
    expect(commit.author).toMatchObject({
      name: 'github-actions[bot]',
      email: '41898282+github-actions[bot]@users.noreply.github.com',
    })
    expect(commit.verification).toMatchObject({ verified: true, reason: 'valid' })

    const { data: ref } = await octokit.git.updateRef({ owner, repo, ref: 'heads/main', sha: created, force: false })
    expect(ref).toMatchObject({ ref: 'refs/heads/main', object: { sha: created, type: 'commit' } })
    expect(await gh.headSha('main')).toBe(created)
    expect(await gh.readFile('main', 'apps/api/deployment.yaml')).toBe('image: registry.example/api:2\n')
    expect(await gh.readFile('main', 'apps/web/deployment.yaml')).toBe('image: registry.example/web:1\n')
    expect(await gh.changedPaths(base, created)).toEqual(['apps/api/deployment.yaml'])
    const [newest] = await gh.commits('main')
    expect(newest).toMatchObject({
      sha: created,
      verified: true,
      author: expect.stringContaining('github-actions[bot]'),
    })
  })

  test('a hand-set author makes an unsigned commit whose committer defaults to the author', async () => {
    const head = (await gh.headSha('main'))!
    const { data: parent } = await octokit.git.getCommit({ owner, repo, commit_sha: head })
    const { data: commit } = await octokit.git.createCommit({
      owner,
      repo,
      message: 'by hand',
      tree: parent.tree.sha,
      parents: [head],
      author: { name: 'Jane', email: 'jane@example.com', date: '2024-05-01T12:00:00+02:00' },
    })
    expect(commit.verification).toMatchObject({ verified: false, reason: 'unsigned' })
    expect(commit.committer).toEqual({ name: 'Jane', email: 'jane@example.com', date: '2024-05-01T10:00:00Z' })
  })

  test('createTree deletes paths with sha null and rejects a bad base_tree', async () => {
    const { data: parent } = await octokit.git.getCommit({ owner, repo, commit_sha: (await gh.headSha('main'))! })
    const { data: tree } = await octokit.git.createTree({
      owner,
      repo,
      base_tree: parent.tree.sha,
      tree: [{ path: 'apps/web', mode: '040000', type: 'tree', sha: null }],
    })
    const { data: listing } = await octokit.git.getTree({ owner, repo, tree_sha: tree.sha, recursive: '1' })
    expect(listing.tree.some((e) => e.path.startsWith('apps/web'))).toBe(false)
    expect(listing.tree.some((e) => e.path === 'apps/api/deployment.yaml')).toBe(true)

    const bad = await failure(octokit.git.createTree({ owner, repo, base_tree: parent.sha, tree: [] }))
    expect(bad).toMatchObject({ status: 422, data: { message: 'base_tree is not a valid tree oid' } })
  })

  test('refuses a non-fast-forward update, an unknown ref and an existing ref', async () => {
    const head = (await gh.headSha('main'))!
    const { data: parent } = await octokit.git.getCommit({ owner, repo, commit_sha: head })
    // A sibling of head (same parent): moving main there would drop head.
    const sibling = await commitOnTop(parent.parents[0].sha, { 'x.txt': 'x\n' })
    const nff = await failure(octokit.git.updateRef({ owner, repo, ref: 'heads/main', sha: sibling, force: false }))
    expect(nff).toMatchObject({
      status: 422,
      data: {
        message: 'Update is not a fast forward',
        documentation_url: 'https://docs.github.com/rest/git/refs#update-a-reference',
        status: '422',
      },
    })
    expect(await gh.headSha('main')).toBe(head)

    const missing = await failure(octokit.git.updateRef({ owner, repo, ref: 'heads/nope', sha: head }))
    expect(missing).toMatchObject({ status: 422, data: { message: 'Reference does not exist' } })

    await octokit.git.createRef({ owner, repo, ref: 'refs/heads/scratch', sha: head })
    const exists = await failure(octokit.git.createRef({ owner, repo, ref: 'refs/heads/scratch', sha: head }))
    expect(exists).toMatchObject({ status: 422, data: { message: 'Reference already exists' } })
    const noObject = await failure(octokit.git.createRef({ owner, repo, ref: 'refs/heads/other', sha: 'f'.repeat(40) }))
    expect(noObject).toMatchObject({ status: 422, data: { message: 'Object does not exist' } })

    // force moves a branch anywhere.
    await octokit.git.updateRef({ owner, repo, ref: 'heads/scratch', sha: sibling, force: true })
    expect(await gh.headSha('scratch')).toBe(sibling)
  })

  test('two racing updateRef calls from the same head: exactly one wins', async () => {
    for (let round = 0; round < 3; round++) {
      const head = (await gh.headSha('main'))!
      const a = await commitOnTop(head, { [`race/${round}.txt`]: 'a\n' })
      const b = await commitOnTop(head, { [`race/${round}.txt`]: 'b\n' })
      const results = await Promise.allSettled([
        octokit.git.updateRef({ owner, repo, ref: 'heads/main', sha: a }),
        octokit.git.updateRef({ owner, repo, ref: 'heads/main', sha: b }),
      ])
      const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [[a, b][i]] : []))
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      expect(won).toHaveLength(1)
      expect(lost.map((r) => (r.reason as { status: number }).status)).toEqual([422])
      expect(await gh.headSha('main')).toBe(won[0])
    }
  })

  test('onBeforeRequest can push a competing commit right before the ref update', async () => {
    const head = (await gh.headSha('main'))!
    const mine = await commitOnTop(head, { 'apps/api/deployment.yaml': 'image: registry.example/api:3\n' })
    const remove = gh.onBeforeRequest(async ({ method, path }) => {
      if (method === 'PATCH' && path.endsWith('/git/refs/heads/main')) {
        remove()
        await gh.seed({ 'apps/web/deployment.yaml': 'image: registry.example/web:2\n' }, { message: 'competitor' })
      }
    })
    const lost = await failure(octokit.git.updateRef({ owner, repo, ref: 'heads/main', sha: mine }))
    expect(lost).toMatchObject({ status: 422, data: { message: 'Update is not a fast forward' } })
    const [top] = await gh.commits('main')
    expect(top.message).toBe('competitor')
  })
})

describe('pull requests and labels', () => {
  test('create, refuse a duplicate, filter by OWNER:branch, update and label', async () => {
    const main = (await gh.headSha('main'))!
    const commit = await commitOnTop(main, { 'apps/api/deployment.yaml': 'image: registry.example/api:9\n' })
    await octokit.git.createRef({ owner, repo, ref: 'refs/heads/deploy/api', sha: commit })

    const { data: pr } = await octokit.pulls.create({
      owner,
      repo,
      head: 'deploy/api',
      base: 'main',
      title: 'Deploy api',
      body: 'first',
    })
    expect(pr).toMatchObject({
      number: 1,
      state: 'open',
      title: 'Deploy api',
      head: { ref: 'deploy/api', sha: commit, label: 'acme:deploy/api' },
      base: { ref: 'main' },
      html_url: 'https://github.example/acme/gitops/pull/1',
      labels: [],
    })

    const duplicate = await failure(
      octokit.pulls.create({ owner, repo, head: 'acme:deploy/api', base: 'main', title: 'again' }),
    )
    expect(duplicate).toMatchObject({
      status: 422,
      data: {
        message: 'Validation Failed',
        errors: [
          { resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for acme:deploy/api.' },
        ],
        status: '422',
      },
    })

    // Another open PR, to show that a head filter without OWNER: is ignored.
    await gh.seed({ 'apps/web/deployment.yaml': 'image: registry.example/web:9\n' }, { branch: 'deploy/web' })
    await octokit.pulls.create({ owner, repo, head: 'deploy/web', base: 'main', title: 'Deploy web' })
    const withOwner = await octokit.pulls.list({ owner, repo, state: 'open', head: 'acme:deploy/api', base: 'main' })
    expect(withOwner.data.map((p) => p.number)).toEqual([1])
    const withoutOwner = await octokit.pulls.list({ owner, repo, state: 'open', head: 'deploy/api' })
    expect(withoutOwner.data.map((p) => p.number).sort()).toEqual([1, 2])

    const noCommits = await failure(octokit.pulls.create({ owner, repo, head: 'main', base: 'deploy/api', title: 'x' }))
    expect(noCommits.data.errors[0].message).toBe('No commits between deploy/api and main')

    const { data: updated } = await octokit.pulls.update({
      owner,
      repo,
      pull_number: 1,
      title: 'Deploy api v9',
      body: 'second',
    })
    expect(updated).toMatchObject({ title: 'Deploy api v9', body: 'second' })

    const { data: labels } = await octokit.issues.addLabels({
      owner,
      repo,
      issue_number: 1,
      labels: ['deploy', 'automated'],
    })
    expect(labels.map((l) => l.name)).toEqual(['deploy', 'automated'])
    await octokit.issues.addLabels({ owner, repo, issue_number: 1, labels: ['deploy'] })
    expect((await octokit.pulls.get({ owner, repo, pull_number: 1 })).data.labels.map((l) => l.name)).toEqual([
      'deploy',
      'automated',
    ])
    expect(gh.labels()).toEqual(['deploy', 'automated'])

    // The branch moves (the action resets it each run): the PR follows.
    const moved = await commitOnTop(commit, { 'apps/api/deployment.yaml': 'image: registry.example/api:10\n' })
    await octokit.git.updateRef({ owner, repo, ref: 'heads/deploy/api', sha: moved, force: true })
    const [first] = gh.pulls()
    expect(first).toMatchObject({
      number: 1,
      head: 'deploy/api',
      headSha: moved,
      title: 'Deploy api v9',
      labels: ['deploy', 'automated'],
    })
  })
})

describe('GitHub behaviour around the edges', () => {
  test('injected faults answer instead of the handler, then normal service resumes', async () => {
    gh.resetRequests()
    gh.injectFault({ method: 'GET', path: /\/branches\/main$/, status: 502 })
    const bad = await failure(octokit.repos.getBranch({ owner, repo, branch: 'main' }))
    expect(bad.status).toBe(502)
    expect((await octokit.repos.getBranch({ owner, repo, branch: 'main' })).status).toBe(200)

    gh.injectFault({
      path: /\/git\/refs\//,
      status: 403,
      headers: { 'retry-after': '1' },
      body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
      times: 2,
    })
    for (let i = 0; i < 2; i++) {
      const limited = await failure(
        octokit.git.updateRef({ owner, repo, ref: 'heads/main', sha: (await gh.headSha('main'))! }),
      )
      expect(limited).toMatchObject({
        status: 403,
        headers: { 'retry-after': '1' },
        data: { message: expect.stringContaining('secondary rate limit') },
      })
    }
    expect(
      (await octokit.git.updateRef({ owner, repo, ref: 'heads/main', sha: (await gh.headSha('main'))! })).status,
    ).toBe(200)
    expect(gh.requests.map((r) => r.status)).toEqual([502, 200, 403, 403, 200])
    expect(gh.requests[0]).toMatchObject({
      method: 'GET',
      path: '/repos/acme/gitops/branches/main',
      operationId: 'repos/get-branch',
    })
  })

  test('requests that do not match the OpenAPI description are answered like GitHub and recorded', async () => {
    const badBody = await failure(
      octokit.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
        owner,
        repo,
        ref: 'heads/main',
        sha: 42 as unknown as string,
      }),
    )
    expect(badBody.status).toBe(422)
    expect(badBody.data.message).toMatch(/^Invalid request\./)
    const unknownRoute = await failure(octokit.request('GET /repos/{owner}/{repo}/no-such-thing', { owner, repo }))
    expect(unknownRoute.status).toBe(404)
    // GitHub ignores unknown fields; the fake answers normally but still reports them.
    await octokit.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
      owner,
      repo,
      ref: 'heads/main',
      sha: (await gh.headSha('main'))!,
      forced: true,
    })

    const errors = gh.takeValidationErrors()
    expect(errors).toHaveLength(3)
    expect(errors[0]).toMatch(/PATCH \/repos\/acme\/gitops\/git\/refs\/heads\/main: body\/sha must be string/)
    expect(errors[1]).toMatch(/no such route/)
    expect(errors[2]).toMatch(/body\.forced is not a field/)
  })

  test('auth and repository checks', async () => {
    const stranger = new Octokit({ auth: 'ghp_wrong', baseUrl: gh.url, log: silent })
    expect(await failure(stranger.repos.get({ owner, repo }))).toMatchObject({
      status: 401,
      data: { message: 'Bad credentials' },
    })
    const anonymous = new Octokit({ baseUrl: gh.url, log: silent })
    expect(await failure(anonymous.repos.get({ owner, repo }))).toMatchObject({
      status: 401,
      data: { message: 'Requires authentication' },
    })
    const bearer = await anonymous.request('GET /repos/{owner}/{repo}', {
      owner,
      repo,
      headers: { authorization: `Bearer ${gh.token}` },
    })
    expect(bearer.status).toBe(200)
    expect((await failure(octokit.repos.get({ owner, repo: 'elsewhere' }))).status).toBe(404)
  })

  test('responses match the published response schemas', async () => {
    const v = gh.validator
    const head = (await gh.headSha('main'))!
    const checks: [string, number, unknown][] = [
      ['repos/get', 200, (await octokit.repos.get({ owner, repo })).data],
      ['repos/get-branch', 200, (await octokit.repos.getBranch({ owner, repo, branch: 'main' })).data],
      [
        'repos/get-content',
        200,
        (await octokit.repos.getContent({ owner, repo, path: 'apps/api/deployment.yaml' })).data,
      ],
      ['git/get-commit', 200, (await octokit.git.getCommit({ owner, repo, commit_sha: head })).data],
      ['git/get-tree', 200, (await octokit.git.getTree({ owner, repo, tree_sha: head, recursive: '1' })).data],
      ['pulls/get', 200, (await octokit.pulls.get({ owner, repo, pull_number: 1 })).data],
      ['pulls/list', 200, (await octokit.pulls.list({ owner, repo })).data],
      ['issues/get', 200, (await octokit.issues.get({ owner, repo, issue_number: 1 })).data],
      [
        'git/update-ref',
        422,
        (await failure(octokit.git.updateRef({ owner, repo, ref: 'heads/nope', sha: head }))).data,
      ],
      [
        'pulls/create',
        422,
        (await failure(octokit.pulls.create({ owner, repo, head: 'deploy/api', base: 'main', title: 't' }))).data,
      ],
      ['repos/get-content', 404, (await failure(octokit.repos.getContent({ owner, repo, path: 'nope' }))).data],
    ]
    for (const [operationId, status, body] of checks) {
      expect({ operationId, status, problems: v.checkResponse(operationId, status, body) }).toEqual({
        operationId,
        status,
        problems: [],
      })
    }
    // The check is real: a body missing required fields fails it.
    expect(v.checkResponse('repos/get-branch', 200, { name: 'main' })).not.toEqual([])
  })
})
