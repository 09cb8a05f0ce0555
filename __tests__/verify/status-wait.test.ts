// Waiting on commit statuses against the GitHub stand-in (real git history, real Octokit calls),
// with injected time: a descendant reconciled first counts, a failure ends the wait at once, a
// context that never reports is named at the timeout, and Argo CD and statuses end together.
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals'
import { createGitHubClient } from '../../src/gitops/client.js'
import { GitOpsRepository } from '../../src/gitops/repository.js'
import { waitForAll } from '../../src/verify/all.js'
import { waitForCommitStatuses } from '../../src/verify/status-wait.js'
import type { WaitResult } from '../../src/verify/wait.js'
import { type FakeClock, fakeClock } from '../../test-support/clock.js'
import { startFakeGitHub, type FakeGitHub } from '../../test-support/github-api/server.js'

const ARGO = 'continuous-delivery/backend'
const FLUX_PATTERN = 'kustomization/apps/*'
let gh: FakeGitHub
let repository: GitOpsRepository
let counter = 0

beforeAll(async () => {
  gh = await startFakeGitHub()
  repository = new GitOpsRepository(
    createGitHubClient(gh.token, gh.url, { retryBaseMs: 1, throttle: false }),
    gh.owner,
    gh.repo,
  )
  await gh.seed({ 'apps/backend/deployment.yaml': 'image: a\n' })
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})

afterAll(async () => {
  jest.restoreAllMocks()
  await gh?.close()
})

afterEach(() => expect(gh.takeValidationErrors()).toEqual([]))

async function commit(branch: string): Promise<string> {
  return gh.seed(
    { 'apps/backend/deployment.yaml': `image: a@sha256:${String(++counter).padStart(64, '0')}\n` },
    { branch },
  )
}

function deps(clock: FakeClock) {
  return {
    combinedStatus: (ref: string) => repository.combinedStatus(ref),
    contains: (base: string, head: string) => repository.contains(base, head),
    clock,
  }
}

/** Runs `act` before the `n`-th status read (1-based). */
function atRead(n: number, act: () => Promise<unknown>): () => void {
  let reads = 0
  return gh.onBeforeRequest(async ({ method, path }) => {
    if (method === 'GET' && path.endsWith('/status') && ++reads === n) await act()
  })
}

