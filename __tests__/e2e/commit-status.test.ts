// End to end through dist/index.js: verification through commit statuses, posted by the Argo CD
// stand-in's own reconciliation as Argo CD Notifications (`continuous-delivery/APP`) and Flux's
// notification-controller (`kustomization/NAME/HASH`) post them; no Argo CD API access needed.
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals'
import { type ArgoCdStandIn, RECONCILES_QUICKLY, applicationOf, startArgoCd } from '../../test-support/argocd/server.js'
import { useStack } from '../../test-support/e2e.js'
import { singleContainer } from '../../test-support/manifests.js'

jest.setTimeout(120_000)
const DEPLOYMENT = 'apps/backend/deployment.yaml'
const NOTIFICATIONS = 'continuous-delivery/backend'
const stack = useStack({
  seed: (stack) => ({ [DEPLOYMENT]: singleContainer('backend', `${stack.repository('acme/backend')}:0.1.0`) }),
})
let argo: ArgoCdStandIn
let seed = 900

beforeAll(async () => {
  argo = await startArgoCd({
    github: stack.github,
    applications: [applicationOf(stack.github, 'backend', 'apps/backend')],
    ...RECONCILES_QUICKLY,
    reporters: ['argocd-notifications', 'flux'],
  })
})

afterAll(async () => {
  await argo?.close()
})

afterEach(() => {
  argo.resume()
})

async function deploy(version: string, inputs: Record<string, string>, before?: (digest: string) => void) {
  const { source, entries } = await stack.layout(`layouts/status-${version}`, [
    { layers: [{ size: 1200, seed: seed++ }], refName: version },
  ])
  before?.(entries[0]!.digest)
  const result = await stack.run({
    image: `${stack.repository('acme/backend')}:${version}`,
    source,
    manifests: 'apps/backend/',
    mode: 'push',
    ...inputs,
  })
  expect(stack.leakedSecrets(result)).toEqual([])
  return result
}

describe('verify-commit-status', () => {
  test('Argo CD Notifications-style success on the commit verifies it, without the Argo CD API', async () => {
    const apiRequests = argo.requests.length
    const result = await deploy('3.0.0', { 'verify-commit-status': NOTIFICATIONS, 'verify-timeout': '1m' })
    expect(result.errors).toEqual([])
    expect(result.outputs.verified).toBe('true')
    const commit = result.outputs['commit-sha']!
    expect(result.outputs['synced-revision']).toBe(commit)
    expect(argo.requests.length).toBe(apiRequests)
    const posted = stack.github.statusesModel.forSha(commit).filter((s) => s.context === NOTIFICATIONS)
    expect(posted.map((s) => s.state)).toEqual(['pending', 'success'])
    expect(result.summary).toContain('Deployment verification')
    expect(result.summary).toContain(NOTIFICATIONS)
    // Only statuses were read: no write beyond the commit itself.
    expect(stack.github.requests.filter((r) => r.path.endsWith('/status')).every((r) => r.method === 'GET')).toBe(true)
  })

  test('Flux-style failure ends the wait at once, naming the context and its description', async () => {
    const result = await deploy(
      '3.1.0-crash',
      { 'verify-commit-status': 'kustomization/backend/*', 'verify-timeout': '10m' },
      (digest) => argo.crash(digest),
    )
    expect(result.exitCode).toBe(1)
    expect(result.outputs.verified).toBe('false')
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toContain(
      `commit status "kustomization/backend/1a2b3c4d" is failure on ${result.outputs['commit-sha']!.slice(0, 7)}: Health check failed: Deployment "backend" exceeded its progress deadline`,
    )
    expect(result.errors[0]).not.toContain('within')
  })

  test('a later commit reconciled first counts: success only on the descendant', async () => {
    argo.pause()
    let later: string | undefined
    const off = stack.github.onBeforeRequest(async ({ method, path }) => {
      if (later !== undefined || method !== 'GET' || !path.endsWith('/status')) return
      // Someone pushes on top before the controller looked: it deploys only the newer commit.
      later = await stack.github.seed({ 'apps/backend/notes.txt': 'later\n' }, { message: 'Later change' })
      argo.resume()
    })
    const result = await deploy('3.2.0', { 'verify-commit-status': NOTIFICATIONS, 'verify-timeout': '1m' })
    off()
    expect(result.errors).toEqual([])
    expect(result.outputs.verified).toBe('true')
    expect(result.outputs['synced-revision']).toBe(later)
    expect(stack.github.statusesModel.forSha(result.outputs['commit-sha']!)).toEqual([])
  })

  test('with Argo CD too, both must pass; a context that never reports is named at the timeout', async () => {
    const result = await deploy('3.3.0', {
      'verify-commit-status': `${NOTIFICATIONS}\nci/never-reports`,
      'argocd-server': argo.url,
      'argocd-application': 'backend',
      'argocd-token': argo.token,
      'verify-timeout': '6s',
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toBe(
      `Verification failed: no commit status "ci/never-reports" was reported on ${result.outputs['commit-sha']!.slice(0, 7)} or a later commit of main within 6s`,
    )
    // Argo CD itself was fine: its health is kept.
    expect(result.outputs.health).toBe('Healthy')
  })
})
