// The GitHub stand-in merges pull requests as GitHub does: mergeability computed in the background,
// PUT …/merge with its 405/409 answers, branch protection with required statuses, auto-merge carried
// out by an engine, GraphQL mutations with GitHub's errors, and real merge/squash/rebase commits.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { Octokit } from '@octokit/rest'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/github-api/server.js'

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

let gh: FakeGitHub
let octokit: Octokit
const where = () => ({ owner: gh.owner, repo: gh.repo })

async function failure(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise
  } catch (error) {
    const e = error as { status: number; response?: { data?: { message?: string } }; errors?: { message: string }[] }
    return { status: e.status, message: e.response?.data?.message ?? e.errors?.[0]?.message ?? String(error) }
  }
  throw new Error('expected the call to fail')
}

let branchNumber = 0
/** A branch with one commit changing `file`, and its open pull request into main. */
async function openPull(file = 'app.yaml', content = `v${++branchNumber}\n`) {
  const branch = `deploy/${++branchNumber}`
  const head = await gh.seed({ [file]: content }, { branch })
  const { data } = await octokit.pulls.create({ ...where(), head: branch, base: 'main', title: `Deploy ${branch}` })
  return { number: data.number, nodeId: data.node_id, head, branch }
}

/** Polls the pull request until GitHub has computed its mergeability. */
async function settled(number: number) {
  for (let i = 0; i < 1000; i++) {
    const { data } = await octokit.pulls.get({ ...where(), pull_number: number })
    if (data.mergeable !== null || data.state === 'closed') return data
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('mergeability never computed')
}

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await condition()) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error('condition never held')
}

const ENABLE = `mutation ($input: EnablePullRequestAutoMergeInput!) {
  enablePullRequestAutoMerge(input: $input) { pullRequest { autoMergeRequest { mergeMethod enabledBy { login } } } }
}`
const MERGE = `mutation ($input: MergePullRequestInput!) {
  mergePullRequest(input: $input) { pullRequest { merged mergeCommit { oid } } }
}`

beforeAll(async () => {
  gh = await startFakeGitHub()
  octokit = new Octokit({ auth: gh.token, baseUrl: gh.url, log: silent })
  await gh.seed({ 'app.yaml': 'v0\n', 'other.yaml': 'x\n' })
})

afterAll(async () => {
  await gh?.close()
})

afterEach(() => {
  expect(gh.takeValidationErrors()).toEqual([])
  gh.protectBranch('main', undefined)
  gh.setMergeSettings({ allowAutoMerge: false, allowMergeCommit: true, allowSquashMerge: true, allowRebaseMerge: true })
})

describe('mergeability', () => {
  test('null first, while GitHub computes it in the background; then clean', async () => {
    gh.pauseMergeability()
    const pull = await openPull()
    const { data: first } = await octokit.pulls.get({ ...where(), pull_number: pull.number })
    expect(first.mergeable).toBeNull()
    expect(first.mergeable_state).toBe('unknown')
    gh.resumeMergeability()
    const later = await settled(pull.number)
    expect(later.mergeable).toBe(true)
    expect(later.mergeable_state).toBe('clean')
  })

  test('a required status check: blocked until it passes, and the merge answers 405 naming it', async () => {
    gh.protectBranch('main', { requiredStatusChecks: ['ci'] })
    const pull = await openPull()
    expect((await settled(pull.number)).mergeable_state).toBe('blocked')
    const refused = await failure(octokit.pulls.merge({ ...where(), pull_number: pull.number, sha: pull.head }))
    expect(refused).toEqual({ status: 405, message: 'Required status check "ci" is expected.' })
    await gh.setStatus(pull.head, { state: 'failure', context: 'ci' })
    expect((await failure(octokit.pulls.merge({ ...where(), pull_number: pull.number }))).message).toBe(
      'Required status check "ci" is failing.',
    )
    await gh.setStatus(pull.head, { state: 'success', context: 'ci' })
    await gh.setStatus(pull.head, { state: 'pending', context: 'lint' })
    const { data } = await octokit.pulls.get({ ...where(), pull_number: pull.number })
    expect(data.mergeable_state).toBe('unstable')
  })

  test('a conflicting commit on the base makes it dirty', async () => {
    const pull = await openPull('other.yaml', 'ours\n')
    await gh.seed({ 'other.yaml': 'theirs\n' })
    const data = await settled(pull.number)
    expect(data.mergeable).toBe(false)
    expect(data.mergeable_state).toBe('dirty')
    const refused = await failure(octokit.pulls.merge({ ...where(), pull_number: pull.number }))
    expect(refused).toEqual({ status: 405, message: 'Pull Request is not mergeable' })
    await gh.seed({ 'other.yaml': 'x\n' })
  })
})