describe('waitForCommitStatuses', () => {
  test('Argo CD Notifications-style success on the revision; one call per poll while it is the head', async () => {
    const branch = 'env/a'
    const revision = await commit(branch)
    const off = atRead(3, () => gh.setStatus(revision, { state: 'success', context: ARGO, description: 'healthy' }))
    gh.resetRequests()
    const result = await waitForCommitStatuses(deps(fakeClock()), [ARGO], revision, branch, 600_000)
    off()
    expect(result).toMatchObject({ ok: true, syncedRevision: revision })
    expect(result.statuses).toEqual([
      { context: ARGO, state: 'success', description: 'healthy', targetUrl: null, sha: revision },
    ])
    expect(gh.requests.map((r) => `${r.method} ${r.path}`)).toEqual(
      Array(3).fill(`GET /repos/acme/gitops/commits/${branch}/status`),
    )
  })

  test('a later commit reconciled first counts: success there, none on ours', async () => {
    const branch = 'env/b'
    const revision = await commit(branch)
    const later = await commit(branch)
    await gh.setStatus(later, { state: 'success', context: ARGO })
    const result = await waitForCommitStatuses(deps(fakeClock()), [ARGO], revision, branch, 600_000)
    expect(result).toMatchObject({ ok: true, syncedRevision: later })
  })

  test('a commit that does not contain ours does not count', async () => {
    const branch = 'env/c'
    const revision = await commit(branch)
    // The branch was reset to another line of history (force push): its head does not contain ours.
    const other = await commit('env/c-other')
    await gh.git(['update-ref', `refs/heads/${branch}`, other])
    await gh.setStatus(other, { state: 'success', context: ARGO })
    const result = await waitForCommitStatuses(deps(fakeClock()), [ARGO], revision, branch, 20_000)
    expect(result.ok).toBe(false)
    expect(result.failure).toContain(`no commit status "${ARGO}" was reported on ${revision.slice(0, 7)}`)
  })

  test('Flux-style failure ends the wait at once, naming context, description and link', async () => {
    const branch = 'env/d'
    const revision = await commit(branch)
    await gh.setStatus(revision, { state: 'pending', context: ARGO })
    const off = atRead(2, () =>
      gh.setStatus(revision, {
        state: 'failure',
        context: 'kustomization/apps/1a2b3c4d',
        description: 'kustomize build failed',
        targetUrl: 'https://flux.example/apps',
      }),
    )
    const clock = fakeClock()
    const result = await waitForCommitStatuses(deps(clock), [ARGO, FLUX_PATTERN], revision, branch, 600_000)
    off()
    expect(result.ok).toBe(false)
    expect(result.failure).toBe(
      `commit status "kustomization/apps/1a2b3c4d" is failure on ${revision.slice(0, 7)}: kustomize build failed (https://flux.example/apps)`,
    )
    // Fast: one wait of at most 2 s between the two reads, not the 10 minutes of the timeout.
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2_000)
  })

  test('a context that never reports: the timeout names it; polls back off to 15 s', async () => {
    const branch = 'env/e'
    const revision = await commit(branch)
    await gh.setStatus(revision, { state: 'success', context: ARGO })
    const clock = fakeClock()
    const result = await waitForCommitStatuses(deps(clock), [ARGO, FLUX_PATTERN], revision, branch, 600_000)
    expect(result.ok).toBe(false)
    expect(result.failure).toBe(
      `no commit status "${FLUX_PATTERN}" was reported on ${revision.slice(0, 7)} or a later commit of ${branch} within 10m`,
    )
    expect(Math.max(...clock.slept)).toBeLessThanOrEqual(15_000)
    expect(clock.slept.at(-2)).toBeGreaterThanOrEqual(7_500)
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(600_000)
    // Backed off, polls come 7.5–15 s apart (jittered): about five calls a minute over ten minutes.
    expect(clock.slept.length).toBeLessThan(65)
  })

  test('no statuses: read is named', async () => {
    gh.injectFault({ method: 'GET', path: /\/status$/, status: 404, body: { message: 'Not Found' } })
    const result = await waitForCommitStatuses(deps(fakeClock()), [ARGO], 'f'.repeat(40), 'main', 60_000)
    expect(result.ok).toBe(false)
    expect(result.failure).toContain('`statuses: read`')
  })
})

describe('waitForAll', () => {
  const ok: WaitResult = { ok: true, health: 'Healthy', unhealthy: [], syncedRevision: 'r' }

  test('both must pass; the first failure stops the other wait at its next check', async () => {
    const clock = fakeClock()
    let polls = 0
    const endless = async (c: typeof clock): Promise<WaitResult> => {
      const deadline = c.now() + 600_000
      for (;;) {
        polls++
        if (deadline - c.now() <= 0) return { ok: false, failure: 'timed out', health: 'Progressing', unhealthy: [] }
        await c.sleep(5_000)
      }
    }
    const failing = async (c: typeof clock): Promise<WaitResult> => {
      await c.sleep(10_000)
      return { ok: false, failure: 'status failed', health: '', unhealthy: [] }
    }
    const result = await waitForAll([(c) => endless(c as FakeClock), (c) => failing(c as FakeClock)], clock)
    expect(result).toMatchObject({ ok: false, failure: 'status failed', health: 'Progressing' })
    expect(polls).toBeLessThan(10)
    expect(
      await waitForAll([() => Promise.resolve(ok), () => Promise.resolve({ ...ok, health: '' })], clock),
    ).toMatchObject({
      ok: true,
      health: 'Healthy',
      syncedRevision: 'r',
    })
  })
})
