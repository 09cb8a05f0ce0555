// End to end through dist/index.js, cancelled as the runner cancels a job: SIGINT to the main
// step (SIGTERM would follow 7.5 s later). The step exits within that grace with the outputs it
// knows, and the post step closes the GitHub deployment it left in_progress.
import { describe, expect, test } from '@jest/globals'
import { type ActionRun, runAction } from '../../test-support/action-runner.js'
import { argo, deploymentStatuses, newImage, stack, useVerifyStand } from './verify-support.js'

useVerifyStand()

/** Runs a verified deploy and sends SIGINT to the main step at the first line `cancelAt` matches. */
async function cancelledDeploy(
  version: string,
  inputs: Record<string, string>,
  cancelAt: RegExp,
  before?: (digest: string) => void,
  /** Instead of cancelling at the line: hands over the cancel, to call when the test chooses. */
  onCancelPoint?: (cancel: () => void) => void,
): Promise<{ result: ActionRun; graceMs: number }> {
  const image = await newImage(version)
  before?.(image.digest)
  let cancelledAt: number | undefined
  let exitedAt: number | undefined
  let main: { kill(signal: NodeJS.Signals): boolean; once(event: 'exit', listener: () => void): unknown } | undefined
  const result = await runAction({
    inputs: stack.inputs({
      image: image.image,
      source: image.source,
      manifests: 'apps/backend/',
      mode: 'push',
      'argocd-server': argo.url,
      'argocd-token': argo.token,
      'argocd-application': 'backend',
      environment: 'production',
      ...inputs,
    }),
    env: stack.env(),
    githubToken: stack.github.token,
    repository: stack.serviceRepository,
    onSpawn: (child, step) => {
      if (step !== 'main') return
      main = child
      child.once('exit', () => (exitedAt = Date.now()))
    },
    onLine: (line, step) => {
      if (step === 'main' && cancelledAt === undefined && cancelAt.test(line)) {
        if (onCancelPoint !== undefined)
          return onCancelPoint(() => {
            cancelledAt = Date.now()
            main?.kill('SIGINT')
          })
        cancelledAt = Date.now()
        main?.kill('SIGINT')
      }
    },
  })
  expect(cancelledAt).toBeDefined()
  return { result, graceMs: exitedAt! - cancelledAt! }
}

describe('a cancelled job', () => {
  test('SIGINT while waiting for Argo CD: outputs written, exit within the grace, deployment closed', async () => {
    const { result, graceMs } = await cancelledDeploy(
      '7.0.0',
      { 'argocd-application': 'manual', 'verify-timeout': '5m' },
      /^Waiting up to 5m for Argo CD to deploy/,
    )
    expect(graceMs).toBeLessThan(7_500)
    expect(result.exitCode).not.toBe(0)
    const commit = result.outputs['commit-sha']!
    expect(commit).toMatch(/^[0-9a-f]{40}$/)
    expect(await stack.github.headSha('main')).toBe(commit)
    const id = result.outputs['deployment-id']!
    expect(id).toMatch(/^\d+$/)
    expect(result.log).toContain('The job was cancelled')
    expect(result.post.exitCode).toBe(0)
    const states = deploymentStatuses(id)
    expect(states.map((s) => s.state)).toEqual(['in_progress', 'error'])
    expect(states[1]!.description).toBe('the job was cancelled before verification finished')
  })

  test('SIGINT while waiting for the revert to deploy: the revert is reported, the deployment closed', async () => {
    const { result, graceMs } = await cancelledDeploy(
      '7.1.0-crash',
      { 'on-failure': 'revert', 'verify-timeout': '60s' },
      /^Reverted in [0-9a-f]{40}; waiting/,
      (digest) => argo.crash(digest),
    )
    expect(graceMs).toBeLessThan(7_500)
    const reverted = result.outputs['reverted-commit-sha']!
    expect(reverted).toMatch(/^[0-9a-f]{40}$/)
    expect(await stack.github.headSha('main')).toBe(reverted)
    expect(result.outputs['commit-sha']).toMatch(/^[0-9a-f]{40}$/)
    const states = deploymentStatuses(result.outputs['deployment-id']!)
    expect(states.at(-1)!.state).not.toBe('in_progress')
    expect(states.at(-1)!.state).toBe('error')
  })
})

test('SIGINT while the commit is on its way: it lands and is reported, nothing more is written', async () => {
  const before = await stack.github.headSha('main')
  let cancel: (() => void) | undefined
  let fired = false
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
  // Every write request waits a moment (so the line that arms the cancel has surely arrived);
  // the first one after it is held for a second after the job is cancelled, so the cancel
  // arrives while the compare-and-swap is in flight.
  const removeHook = stack.github.onBeforeRequest(async ({ method }) => {
    if (method === 'GET') return
    await sleep(300)
    if (cancel === undefined || fired) return
    fired = true
    cancel()
    await sleep(1_000)
  })
  try {
    const { result, graceMs } = await cancelledDeploy(
      '7.2.0',
      { 'verify-timeout': '60s' },
      /^::group::Write back to the GitOps repository/,
      undefined,
      (cancelNow) => (cancel = cancelNow),
    )
    expect(fired).toBe(true)
    expect(graceMs).toBeLessThan(7_500)
    const commit = result.outputs['commit-sha']!
    expect(commit).toMatch(/^[0-9a-f]{40}$/)
    expect(await stack.github.headSha('main')).toBe(commit)
    expect((await stack.github.commits('main'))[0]!.parents).toEqual([before])
    // Cancelled before verification: no deployment was created.
    expect(result.outputs['deployment-id']).toBeUndefined()
  } finally {
    removeHook()
  }
})
