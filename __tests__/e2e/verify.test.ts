// End to end through dist/index.js: push an image, pin it in the GitOps repository, then wait for
// the Argo CD stand-in (driven by that repository's real git history) to deploy it; smoke tests,
// revert and the GitHub deployment, and every refusal before anything is pushed.
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ActionRun } from '../../test-support/action-runner.js'
import { type ArgoCdStandIn, startArgoCd } from '../../test-support/argocd/server.js'
import { type Stack, startStack } from '../../test-support/stack.js'

// Every test runs the whole action (push, commit, wait); a busy machine makes that slow.
jest.setTimeout(180_000)

let stack: Stack
let argo: ArgoCdStandIn
let seed = 100
const LIMITED_TOKEN = 'argocd-limited-role-token-fedcba9876543210'
const DEPLOYMENT = 'apps/backend/deployment.yaml'

const deployment = (image: string): string =>
  [
    '# The backend, deployed by Argo CD application "backend".',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: backend',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: backend',
    `          image: "${image}" # pinned by CI`,
    '',
  ].join('\r\n')

const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: backend\nspec:\n  ports:\n    - port: 80\n'

beforeAll(async () => {
  stack = await startStack()
  await stack.github.seed({
    [DEPLOYMENT]: deployment(`${stack.repository('acme/backend')}:0.1.0`),
    'apps/backend/service.yaml': service,
  })
  const repoURL = `${stack.github.serverUrl}/${stack.github.owner}/${stack.github.repo}.git`
  argo = await startArgoCd({
    github: stack.github,
    applications: [
      { name: 'backend', source: { repoURL, path: 'apps/backend', targetRevision: 'main' } },
      { name: 'backend', namespace: 'team-a', source: { repoURL, path: 'apps/backend', targetRevision: 'HEAD' } },
      { name: 'manual', source: { repoURL, path: 'apps/backend', targetRevision: 'main' }, automated: false },
      {
        name: 'foreign',
        source: { repoURL: 'https://github.example/acme/other-gitops.git', path: 'apps', targetRevision: 'main' },
      },
    ],
    tokens: { 'argocd-project-role-token-0123456789abcdef': '*', [LIMITED_TOKEN]: ['foreign'] },
    oidc: { issuer: stack.gcp.oidc.issuer, publicKey: stack.gcp.oidc.key.publicKey, audience: 'argocd' },
    // Health right after each sync is the previous revision's for at least two answers.
    staleReads: 2,
    syncDurationMs: 300,
    healthLagMs: 200,
    rolloutMs: 300,
  })
})

afterAll(async () => {
  await argo?.close()
  await stack?.close()
})

afterEach(() => {
  expect(stack.github.takeValidationErrors()).toEqual([])
})

/** A new image version in an OCI layout: its digest is unique to the test. */
async function newImage(version: string): Promise<{ image: string; source: string; digest: string }> {
  const { source, entries } = await stack.layout(`layouts/backend-${version}`, [
    { layers: [{ size: 2000, seed: seed++ }], refName: version },
  ])
  return { image: `${stack.repository('acme/backend')}:${version}`, source, digest: entries[0]!.digest }
}

async function deploy(
  version: string,
  inputs: Record<string, string> = {},
  before?: (image: { digest: string }) => void,
): Promise<{ result: ActionRun; digest: string; image: string }> {
  const image = await newImage(version)
  before?.(image)
  const result = await stack.run({
    image: image.image,
    source: image.source,
    manifests: 'apps/backend/',
    mode: 'push',
    'argocd-server': argo.url,
    'argocd-application': 'backend',
    'argocd-token': argo.token,
    'verify-timeout': '30s',
    ...inputs,
  })
  expectNoArgoToken(result)
  return { result, ...image }
}

