// A pull request that deploys (`mode: pr`, `merge: squash`, Argo CD verification) into a protected
// main with a required check and auto-merge allowed: the GitHub API calls of a run whose check
// passes at once, the calls per minute while a slow check keeps the run waiting, and the time from
// GitHub's merge to the action's exit. The action runs with its defaults (merge-timeout 30m).
import { performance } from 'node:perf_hooks'
import { runAction } from '../test-support/action-runner.js'
import { type Stack, startStack } from '../test-support/stack.js'
import { mergePollPolicy } from '../src/gitops/merge-pull-request.js'
import { argoInputs, startBackendArgo } from './support.js'
import type { ArgoCdStandIn } from '../test-support/argocd/server.js'

export interface MergeBench {
  /** GitHub API calls of a run whose required check passes as soon as auto-merge is armed. */
  readonly firstRunCalls: number
  /** GitHub API calls per minute while the run waits for a check that takes `waitMs`. */
  readonly waitingCallsPerMinute: number
  readonly waitMs: number
  /** From GitHub's merge to the action's log line saying it saw the merge (at most one poll interval). */
  readonly mergeToSeenMs: number
  /** From GitHub's merge to the action's exit (Argo CD verification included). */
  readonly mergeToExitMs: number
  readonly pollCapMs: number
}

const WAIT_MS = 75_000

export async function benchMerge(): Promise<MergeBench> {
  const stack = await startStack()
  try {
    const argo = await startBackendArgo(stack, {
      syncDurationMs: 300,
      healthLagMs: 200,
      rolloutMs: 300,
    })
    stack.github.protectBranch('main', { requiredStatusChecks: ['ci'] })
    stack.github.setMergeSettings({ allowAutoMerge: true })
    try {
      const first = await deploy(stack, argo, '1.0.0', 1, 0)
      const slow = await deploy(stack, argo, '1.1.0', 2, WAIT_MS)
      return {
        firstRunCalls: first.calls,
        waitingCallsPerMinute: slow.waitingCalls / ((slow.mergedAt - slow.armedAt) / 60_000),
        waitMs: WAIT_MS,
        mergeToSeenMs: slow.seenAt - slow.mergedAt,
        mergeToExitMs: slow.exitAt - slow.mergedAt,
        pollCapMs: mergePollPolicy(30 * 60_000).maxDelayMs,
      }
    } finally {
      await argo.close()
    }
  } finally {
    await stack.close()
  }
}

/** One run; a CI that reports success `checkMs` after auto-merge is armed. */
async function deploy(
  stack: Stack,
  argo: ArgoCdStandIn,
  version: string,
  seed: number,
  checkMs: number,
): Promise<{ calls: number; waitingCalls: number; armedAt: number; mergedAt: number; seenAt: number; exitAt: number }> {
  const { source } = await stack.layout(`layouts/merge-${version}`, [
    { layers: [{ size: 1024, seed }], refName: version },
  ])
  const now = () => performance.now() + performance.timeOrigin
  let armedAt = 0
  let seenAt = 0
  let callsWhenArmed = 0
  let callsWhenMerged: number | undefined
  const reported = new Set<string>()
  const merges = stack.github.merges.length
  const ci = setInterval(() => {
    if (callsWhenMerged === undefined && stack.github.merges.length > merges)
      callsWhenMerged = stack.github.requests.length
    for (const pull of stack.github.pulls()) {
      if (pull.state !== 'open' || pull.autoMerge === undefined || reported.has(pull.headSha)) continue
      reported.add(pull.headSha)
      armedAt = now()
      callsWhenArmed = stack.github.requests.length
      setTimeout(() => void stack.github.setStatus(pull.headSha, { state: 'success', context: 'ci' }), checkMs)
    }
  }, 10)
  stack.github.resetRequests()
  try {
    const result = await runAction({
      inputs: stack.inputs({
        image: `${stack.repository('acme/backend')}:${version}`,
        source,
        manifests: 'apps/backend/',
        mode: 'pr',
        merge: 'squash',
        ...argoInputs(argo),
      }),
      env: stack.env(),
      githubToken: stack.github.token,
      skipPost: true,
      onLine: (line) => {
        if (seenAt === 0 && /^Pull request #\d+ merged/.test(line)) seenAt = now()
      },
    })
    const exitAt = now()
    if (result.exitCode !== 0) throw new Error(`bench run failed: ${result.errors.join('; ')}`)
    const merge = stack.github.merges[merges]
    if (merge === undefined || merge.via !== 'auto-merge')
      throw new Error('the stand-in did not auto-merge the pull request')
    const waitingCalls = (callsWhenMerged ?? stack.github.requests.length) - callsWhenArmed
    return { calls: stack.github.requests.length, waitingCalls, armedAt, mergedAt: merge.at, seenAt, exitAt }
  } finally {
    clearInterval(ci)
  }
}
