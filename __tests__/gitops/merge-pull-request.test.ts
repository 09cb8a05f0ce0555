// landPullRequest against a scripted MergeApi and a fake clock: which call it makes when, how the
// polls back off, and what each way of ending the wait says. The stand-in end to end: e2e/merge.test.ts.
import { describe, expect, test } from '@jest/globals'
import type { HeadChecks, MergeApi, PullStatus, Refusal } from '../../src/gitops/merge-api.js'
import {
  type LandOptions,
  MergeFailure,
  landPullRequest,
  mergePollPolicy,
  pollDelay,
} from '../../src/gitops/merge-pull-request.js'
import { fakeClock } from '../../test-support/clock.js'

const HEAD = 'a'.repeat(40)
const MERGED = 'm'.repeat(40)

function pull(overrides: Partial<PullStatus> = {}): PullStatus {
  return {
    number: 7,
    nodeId: 'PR_7',
    url: 'https://github.example/acme/gitops/pull/7',
    state: 'open',
    merged: false,
    headSha: HEAD,
    title: 'Deploy backend 1.0.0',
    mergeable: true,
    mergeableState: 'blocked',
    ...overrides,
  }
}

/** A MergeApi whose `pull` answers come from `polls` in turn (the last one repeats). */
function scripted(
  polls: PullStatus[],
  answers: {
    enable?: 'armed' | Refusal
    merge?: { sha: string } | Refusal
    checks?: HeadChecks
    closedBy?: string
  } = {},
) {
  const calls: string[] = []
  let index = 0
  const api = {
    fullName: 'acme/gitops',
    pull: () => {
      calls.push('pull')
      return Promise.resolve(polls[Math.min(index++, polls.length - 1)]!)
    },
    enableAutoMerge: (_id: string, head: string, method: string) => {
      calls.push(`enable ${method} ${head.slice(0, 1)}`)
      return Promise.resolve(answers.enable ?? 'armed')
    },
    merge: (_n: number, head: string, method: string) => {
      calls.push(`merge ${method} ${head.slice(0, 1)}`)
      return Promise.resolve(answers.merge ?? { sha: MERGED })
    },
    enqueue: () => {
      calls.push('enqueue')
      return Promise.resolve('queued' as const)
    },
    headChecks: () => {
      calls.push('checks')
      return Promise.resolve(answers.checks ?? { checks: [] })
    },
    closedBy: () => {
      calls.push('closedBy')
      return Promise.resolve(answers.closedBy)
    },
  }
  return { api: api as unknown as MergeApi, calls }
}

function options(overrides: Partial<LandOptions> = {}): LandOptions & { clock: ReturnType<typeof fakeClock> } {
  return {
    number: 7,
    method: 'squash',
    timeoutMs: 30 * 60_000,
    autoMergeAllowed: true,
    mergeQueue: false,
    message: () => ({ headline: 'Deploy (#7)', body: 'Deploy' }),
    rebuild: () => Promise.reject(new Error('no rebuild expected')),
    clock: fakeClock(),
    ...overrides,
  } as LandOptions & { clock: ReturnType<typeof fakeClock> }
}

describe('polling', () => {
  test('backs off from 2 s to 15 s without jitter; a short timeout polls faster', () => {
    const policy = mergePollPolicy(30 * 60_000)
    expect([1, 2, 3, 4, 5, 6].map((n) => pollDelay(policy, n))).toEqual([2000, 4000, 8000, 15000, 15000, 15000])
    expect(mergePollPolicy(20_000)).toEqual({ baseDelayMs: 1000, maxDelayMs: 1000 })
  })

  test('armed, then merged by GitHub: one poll per wait (and a check read while blocked), the merge commit from the pull request', async () => {
    const armed = pull({ autoMerge: 'squash' })
    const { api, calls } = scripted([
      pull(),
      armed,
      armed,
      armed,
      pull({ state: 'closed', merged: true, mergeCommitSha: MERGED }),
    ])
    const opts = options()
    const landed = await landPullRequest(api, opts)
    expect(landed).toMatchObject({ sha: MERGED, via: 'auto-merge', calls: 9 })
    expect(calls).toEqual(['pull', 'enable squash a', 'pull', 'checks', 'pull', 'checks', 'pull', 'checks', 'pull'])
    expect(opts.clock.slept).toEqual([2000, 4000, 8000, 15000])
  })
})

describe('merging directly', () => {
  test('GitHub refuses to arm in clean status: merged at once, guarded by the head', async () => {
    const { api, calls } = scripted([pull({ mergeableState: 'clean' })], {
      enable: { refused: 'Pull request Pull request is in clean status' },
    })
    expect(await landPullRequest(api, options())).toMatchObject({ sha: MERGED, via: 'direct merge' })
    expect(calls).toEqual(['pull', 'enable squash a', 'merge squash a'])
  })

  test('auto-merge not allowed: merged once GitHub reports the pull request mergeable', async () => {
    const { api, calls } = scripted([
      pull({ mergeable: null, mergeableState: 'unknown' }),
      pull(),
      pull({ mergeableState: 'clean' }),
    ])
    expect(await landPullRequest(api, options({ autoMergeAllowed: false }))).toMatchObject({ via: 'direct merge' })
    expect(calls).toEqual(['pull', 'pull', 'checks', 'pull', 'merge squash a'])
  })

  test('a method the repository refuses is not waited for', async () => {
    const { api } = scripted([pull({ mergeableState: 'clean' })], {
      enable: { refused: 'Pull request Pull request is in clean status' },
      merge: { refused: 'Squash merges are not allowed on this repository.', status: 405 },
    })
    await expect(landPullRequest(api, options())).rejects.toThrow(/Squash merges are not allowed/)
  })

  test('the merge queue: enqueued instead of auto-merge', async () => {
    const { api, calls } = scripted([pull(), pull({ state: 'closed', merged: true, mergeCommitSha: MERGED })])
    expect(await landPullRequest(api, options({ mergeQueue: true }))).toMatchObject({ via: 'merge queue' })
    expect(calls).toEqual(['pull', 'enqueue', 'pull'])
  })
})