describe('PUT /pulls/{n}/merge', () => {
  test('guarded by the head sha: 409 when the head moved', async () => {
    const pull = await openPull()
    const refused = await failure(
      octokit.pulls.merge({ ...where(), pull_number: pull.number, sha: 'f'.repeat(40), merge_method: 'squash' }),
    )
    expect(refused).toEqual({ status: 409, message: 'Head branch was modified. Review and try the merge again.' })
  })

  test('a method the repository does not allow answers 405', async () => {
    gh.setMergeSettings({ allowMergeCommit: false })
    const pull = await openPull()
    const refused = await failure(octokit.pulls.merge({ ...where(), pull_number: pull.number, merge_method: 'merge' }))
    expect(refused).toEqual({ status: 405, message: 'Merge commits are not allowed on this repository.' })
  })

  test.each(['merge', 'squash', 'rebase'] as const)('%s writes the commit GitHub would', async (method) => {
    const pull = await openPull()
    const before = (await gh.headSha('main'))!
    const { data } = await octokit.pulls.merge({
      ...where(),
      pull_number: pull.number,
      sha: pull.head,
      merge_method: method,
    })
    expect(data.merged).toBe(true)
    expect(await gh.headSha('main')).toBe(data.sha)
    const [commit] = await gh.commits('main')
    expect(commit!.verified).toBe(true)
    expect(commit!.parents).toEqual(method === 'merge' ? [before, pull.head] : [before])
    if (method === 'squash') expect(commit!.message).toMatch(new RegExp(`^Deploy ${pull.branch} \\(#${pull.number}\\)`))
    if (method === 'merge') expect(commit!.message).toMatch(new RegExp(`^Merge pull request #${pull.number} from`))
    const { data: merged } = await octokit.pulls.get({ ...where(), pull_number: pull.number })
    expect(merged).toMatchObject({ state: 'closed', merged: true, merge_commit_sha: data.sha })
    expect(merged.merged_by?.login).toBe('github-actions[bot]')
    expect(await gh.readFile('main', 'app.yaml')).toBe(await gh.readFile(pull.head, 'app.yaml'))
  })
})

describe('auto-merge', () => {
  test('not allowed in the repository: GraphQL error', async () => {
    const pull = await openPull()
    const refused = await failure(
      octokit.graphql(ENABLE, { input: { pullRequestId: pull.nodeId, mergeMethod: 'SQUASH' } }),
    )
    expect(refused.message).toBe('Auto merge is not allowed for this repository')
  })

  test('refused in clean status (nothing to wait for)', async () => {
    gh.setMergeSettings({ allowAutoMerge: true })
    const pull = await openPull()
    const refused = await failure(
      octokit.graphql(ENABLE, {
        input: { pullRequestId: pull.nodeId, mergeMethod: 'SQUASH', expectedHeadOid: pull.head },
      }),
    )
    expect(refused.message).toBe('Pull request Pull request is in clean status')
  })

  test('armed while a required check is pending; the engine merges once it passes', async () => {
    gh.setMergeSettings({ allowAutoMerge: true })
    gh.protectBranch('main', { requiredStatusChecks: ['ci'] })
    const pull = await openPull()
    const armed = (await octokit.graphql(ENABLE, {
      input: {
        pullRequestId: pull.nodeId,
        mergeMethod: 'SQUASH',
        expectedHeadOid: pull.head,
        commitHeadline: 'Deploy it',
      },
    })) as { enablePullRequestAutoMerge: { pullRequest: { autoMergeRequest: { mergeMethod: string } } } }
    expect(armed.enablePullRequestAutoMerge.pullRequest.autoMergeRequest.mergeMethod).toBe('SQUASH')
    const { data } = await octokit.pulls.get({ ...where(), pull_number: pull.number })
    expect(data.auto_merge?.merge_method).toBe('squash')
    await gh.setStatus(pull.head, { state: 'success', context: 'ci' })
    await until(() => gh.pulls().find((p) => p.number === pull.number)!.merged)
    const merged = gh.pulls().find((p) => p.number === pull.number)!
    expect(gh.merges.at(-1)).toMatchObject({ number: pull.number, via: 'auto-merge', method: 'squash' })
    expect((await gh.commits('main'))[0]!.message).toMatch(/^Deploy it\n/)
    expect(merged.mergeCommitSha).toBe(await gh.headSha('main'))
  })

  test('mergePullRequest: expectedHeadOid guards, and GitHub errors come back as GraphQL errors', async () => {
    const pull = await openPull()
    const stale = await failure(
      octokit.graphql(MERGE, { input: { pullRequestId: pull.nodeId, expectedHeadOid: 'e'.repeat(40) } }),
    )
    expect(stale.message).toBe('Head branch was modified. Review and try the merge again.')
    const done = (await octokit.graphql(MERGE, {
      input: { pullRequestId: pull.nodeId, expectedHeadOid: pull.head, mergeMethod: 'MERGE' },
    })) as { mergePullRequest: { pullRequest: { merged: boolean; mergeCommit: { oid: string } } } }
    expect(done.mergePullRequest.pullRequest.merged).toBe(true)
    expect(done.mergePullRequest.pullRequest.mergeCommit.oid).toBe(await gh.headSha('main'))
  })
})

