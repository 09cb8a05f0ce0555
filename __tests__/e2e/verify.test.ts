// End to end through dist/index.js: push an image, pin it in the GitOps repository, then wait for
// the Argo CD stand-in (driven by that repository's real git history) to deploy it; the OIDC
// bearer, and every refusal before anything is pushed. Smoke tests, revert and the GitHub
// deployment: verify-outcomes.test.ts.
import { describe, expect, test } from '@jest/globals'
import {
  seed,
  stack,
  argo,
  LIMITED_TOKEN,
  DEPLOYMENT,
  service,
  deploy,
  closedPort,
  registryWrites,
  useVerifyStand,
} from './verify-support.js'

useVerifyStand()

describe('waiting for Argo CD', () => {
  test('healthy: the commit is Synced and Healthy, with the timeline and a link in the summary', async () => {
    const requestsBefore = argo.requests.length
    const { result, image } = await deploy('1.0.0')

    expect(result.errors).toEqual([])
    expect(result.exitCode).toBe(0)
    expect(result.outputs.verified).toBe('true')
    expect(result.outputs['synced-revision']).toBe(result.outputs['commit-sha'])
    expect(result.outputs['synced-revision']).toBe(await stack.github.headSha('main'))
    expect(result.outputs.health).toBe('Healthy')
    expect(result.masks).toContain(argo.token)
    const polls = argo.requests.slice(requestsBefore)
    // The pre-flight read, then polls that ask for a refresh (the Git poll interval is 3 minutes).
    expect(polls[0]!.query).toBe('')
    expect(polls.slice(1).every((r) => r.query.includes('refresh=normal'))).toBe(true)
    expect(result.summary).toContain('Argo CD verification')
    expect(result.summary).toContain(`${argo.url}/applications/argocd/backend`)
    expect(result.summary).toMatch(/\| OutOfSync \|/)
    expect(await stack.github.readFile('main', DEPLOYMENT)).toContain(image)
  })

  test('an application in another namespace is read with appNamespace', async () => {
    const { result } = await deploy('1.0.1', { 'argocd-application': 'team-a/backend' })
    expect(result.errors).toEqual([])
    expect(result.outputs.verified).toBe('true')
    expect(argo.requests.at(-1)!.query).toContain('appNamespace=team-a')
    expect(result.summary).toContain(`${argo.url}/applications/team-a/backend`)
  })

  test('stale health right after the sync is not trusted: a crash-looping image fails as Degraded', async () => {
    const requestsBefore = argo.requests.length
    const { result } = await deploy('1.1.0-crash', {}, ({ digest }) => argo.crash(digest))

    expect(result.exitCode).toBe(1)
    expect(result.outputs.verified).toBe('false')
    expect(result.outputs.health).toBe('Degraded')
    // Argo CD answered Synced + Healthy at our revision before it had assessed the new pods…
    const stale = argo.requests.slice(requestsBefore).filter((r) => r.staleHealth === true)
    expect(stale.length).toBeGreaterThanOrEqual(2)
    expect(stale.every((r) => r.health === 'Healthy')).toBe(true)
    // …and the run failed on what came after, naming the application, revision and resource.
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toContain('"backend"')
    expect(result.errors[0]).toContain(result.outputs['commit-sha']!.slice(0, 7))
    expect(result.errors[0]).toContain(
      'Deployment default/backend: Degraded: Deployment "backend" exceeded its progress deadline',
    )
    expect(result.summary).toContain('exceeded its progress deadline')
  })

  test('degraded fails fast, long before verify-timeout', async () => {
    const { result } = await deploy('1.2.0-crash', { 'verify-timeout': '10m' }, ({ digest }) => argo.crash(digest))
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(/failed to deploy [0-9a-f]{7}: health is Degraded/)
    expect(result.errors[0]).not.toMatch(/within/)
  })

  test('a later commit that contains ours is accepted (compare API)', async () => {
    let later: string | undefined
    const remove = argo.onBeforeRequest(async ({ query }) => {
      // Right after our commit landed, another deploy pushes on top of it.
      if (later === undefined && query.includes('refresh=normal')) {
        later = await stack.github.seed({ 'apps/backend/service.yaml': `${service}# another team's change\n` })
      }
    })
    try {
      const { result } = await deploy('1.3.0')
      expect(result.errors).toEqual([])
      expect(result.outputs.verified).toBe('true')
      expect(result.outputs['synced-revision']).toBe(later)
      expect(result.outputs['synced-revision']).not.toBe(result.outputs['commit-sha'])
      expect(stack.github.requests.some((r) => r.path.includes('/compare/') && r.status === 200)).toBe(true)
    } finally {
      remove()
    }
  })

  test('timeout names the last state seen', async () => {
    const { result } = await deploy('1.4.0', { 'argocd-application': 'manual', 'verify-timeout': '3s' })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.verified).toBe('false')
    expect(result.errors[0]).toContain('within 3s')
    expect(result.errors[0]).toMatch(/"manual": last seen OutOfSync at [0-9a-f]{7}, health Healthy/)
    expect(result.log).toContain('no automated sync policy')
  })

  test('transient Argo CD errors while waiting are retried', async () => {
    const remove = argo.onBeforeRequest(({ query }) => {
      if (query.includes('refresh=normal')) {
        argo.injectFault(503, 2)
        remove()
      }
    })
    const { result } = await deploy('1.5.0')
    expect(result.errors).toEqual([])
    expect(result.outputs.verified).toBe('true')
    expect(argo.requests.filter((r) => r.status === 503)).toHaveLength(2)
  })
})