describe('what ends the wait', () => {
  test('a failing required check: named with its description and link; optional failures do not count', async () => {
    const { api } = scripted([pull(), pull({ autoMerge: 'squash' })], {
      checks: {
        checks: [
          {
            name: 'ci',
            state: 'FAILURE',
            description: 'kubeconform failed',
            url: 'https://ci.example/1',
            required: true,
          },
          { name: 'lint', state: 'FAILURE', required: false },
          { name: 'policy', state: 'SUCCESS', required: true },
        ],
      },
    })
    await expect(landPullRequest(api, options())).rejects.toThrow(
      'Required check failed on pull request #7: "ci" (kubeconform failed) https://ci.example/1. The pull request stays open',
    )
  })

  test('closed by a person', async () => {
    const { api } = scripted([pull(), pull({ state: 'closed' })], { closedBy: 'octocat' })
    await expect(landPullRequest(api, options())).rejects.toThrow(
      'Pull request #7 was closed without merging by octocat: nothing was deployed.',
    )
  })

  test('auto-merge disarmed', async () => {
    const { api } = scripted([pull(), pull()])
    await expect(landPullRequest(api, options())).rejects.toThrow(/^Auto-merge of pull request #7 was disabled/)
  })

  test('right after the push GitHub may still show the previous head: waits for the head the action wrote', async () => {
    const old = 'o'.repeat(40)
    const armed = pull({ autoMerge: 'squash' })
    const { api, calls } = scripted([
      pull({ headSha: old }),
      pull({ headSha: old }),
      pull(),
      armed,
      pull({ state: 'closed', merged: true, mergeCommitSha: MERGED }),
    ])
    const opts = options({ head: HEAD })
    expect(await landPullRequest(api, opts)).toMatchObject({ sha: MERGED })
    expect(calls.slice(0, 4)).toEqual(['pull', 'pull', 'pull', 'enable squash a'])
    expect(opts.clock.slept.slice(0, 2)).toEqual([1000, 1000])
  })

  test('a head the action did not write, before arming: not armed, not merged', async () => {
    const { api, calls } = scripted([pull({ headSha: 'b'.repeat(40) })])
    await expect(landPullRequest(api, options({ head: HEAD }))).rejects.toThrow(
      /^Someone else pushed to the branch of pull request #7 \(head b{40}, the action wrote a{40}\)/,
    )
    expect(calls.filter((call) => call !== 'pull')).toEqual([])
  })

  test('a push by someone else is not merged', async () => {
    const { api } = scripted([pull(), pull({ headSha: 'b'.repeat(40), autoMerge: 'squash' })])
    await expect(landPullRequest(api, options())).rejects.toThrow(
      /^Someone else pushed to the branch of pull request #7/,
    )
  })

  test('a conflict: rebuilt on the new base; auto-merge that GitHub kept armed is not armed again', async () => {
    const rebuilt = 'c'.repeat(40)
    const { api, calls } = scripted([
      pull(),
      pull({ mergeable: false, mergeableState: 'dirty', autoMerge: 'squash' }),
      pull({ headSha: rebuilt, autoMerge: 'squash' }),
      pull({ headSha: rebuilt, autoMerge: 'squash' }),
      pull({ state: 'closed', merged: true, mergeCommitSha: MERGED, headSha: rebuilt }),
    ])
    const landed = await landPullRequest(api, options({ rebuild: () => Promise.resolve(rebuilt) }))
    expect(landed).toMatchObject({ sha: MERGED, rebuilds: 1 })
    expect(calls.filter((call) => call.startsWith('enable'))).toEqual(['enable squash a'])
  })

  test('merge-timeout: names the pending checks and reviews, and says auto-merge is still armed', async () => {
    const { api } = scripted([pull(), pull({ autoMerge: 'squash' })], {
      checks: {
        checks: [{ name: 'ci', state: 'PENDING', description: 'Waiting for a runner', required: true }],
        reviewDecision: 'REVIEW_REQUIRED',
      },
    })
    const opts = options({ timeoutMs: 60_000 })
    await expect(landPullRequest(api, opts)).rejects.toThrow(
      'Pull request #7 was not merged within 1m (merge-timeout): still waiting for: check "ci" (Waiting for a runner) is pending; ' +
        'reviews (review required). Auto-merge is still armed: it may merge later, unverified.',
    )
    expect(opts.clock.slept.reduce((sum, ms) => sum + ms, 0)).toBe(60_000)
  })
})

test('MergeFailure is what the run reports', () => {
  expect(new MergeFailure('x').name).toBe('MergeFailure')
})
