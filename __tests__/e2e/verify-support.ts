// Shared by the Argo CD end-to-end files (jest runs each file on its own worker, so their waits
// overlap): the stand-ins with an Argo CD that follows the GitOps repository's history, and one
// deploy through dist/index.js with verification. Exported bindings are live: they hold the
// stand-ins once `useVerifyStand()`'s beforeAll has run.
import { afterAll, beforeAll, expect, jest } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ActionRun } from '../../test-support/action-runner.js'
import { type ArgoCdStandIn, startArgoCd } from '../../test-support/argocd/server.js'
import { useStack } from '../../test-support/e2e.js'
import type { Stack } from '../../test-support/stack.js'
import type { FakeDeploymentStatus } from '../../test-support/github-api/deployments.js'

export let stack: Stack
export let argo: ArgoCdStandIn
/** Grows with every image built: versions and layers unique within the file. */
export let seed = 100
export const LIMITED_TOKEN = 'argocd-limited-role-token-fedcba9876543210'
export const DEPLOYMENT = 'apps/backend/deployment.yaml'

export const deployment = (image: string): string =>
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

export const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: backend\nspec:\n  ports:\n    - port: 80\n'

/** The stand-ins for the calling test file, started once before its tests and closed after them. */
export function useVerifyStand(): void {
  // Every test runs the whole action (push, commit, wait); a busy machine makes that slow.
  jest.setTimeout(180_000)
  // Declared first so that it runs first: Argo CD stops following the repository before it closes.
  afterAll(async () => {
    await argo?.close()
  })
  stack = useStack({
    seed: (stack) => ({
      [DEPLOYMENT]: deployment(`${stack.repository('acme/backend')}:0.1.0`),
      'apps/backend/service.yaml': service,
    }),
  })
  beforeAll(async () => {
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
}

/** The statuses of the run's GitHub deployment `id` (an output), oldest first, as the stand-in recorded them. */
export function deploymentStatuses(id: string): FakeDeploymentStatus[] {
  const deployment = stack.github.deploymentsModel.deployments.find((d) => String(d.id) === id)
  if (deployment === undefined) throw new Error(`No GitHub deployment ${id}`)
  return deployment.statuses
}

/** A new image version in an OCI layout: its digest is unique to the test. */
export async function newImage(version: string): Promise<{ image: string; source: string; digest: string }> {
  const { source, entries } = await stack.layout(`layouts/backend-${version}`, [
    { layers: [{ size: 2000, seed: seed++ }], refName: version },
  ])
  return { image: `${stack.repository('acme/backend')}:${version}`, source, digest: entries[0]!.digest }
}

export async function deploy(
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

export function expectNoArgoToken(result: ActionRun): void {
  const visible = [result.log, result.stderr, result.summary, JSON.stringify(result.outputs), result.post.stdout].join(
    '\n',
  )
  expect(visible).not.toContain(argo.token)
  expect(visible).not.toContain(LIMITED_TOKEN)
  expect(stack.leakedSecrets(result)).toEqual([])
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

export function registryWrites(): number {
  return stack.registry.requests.filter((r) => r.method === 'PUT' || r.method === 'POST' || r.method === 'PATCH').length
}
