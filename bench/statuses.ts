// Verification through commit statuses: how many GitHub API calls a wait costs per minute, and how
// soon the action notices the controller's success. A `mode: verify` run in the GitOps repository
// waits on a commit the stand-in controller deploys in about 60 s (a 20 s sync, then 40 s of
// rollout) and reports as Argo CD Notifications does; the action runs with verify-timeout 10m.
import { performance } from 'node:perf_hooks'
import { runAction } from '../test-support/action-runner.js'
import { startStack } from '../test-support/stack.js'
import { BACKEND_MANIFEST, startBackendArgo } from './support.js'
import { singleContainer } from '../test-support/manifests.js'

export interface StatusesBench {
  /** From the commit to the success status. */
  readonly deployMs: number
  /** From the success status to the action's exit. */
  readonly reportedToExitMs: number
  /** GitHub API calls during the wait (status and compare reads). */
  readonly waitCalls: number
  readonly callsPerMinute: number
}

const CONTEXT = 'continuous-delivery/backend'

export async function benchStatuses(): Promise<StatusesBench> {
  const stack = await startStack()
  try {
    const image = `${stack.repository('acme/backend')}:0.1.0`
    const argo = await startBackendArgo(stack, {
      reconcileEveryMs: 1_000,
      pollIntervalMs: 5_000,
      syncDurationMs: 20_000,
      healthLagMs: 2_000,
      rolloutMs: 40_000,
      reporters: ['argocd-notifications'],
    })
    try {
      const commit = await stack.github.seed({
        [BACKEND_MANIFEST]: singleContainer('backend', `${image}@sha256:${'1'.repeat(64)}`),
      })
      const committedAt = performance.now() + performance.timeOrigin
      stack.github.resetRequests()
      const result = await runAction({
        inputs: { token: stack.github.token, mode: 'verify', 'verify-commit-status': CONTEXT, revision: commit },
        env: { GITHUB_API_URL: stack.github.url, GITHUB_SERVER_URL: stack.github.serverUrl },
        githubToken: stack.github.token,
        repository: 'acme/gitops',
        skipPost: true,
      })
      const exit = performance.now() + performance.timeOrigin
      if (result.exitCode !== 0) throw new Error(`bench run failed: ${result.errors.join('; ')}`)
      const success = stack.github.statusesModel.forSha(commit).find((s) => s.state === 'success')
      if (success === undefined) throw new Error('the stand-in never reported success')
      const reportedAt = Date.parse(success.createdAt)
      const waitCalls = stack.github.requests.filter((r) => /\/(status|compare\/.*)$/.test(r.path)).length
      return {
        deployMs: reportedAt - committedAt,
        reportedToExitMs: exit - reportedAt,
        waitCalls,
        callsPerMinute: waitCalls / ((exit - committedAt) / 60_000),
      }
    } finally {
      await argo.close()
    }
  } finally {
    await stack.close()
  }
}
