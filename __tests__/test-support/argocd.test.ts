// The Argo CD stand-in behaves like Argo CD's API where the action depends on it: error shapes,
// refresh cutting the Git poll short, a sync that takes a moment, stale health after it, and
// health derived from what the synced revision contains.
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { type ArgoCdStandIn, startArgoCd } from '../../test-support/argocd/server.js'
import { type FakeGitHub, startFakeGitHub } from '../../test-support/github-api/server.js'

let github: FakeGitHub
let argo: ArgoCdStandIn

const deployment = (image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n`

beforeAll(async () => {
  github = await startFakeGitHub()
  await github.seed({ 'apps/web/deployment.yaml': deployment('registry.example/web:1') })
  argo = await startArgoCd({
    github,
    applications: [
      {
        name: 'web',
        source: { repoURL: 'https://github.example/acme/gitops.git', path: 'apps/web', targetRevision: 'main' },
      },
    ],
    tokens: { 'token-all-0123456789': '*', 'token-none-0123456789': ['other'] },
    syncDurationMs: 50,
    healthLagMs: 50,
    staleReads: 1,
    rolloutMs: 50,
    crashingImages: ['web:crash'],
  })
})

afterAll(async () => {
  await argo.close()
  await github.close()
})

interface Body {
  status: {
    sync: { status: string; revision: string }
    health: { status: string }
    reconciledAt: string
    operationState: { phase: string; finishedAt: string }
    summary: { images: string[] }
    resources: unknown[]
  }
}

async function get(name: string, token: string | undefined, query = ''): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${argo.url}/api/v1/applications/${name}${query}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  })
  return { status: response.status, body: (await response.json()) as Body }
}

async function until(predicate: (body: Body) => boolean): Promise<Body[]> {
  const seen: Body[] = []
  for (let i = 0; i < 200; i++) {
    const { body } = await get('web', 'token-all-0123456789', '?refresh=normal')
    seen.push(body)
    if (predicate(body)) return seen
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('never reached the state')
}

test('errors in Argo CD shape: 401 bad token, 403 for forbidden and for missing applications', async () => {
  expect(await get('web', undefined)).toEqual({
    status: 401,
    body: { error: 'no session information', code: 16, message: 'no session information' },
  })
  expect((await get('web', 'wrong-token')).status).toBe(401)
  const forbidden = await get('web', 'token-none-0123456789')
  const missing = await get('nope', 'token-all-0123456789')
  expect(forbidden).toEqual({
    status: 403,
    body: { error: 'permission denied', code: 7, message: 'permission denied' },
  })
  expect(missing).toEqual(forbidden)
})

test('without refresh the Git poll interval (3 minutes) hides a new commit; refresh syncs it', async () => {
  const before = (await get('web', 'token-all-0123456789')).body
  const commit = await github.seed({ 'apps/web/deployment.yaml': deployment('registry.example/web:2') })
  expect((await get('web', 'token-all-0123456789')).body.status.sync).toMatchObject({
    status: 'Synced',
    revision: before.status.sync.revision,
  })
  const seen = await until(
    (body) =>
      body.status.sync.revision === commit &&
      body.status.health.status === 'Healthy' &&
      body.status.reconciledAt > body.status.operationState.finishedAt,
  )
  expect(seen[0].status.sync.status).toBe('OutOfSync')
  expect(seen[0].status.operationState.phase).toBe('Running')
  expect(seen.at(-1)!.status.summary.images).toEqual(['registry.example/web:2'])
})

test('a crashing image: Synced with stale Healthy first, then Degraded with the message', async () => {
  const commit = await github.seed({ 'apps/web/deployment.yaml': deployment('registry.example/web:crash') })
  const from = argo.requests.length
  const seen = await until((body) => body.status.health.status === 'Degraded')
  const answers = argo.requests.slice(from)
  const stale = seen.filter((_body, i) => answers[i]?.staleHealth === true)
  expect(stale.length).toBeGreaterThanOrEqual(1)
  for (const body of stale) {
    expect(body.status.sync).toMatchObject({ status: 'Synced', revision: commit })
    expect(body.status.health.status).toBe('Healthy')
    expect(body.status.reconciledAt <= body.status.operationState.finishedAt).toBe(true)
  }
  expect(seen.at(-1)!.status.resources).toContainEqual(
    expect.objectContaining({
      kind: 'Deployment',
      name: 'web',
      health: { status: 'Degraded', message: 'Deployment "web" exceeded its progress deadline' },
    }),
  )
})
