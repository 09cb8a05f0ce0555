// Commit statuses in the GitHub stand-in answer real Octokit calls as GitHub does: the newest status
// per context, GitHub's combined state, refs resolved through git, and GitHub's errors.
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals'
import { Octokit } from '@octokit/rest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/github-api/server.js'

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

let gh: FakeGitHub
let octokit: Octokit
let head: string

beforeAll(async () => {
  gh = await startFakeGitHub({ validateResponses: true })
  octokit = new Octokit({ auth: gh.token, baseUrl: gh.url, log: silent })
  head = await gh.seed({ 'apps/api/deployment.yaml': 'image: registry.example/api:1\n' })
})

afterEach(() => expect(gh.takeValidationErrors()).toEqual([]))
afterAll(() => gh.close())

const repo = () => ({ owner: gh.owner, repo: gh.repo })

test('no status yet: the combined state is pending with no contexts', async () => {
  const { data } = await octokit.repos.getCombinedStatusForRef({ ...repo(), ref: 'main' })
  expect(data).toMatchObject({ state: 'pending', sha: head, total_count: 0, statuses: [] })
})

test('the newest status of each context decides; one failure fails the combined state', async () => {
  const sha = await gh.seed({ 'apps/api/other.yaml': 'kind: ConfigMap\n' })
  await octokit.repos.createCommitStatus({ ...repo(), sha, state: 'pending', context: 'ci/build' })
  const created = await octokit.repos.createCommitStatus({
    ...repo(),
    sha,
    state: 'success',
    context: 'ci/build',
    description: 'built',
    target_url: 'https://ci.example/1',
  })
  expect(created.status).toBe(201)
  expect(created.data).toMatchObject({
    state: 'success',
    context: 'ci/build',
    creator: { login: 'github-actions[bot]' },
  })
  let combined = (await octokit.repos.getCombinedStatusForRef({ ...repo(), ref: sha })).data
  expect(combined.state).toBe('success')
  expect(combined.statuses).toEqual([
    expect.objectContaining({
      context: 'ci/build',
      state: 'success',
      description: 'built',
      target_url: 'https://ci.example/1',
    }),
  ])

  await gh.setStatus(sha, { state: 'failure', context: 'kustomization/apps/3f2a', description: 'health check failed' })
  combined = (await octokit.repos.getCombinedStatusForRef({ ...repo(), ref: 'heads/main' })).data
  expect(combined.state).toBe('failure')
  expect(combined.statuses.map((s) => s.context)).toEqual(['kustomization/apps/3f2a', 'ci/build'])

  // Every status is kept, oldest first; only the combined view keeps the newest per context.
  expect(gh.statusesModel.forSha(sha).map((s) => s.state)).toEqual(['pending', 'success', 'failure'])
})

test('a pending context keeps the combined state pending', async () => {
  const sha = await gh.seed({ 'apps/api/third.yaml': 'kind: ConfigMap\n' })
  await gh.setStatus(sha, { state: 'success', context: 'a' })
  await gh.setStatus(sha, { state: 'pending', context: 'b' })
  expect(gh.statusesModel.combinedState(sha)).toBe('pending')
})

test('GitHub refuses a status for an unknown commit, and listeners see every status', async () => {
  const seen: string[] = []
  const stop = gh.statusesModel.onStatus((s) => seen.push(s.context))
  await expect(
    octokit.repos.createCommitStatus({ ...repo(), sha: 'f'.repeat(40), state: 'success' }),
  ).rejects.toMatchObject({ status: 422 })
  await octokit.repos.createCommitStatus({ ...repo(), sha: head, state: 'error' })
  stop()
  expect(seen).toEqual(['default'])
  await expect(octokit.repos.getCombinedStatusForRef({ ...repo(), ref: 'no-such-branch' })).rejects.toMatchObject({
    status: 422,
  })
})