describe('bearer from GitHub OIDC', () => {
  test('argocd-oidc-audience sends a GitHub OIDC token that Argo CD accepts', async () => {
    const issuedBefore = stack.gcp.oidc.issuedTokens.length
    const { result } = await deploy('4.0.0', { 'argocd-token': '', 'argocd-oidc-audience': 'argocd' })
    expect(result.errors).toEqual([])
    expect(result.outputs.verified).toBe('true')
    // Google auth's token and Argo CD's (another audience), each masked.
    const issued = stack.gcp.oidc.issuedTokens.slice(issuedBefore)
    expect(issued.length).toBeGreaterThanOrEqual(2)
    for (const token of issued) expect(result.masks.some((mask) => token.endsWith(mask))).toBe(true)
  })
})

describe('refused before anything is pushed or committed', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      'unknown application',
      { 'argocd-application': 'no-such-app' },
      /"no-such-app".*permission denied.*Either no application of that name exists.*or `argocd-token` may not read it/,
    ],
    ['rejected token', { 'argocd-token': 'argocd-revoked-token-0000000000' }, /Argo CD rejected `argocd-token`.*401/],
    [
      'a token that may not read the application',
      { 'argocd-token': LIMITED_TOKEN },
      /"backend".*permission denied.*may not read it/,
    ],
    [
      'an application that watches another repository',
      { 'argocd-application': 'foreign', 'argocd-token': LIMITED_TOKEN },
      /"foreign" does not deploy from acme\/gitops \(branch main\): it reads https:\/\/github.example\/acme\/other-gitops.git/,
    ],
    ['an unreachable server', { 'argocd-server': 'CLOSED' }, /Could not reach http:\/\/127.0.0.1:\d+ .*ECONNREFUSED/],
  ]
  test.each(cases)('%s', async (_name, given, message) => {
    const inputs =
      given['argocd-server'] === 'CLOSED' ? { 'argocd-server': `http://127.0.0.1:${await closedPort()}` } : given
    const head = await stack.github.headSha('main')
    const writes = registryWrites()
    const { result } = await deploy(`9.0.${seed}`, inputs)
    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(message)
    expect(await stack.github.headSha('main')).toBe(head)
    expect(registryWrites()).toBe(writes)
    expect(result.outputs['commit-sha']).toBeUndefined()
  })

  test('mode: pr with Argo CD inputs is an input error', async () => {
    const { result } = await deploy('9.1.0', { mode: 'pr' })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toMatch(/^Input 'argocd-server': verification in `mode: pr` needs `merge`/)
  })

  test('dry-run runs only the pre-flight check', async () => {
    const head = await stack.github.headSha('main')
    const requestsBefore = argo.requests.length
    const { result } = await deploy('9.2.0', { 'dry-run': 'true' })
    expect(result.errors).toEqual([])
    expect(await stack.github.headSha('main')).toBe(head)
    expect(argo.requests.slice(requestsBefore).map((r) => r.query)).toEqual([''])
    expect(result.outputs.verified).toBeUndefined()
  })
})