function expectNoArgoToken(result: ActionRun): void {
  const visible = [result.log, result.stderr, result.summary, JSON.stringify(result.outputs), result.post.stdout].join(
    '\n',
  )
  expect(visible).not.toContain(argo.token)
  expect(visible).not.toContain(LIMITED_TOKEN)
  expect(stack.leakedSecrets(result)).toEqual([])
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

function registryWrites(): number {
  return stack.registry.requests.filter((r) => r.method === 'PUT' || r.method === 'POST' || r.method === 'PATCH').length
}

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

describe('on-failure: revert', () => {
  test('restores the exact bytes in one compare-and-swap commit and waits for it to deploy', async () => {
    // A healthy deploy first: that is what the revert goes back to.
    expect((await deploy('1.9.0')).result.outputs.verified).toBe('true')
    const before = await stack.github.readFile('main', DEPLOYMENT)
    const { result } = await deploy('2.0.0-crash', { 'on-failure': 'revert' }, ({ digest }) => argo.crash(digest))

    expect(result.exitCode).toBe(1)
    const revert = result.outputs['reverted-commit-sha']!
    expect(revert).toMatch(/^[0-9a-f]{40}$/)
    expect(await stack.github.headSha('main')).toBe(revert)
    expect(await stack.github.readFile('main', DEPLOYMENT)).toBe(before)
    const [head] = await stack.github.commits('main')
    expect(head!.parents).toEqual([result.outputs['commit-sha']])
    expect(head!.message).toMatch(/^Revert /)
    expect(result.outputs.health).toBe('Healthy')
    expect(result.errors[0]).toContain('Degraded')
    expect(result.errors[0]).toContain(`Reverted in ${revert}`)
    expect(result.errors[0]).toContain('Argo CD is Synced and Healthy at the revert')
    expect(result.summary).toContain('Revert')
  }, 240_000)
})

describe('smoke tests', () => {
  let server: http.Server
  let url: string
  let answers: number[] = []
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      const status = answers.length > 1 ? answers.shift()! : (answers[0] ?? 200)
      res.writeHead(status, { 'content-type': 'text/plain' })
      res.end(status === 200 ? 'ok' : `backend unavailable ${'x'.repeat(300)}`)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`
  })
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  test('a URL that answers 503 and then 200 passes', async () => {
    answers = [503, 503, 200]
    const { result } = await deploy('3.0.0', { 'smoke-test-url': url, 'smoke-test-timeout': '20s' })
    expect(result.errors).toEqual([])
    expect(result.outputs.verified).toBe('true')
    expect(result.summary).toMatch(/healthz.*HTTP 200 \(3 tries\)/)
  })

  test('a URL that never answers 2xx fails with the last status and the start of the body', async () => {
    answers = [500]
    const { result } = await deploy('3.1.0', { 'smoke-test-url': url, 'smoke-test-timeout': '2s' })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.verified).toBe('false')
    expect(result.outputs.health).toBe('Healthy')
    expect(result.errors[0]).toContain(`smoke test ${url} did not answer 2xx within 2s`)
    expect(result.errors[0]).toMatch(/last answer: HTTP 500: backend unavailable x{170,}…/)
    expect(result.errors[0]).not.toMatch(/x{201}/)
  })

  test('the GitHub deployment goes in_progress, then success with the environment and log URLs', async () => {
    answers = [200]
    const { result, digest } = await deploy('3.2.0', { 'smoke-test-url': url, environment: 'production' })
    expect(result.errors).toEqual([])
    const id = result.outputs['deployment-id']!
    expect(id).toMatch(/^\d+$/)
    const api = (path: string) =>
      fetch(`${stack.github.url}/repos/${stack.serviceRepository}${path}`, {
        headers: { authorization: `Bearer ${stack.github.token}` },
      }).then((response) => response.json() as Promise<Record<string, unknown>[]>)
    const [created] = (await api('/deployments?environment=production')).filter((d) => String(d.id) === id)
    expect(created).toMatchObject({
      environment: 'production',
      sha: '0123456789abcdef0123456789abcdef01234567',
      payload: { digest, gitops_commit: result.outputs['commit-sha'] },
    })
    const statuses = (await api(`/deployments/${id}/statuses`)).reverse()
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'success'])
    expect(statuses[1]).toMatchObject({
      environment_url: url,
      log_url: `${stack.github.serverUrl}/${stack.serviceRepository}/actions/runs/4242`,
    })
    const create = stack.github.requests.find((r) => r.operationId === 'repos/create-deployment')
    expect(create?.status).toBe(201)
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
    expect(result.errors[0]).toMatch(/^Input 'argocd-server': verification needs `mode: push`/)
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
