// Verification with Argo CD: how long the action takes to notice a Healthy application, and how
// many Argo CD API calls a deploy costs. The stand-in takes about 60 s from the commit to Healthy
// (a 20 s sync, then 40 s of rollout); the action runs with its defaults (verify-timeout 10m).
import { performance } from 'node:perf_hooks'
import { runAction } from '../test-support/action-runner.js'
import { startStack } from '../test-support/stack.js'
import { pollPolicy } from '../src/verify/wait.js'
import { argoInputs, startBackendArgo } from './support.js'

export interface VerifyBench {
  /** From the moment the stand-in would first answer Healthy to the action's exit. */
  readonly healthyToExitMs: number
  /** From the commit to Healthy in the stand-in. */
  readonly deployMs: number
  readonly argoCalls: number
  readonly pollCapMs: number
}

export async function benchVerify(): Promise<VerifyBench> {
  const stack = await startStack()
  try {
    const argo = await startBackendArgo(stack, {
      syncDurationMs: 20_000,
      healthLagMs: 2_000,
      rolloutMs: 40_000,
    })
    try {
      const { source } = await stack.layout('layouts/bench', [{ layers: [{ size: 1024, seed: 7 }], refName: '1.0.0' }])
      const start = performance.now() + performance.timeOrigin
      const result = await runAction({
        inputs: stack.inputs({
          image: `${stack.repository('acme/backend')}:1.0.0`,
          source,
          manifests: 'apps/backend/',
          mode: 'push',
          ...argoInputs(argo),
        }),
        env: stack.env(),
        githubToken: stack.github.token,
        skipPost: true,
      })
      const exit = performance.now() + performance.timeOrigin
      if (result.exitCode !== 0) throw new Error(`bench run failed: ${result.errors.join('; ')}`)
      const commit = result.outputs['commit-sha']!
      const ready = argo.readyAt.get(commit)
      const committedAt = argo.requests.find((r) => r.query.includes('refresh'))?.at ?? start
      if (ready === undefined) throw new Error('the stand-in never synced the commit')
      return {
        healthyToExitMs: exit - ready,
        deployMs: ready - committedAt,
        argoCalls: argo.requests.length,
        pollCapMs: pollPolicy(600_000).maxDelayMs,
      }
    } finally {
      await argo.close()
    }
  } finally {
    await stack.close()
  }
}