describe('protected branches', () => {
  test('direct writes are refused: REST ref update and createCommitOnBranch', async () => {
    gh.protectBranch('main', { requirePullRequest: true })
    const head = (await gh.headSha('main'))!
    const refused = await failure(octokit.git.updateRef({ ...where(), ref: 'heads/main', sha: head, force: false }))
    expect(refused).toEqual({ status: 422, message: 'Protected branch update failed for refs/heads/main.' })
    const graphql = await failure(
      octokit.graphql(
        `mutation ($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }`,
        {
          input: {
            branch: { repositoryNameWithOwner: `${gh.owner}/${gh.repo}`, branchName: 'main' },
            expectedHeadOid: head,
            message: { headline: 'x' },
            fileChanges: { additions: [{ path: 'a', contents: 'YQ==' }] },
          },
        },
      ),
    )
    expect(graphql.message).toMatch(
      /^protected branch 'main' check failed:\n {2}Changes must be made through a pull request\.$/,
    )
    expect(await gh.headSha('main')).toBe(head)
  })

  test('readable without admin rights: `protected` on the branch, refUpdateRule.viewerCanPush in GraphQL', async () => {
    gh.protectBranch('main', { requirePullRequest: true, requiredStatusChecks: ['ci'] })
    const { data } = await octokit.repos.getBranch({ ...where(), branch: 'main' })
    expect(data.protected).toBe(true)
    expect(data.protection.required_status_checks?.contexts).toEqual(['ci'])
    const answer = (await octokit.graphql(
      `query ($owner: String!, $name: String!, $ref: String!) {
        repository(owner: $owner, name: $name) { ref(qualifiedName: $ref) { refUpdateRule { viewerCanPush requiredStatusCheckContexts } } }
      }`,
      { ...{ owner: gh.owner, name: gh.repo }, ref: 'refs/heads/main' },
    )) as { repository: { ref: { refUpdateRule: { viewerCanPush: boolean; requiredStatusCheckContexts: string[] } } } }
    expect(answer.repository.ref.refUpdateRule).toEqual({ viewerCanPush: false, requiredStatusCheckContexts: ['ci'] })
    gh.protectBranch('main', undefined)
    expect((await octokit.repos.getBranch({ ...where(), branch: 'main' })).data.protected).toBe(false)
  })

  test('closed by a person: closed_by on the issue', async () => {
    const pull = await openPull()
    gh.closePullRequest(pull.number, 'octocat')
    const { data } = await octokit.issues.get({ ...where(), issue_number: pull.number })
    expect(data.closed_by?.login).toBe('octocat')
    const { data: pr } = await octokit.pulls.get({ ...where(), pull_number: pull.number })
    expect(pr).toMatchObject({ state: 'closed', merged: false })
  })
})
