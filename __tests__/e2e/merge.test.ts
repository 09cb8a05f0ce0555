// End to end through dist/index.js: `mode: pr` with `merge` against the GitHub stand-in's merge model
// (branch protection on commit statuses, background mergeability, auto-merge engine): armed and
// merged by GitHub, merged directly, refusals while waiting, a conflict on the base, verification
// at the merge commit and the revert through a pull request of its own; and `mode: push` into a
// protected branch.
import { afterEach, describe, expect, test } from '@jest/globals'
import { parseReferenceTrailers } from '../../src/provenance/trailers.js'
import type { FakePullRequest, StatusInput } from '../../test-support/github-api/server.js'
import { stack, argo, DEPLOYMENT, deploy, registryWrites, useVerifyStand } from './verify-support.js'

useVerifyStand()

const PR_INPUTS = { mode: 'pr', merge: 'squash', 'merge-timeout': '60s' }

/**
 * A CI system: posts what `decide` says for the head of each open pull request, once per head sha.
 * Stops with the returned function.
 */
function ci(decide: (pull: FakePullRequest) => StatusInput | undefined): () => void {
  const seen = new Set<string>()
  const timer = setInterval(() => {
    for (const pull of stack.github.pulls()) {
      if (pull.state !== 'open' || pull.headSha === '' || seen.has(pull.headSha)) continue
      const status = decide(pull)
      if (status === undefined) continue
      seen.add(pull.headSha)
      void stack.github.setStatus(pull.headSha, status)
    }
  }, 25)
  return () => clearInterval(timer)
}

const CI_PASSED: StatusInput = {
  state: 'success',
  context: 'ci',
  description: 'All checks passed',
  targetUrl: 'https://ci.example/runs/1',
}

let stopCi: (() => void) | undefined

afterEach(() => {
  stopCi?.()
  stopCi = undefined
  stack.github.protectBranch('main', undefined)
  stack.github.setMergeSettings({ allowAutoMerge: false, allowSquashMerge: true, allowMergeCommit: true })
})

function lastPull(): FakePullRequest {
  return stack.github.pulls().at(-1)!
}

describe('getting the pull request merged', () => {
  test('protected main with a required check: auto-merge armed, merged by GitHub once CI passes, verified at the merge commit', async () => {
    stack.github.protectBranch('main', { requiredStatusChecks: ['ci'] })
    stack.github.setMergeSettings({ allowAutoMerge: true })
    // CI takes longer than the action needs to arm auto-merge.
    stopCi = ci((pull) => (pull.autoMerge === undefined ? undefined : CI_PASSED))
    const { result, image } = await deploy('5.0.0', PR_INPUTS)

    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    const merge = stack.github.merges.at(-1)!
    expect(merge).toMatchObject({ via: 'auto-merge', method: 'squash', by: 'github-actions[bot]' })
    expect(result.outputs['commit-sha']).toBe(merge.sha)
    expect(result.outputs['commit-sha']).toBe(await stack.github.headSha('main'))
    expect(result.outputs['pull-request-number']).toBe(String(merge.number))
    expect(result.outputs.verified).toBe('true')
    expect(result.outputs['synced-revision']).toBe(merge.sha)
    expect(await stack.github.readFile('main', DEPLOYMENT)).toContain(image)
    expect(result.log).toContain('Auto-merge (squash) armed')
    expect(result.summary).toContain(`and merged it as [\`${merge.sha.slice(0, 7)}\`]`)
    // The squash commit carries the message the action passed when it armed auto-merge.
    const [head] = await stack.github.commits('main')
    expect(head!.message).toMatch(
      new RegExp(`^Deploy backend 5\\.0\\.0 \\(#${merge.number}\\)\\n\\nDeploy backend 5\\.0\\.0`),
    )
    expect(head!.verified).toBe(true)
    // It ends with the Argo CD reference trailers of the source commit, as the pull request's commit does.
    expect(parseReferenceTrailers(head!.message).sha).toBe('0123456789abcdef0123456789abcdef01234567')
  })

  test('a required review: armed, and merged by GitHub once a reviewer approves', async () => {
    stack.github.protectBranch('main', { requiredApprovingReviews: 1, requiredStatusChecks: ['ci'] })
    stack.github.setMergeSettings({ allowAutoMerge: true })
    stopCi = ci((pull) => {
      if (pull.autoMerge === undefined) return undefined
      // A person reviews the armed pull request while CI runs.
      stack.github.approvePullRequest(pull.number)
      return CI_PASSED
    })
    const { result } = await deploy('5.0.1', PR_INPUTS)
    expect(result.errors).toEqual([])
    const merge = stack.github.merges.at(-1)!
    expect(merge.via).toBe('auto-merge')
    expect(result.outputs['commit-sha']).toBe(merge.sha)
    expect(result.outputs.verified).toBe('true')
  })

  test('auto-merge allowed but nothing required: GitHub refuses to arm in clean status, merged directly', async () => {
    stack.github.setMergeSettings({ allowAutoMerge: true })
    const { result } = await deploy('5.1.0', PR_INPUTS)
    expect(result.errors).toEqual([])
    expect(stack.github.merges.at(-1)).toMatchObject({ via: 'rest', method: 'squash' })
    expect(result.outputs['commit-sha']).toBe(await stack.github.headSha('main'))
    expect(result.outputs.verified).toBe('true')
    expect(result.log).toContain('can be merged now; merging it directly')
    // Guarded by the head sha the action wrote.
    const put = stack.github.requests.filter((r) => r.operationId === 'pulls/merge')
    expect(put.at(-1)!.status).toBe(200)
  })

  test('auto-merge not allowed: a notice naming the setting, then merged directly once GitHub reports it mergeable', async () => {
    stack.github.protectBranch('main', { requiredStatusChecks: ['ci'] })
    stopCi = ci(() => CI_PASSED)
    const { result } = await deploy('5.2.0', { ...PR_INPUTS, environment: 'production' })
    expect(result.errors).toEqual([])
    expect(result.stdout.match(/::notice::Auto-merge is not allowed in acme\/gitops/g)).toHaveLength(1)
    const merge = stack.github.merges.at(-1)!
    expect(merge).toMatchObject({ via: 'rest' })
    expect(result.outputs['commit-sha']).toBe(merge.sha)
    expect(result.outputs['commit-sha']).toBe(await stack.github.headSha('main'))
    expect(result.outputs.verified).toBe('true')
    // `environment` works as in push mode: the GitHub deployment names the merge commit.
    const deployment = stack.github.deploymentsModel.deployments.find(
      (d) => String(d.id) === result.outputs['deployment-id'],
    )
    expect(deployment?.payload).toMatchObject({ gitops_commit: merge.sha })
    expect(deployment?.statuses.map((status) => status.state)).toEqual(['in_progress', 'success'])
  })

  test('a method the repository does not allow fails before anything is written, naming the setting', async () => {
    stack.github.setMergeSettings({ allowSquashMerge: false })
    const before = await stack.github.headSha('main')
    const pulls = stack.github.pulls().length
    const { result } = await deploy('5.3.0', PR_INPUTS)
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(
      /^Input 'merge': "squash": acme\/gitops does not allow it \(the repository setting "Allow squash merging"/,
    )
    expect(result.errors[0]).toContain('`merge: merge` or `merge: rebase`')
    expect(await stack.github.headSha('main')).toBe(before)
    expect(stack.github.pulls()).toHaveLength(pulls)
  })
})

describe('what ends the wait', () => {
  test('a required check fails: the step fails at once naming it, the pull request stays open', async () => {
    stack.github.protectBranch('main', { requiredStatusChecks: ['ci'] })
    stack.github.setMergeSettings({ allowAutoMerge: true })
    stopCi = ci(() => ({
      state: 'failure',
      context: 'ci',
      description: 'kubeconform: 1 invalid manifest',
      targetUrl: 'https://ci.example/runs/2',
    }))
    const before = await stack.github.headSha('main')
    const { result } = await deploy('6.0.0', { ...PR_INPUTS, 'merge-timeout': '10m' })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toContain(
      'Required check failed on pull request #' +
        lastPull().number +
        ': "ci" (kubeconform: 1 invalid manifest) https://ci.example/runs/2',
    )
    expect(result.errors[0]).toContain('stays open for a fix')
    expect(lastPull()).toMatchObject({ state: 'open', merged: false })
    expect(await stack.github.headSha('main')).toBe(before)
    expect(result.outputs.verified).toBeUndefined()
    // Later steps still learn which pull request waits for a fix.
    expect(result.outputs['pull-request-url']).toBe(lastPull().html_url)
    stack.github.closePullRequest(lastPull().number, 'cleanup')
  })

  test('closed by a person: fails at once saying by whom', async () => {
    stack.github.protectBranch('main', { requiredStatusChecks: ['ci'] })
    stack.github.setMergeSettings({ allowAutoMerge: true })
    stopCi = ci((pull) => {
      if (pull.autoMerge !== undefined) stack.github.closePullRequest(pull.number, 'octocat')
      return undefined
    })
    const { result } = await deploy('6.1.0', { ...PR_INPUTS, 'merge-timeout': '10m' })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(/^Pull request #\d+ was closed without merging by octocat: nothing was deployed/)
  })

  test('nothing reports before merge-timeout: names the pending check and says auto-merge is still armed', async () => {
    stack.github.protectBranch('main', { requiredStatusChecks: ['ci'] })
    stack.github.setMergeSettings({ allowAutoMerge: true })
    stopCi = ci(() => ({ state: 'pending', context: 'ci', description: 'Waiting for a runner' }))
    const { result } = await deploy('6.2.0', { ...PR_INPUTS, 'merge-timeout': '4s' })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(/^Pull request #\d+ was not merged within 4s \(merge-timeout\)/)
    expect(result.errors[0]).toContain('check "ci" (Waiting for a runner) is pending')
    expect(result.errors[0]).toContain('Auto-merge is still armed: it may merge later, unverified.')
    expect(lastPull()).toMatchObject({ state: 'open', autoMerge: 'squash' })
    stack.github.closePullRequest(lastPull().number, 'cleanup')
  })

  test('auto-merge disarmed while waiting: fails saying so', async () => {
    stack.github.protectBranch('main', { requiredStatusChecks: ['ci'] })
    stack.github.setMergeSettings({ allowAutoMerge: true })
    stopCi = ci((pull) => {
      if (pull.autoMerge === undefined) return undefined
      stack.github.disableAutoMerge(pull.number)
      return { state: 'pending', context: 'ci' }
    })
    const { result } = await deploy('6.3.0', { ...PR_INPUTS, 'merge-timeout': '10m' })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(/^Auto-merge of pull request #\d+ was disabled/)
    stack.github.closePullRequest(lastPull().number, 'cleanup')
  })

  test('a conflicting commit lands on the base while waiting: rebuilt, re-pinned, re-armed and merged', async () => {
    stack.github.protectBranch('main', { requiredStatusChecks: ['ci'] })
    stack.github.setMergeSettings({ allowAutoMerge: true })
    let firstHead: string | undefined
    stopCi = ci((pull) => {
      if (firstHead === undefined) {
        firstHead = pull.headSha
        // Someone edits the same line on main while CI runs for the pull request.
        void stack.github
          .readFile('main', DEPLOYMENT)
          .then((text) => stack.github.seed({ [DEPLOYMENT]: text!.replace(/(acme\/backend)[^"]*"/, '$1:hotfix-9"') }))
        return { state: 'pending', context: 'ci' }
      }
      return CI_PASSED
    })
    const { result, image } = await deploy('6.4.0', PR_INPUTS)
    expect(result.errors).toEqual([])
    expect(result.log).toMatch(/conflicts with the base branch; rebuilding it on the new base/)
    const merge = stack.github.merges.at(-1)!
    expect(merge.via).toBe('auto-merge')
    expect(result.outputs['commit-sha']).toBe(merge.sha)
    expect(lastPull().headSha).not.toBe(firstHead)
    expect(await stack.github.readFile('main', DEPLOYMENT)).toContain(image)
    expect(result.outputs.verified).toBe('true')
  })
})

describe('merge queue and dry run', () => {
  test('a base that requires a merge queue: enqueued with the head, merged by the queue once the check passes', async () => {
    stack.github.protectBranch('main', { requiredStatusChecks: ['ci'], mergeQueue: { method: 'squash' } })
    stopCi = ci((pull) => (pull.queued ? CI_PASSED : undefined))
    const requestsBefore = stack.github.requests.length
    const { result, image } = await deploy('6.5.0', PR_INPUTS)
    expect(result.errors).toEqual([])
    expect(result.log).toContain('requires a merge queue')
    const merge = stack.github.merges.at(-1)!
    expect(merge.via).toBe('queue')
    expect(result.outputs['commit-sha']).toBe(merge.sha)
    expect(await stack.github.readFile('main', DEPLOYMENT)).toContain(image)
    expect(result.outputs.verified).toBe('true')
    expect(stack.github.requests.slice(requestsBefore).some((r) => r.operationId === 'pulls/merge')).toBe(false)
  })

  test('dry run: the merge settings are checked, nothing is written or merged', async () => {
    const before = await stack.github.headSha('main')
    const merges = stack.github.merges.length
    const { result } = await deploy('6.6.0', { ...PR_INPUTS, 'dry-run': 'true' })
    expect(result.errors).toEqual([])
    expect(result.log).toContain('and merge it (squash) once GitHub allows it; nothing was written.')
    expect(await stack.github.headSha('main')).toBe(before)
    expect(stack.github.merges).toHaveLength(merges)
  })
})

describe('verification at the merge commit', () => {
  test('Degraded with on-failure: revert: the revert goes through its own pull request, merged, Healthy at it, then the step fails', async () => {
    stack.github.protectBranch('main', { requiredStatusChecks: ['ci'] })
    stack.github.setMergeSettings({ allowAutoMerge: true })
    stopCi = ci(() => CI_PASSED)
    expect((await deploy('7.0.0', PR_INPUTS)).result.outputs.verified).toBe('true')
    const healthy = await stack.github.readFile('main', DEPLOYMENT)

    const { result } = await deploy('7.1.0-crash', { ...PR_INPUTS, 'on-failure': 'revert' }, ({ digest }) =>
      argo.crash(digest),
    )
    expect(result.exitCode).toBe(1)
    const revertPull = lastPull()
    expect(revertPull.head).toBe('revert/deploy/backend')
    expect(revertPull).toMatchObject({ state: 'closed', merged: true })
    const revert = result.outputs['reverted-commit-sha']!
    expect(revert).toBe(revertPull.mergeCommitSha)
    expect(await stack.github.headSha('main')).toBe(revert)
    expect(await stack.github.readFile('main', DEPLOYMENT)).toBe(healthy)
    expect(result.outputs.health).toBe('Healthy')
    expect(result.errors[0]).toContain('Degraded')
    expect(result.errors[0]).toContain(`Reverted in ${revert} (revert pull request ${revertPull.html_url})`)
    expect(result.errors[0]).toContain('Argo CD is Synced and Healthy at the revert')
    expect(result.summary).toContain(revertPull.html_url)
  }, 240_000)
})

describe('mode: push into a protected branch', () => {
  test('refused before anything is pushed: one clear error with the pr + merge example', async () => {
    stack.github.protectBranch('main', { requirePullRequest: true })
    const before = await stack.github.headSha('main')
    const pulls = stack.github.pulls().length
    const writes = registryWrites()
    const { result } = await deploy('8.0.0', { 'argocd-server': '', 'argocd-application': '', 'argocd-token': '' })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(
      /^Cannot commit to main in acme\/gitops: GitHub says the token may not push to it\. /,
    )
    expect(result.errors[0]).toContain('The branch is protected (branch protection or a ruleset)')
    expect(result.errors[0]).toMatch(/with:\n {4}mode: pr\n {4}merge: squash$/)
    expect(await stack.github.headSha('main')).toBe(before)
    expect(stack.github.pulls()).toHaveLength(pulls)
    expect(registryWrites()).toBe(writes)
  })

  test('a protection GitHub lets the token push past but that refuses the commit: the same advice, nothing written', async () => {
    // Only required statuses: the token may push, but a new commit has none, so GitHub refuses it.
    stack.github.protectBranch('main', { requiredStatusChecks: ['ci'] })
    const before = await stack.github.headSha('main')
    const { result } = await deploy('8.1.0', { 'argocd-server': '', 'argocd-application': '', 'argocd-token': '' })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toContain("protected branch 'main' check failed")
    expect(result.errors[0]).toMatch(/The branch is protected .*\n {2}with:\n {4}mode: pr\n {4}merge: squash$/s)
    expect(await stack.github.headSha('main')).toBe(before)
  })
})
