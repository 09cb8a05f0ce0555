// End to end through dist/index.js, for Google Cloud authentication: through a forward proxy,
// from Application Default Credentials, and the checks that fail a run before any request.
// Every run gets a fresh TMPDIR and RUNNER_TEMP that must be empty afterwards: no credentials
// (nor anything else) left on the runner.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { type ActionRun, runAction } from '../../test-support/action-runner.js'
import { type ForwardProxy, startForwardProxy } from '../../test-support/gcp/forward-proxy.js'
import { useStack } from '../../test-support/e2e.js'
import { singleContainer } from '../../test-support/manifests.js'

const stack = useStack({
  seed: (stack) => ({ 'apps/api/deployment.yaml': singleContainer('api', `${stack.repository('acme/api')}:0.1.0`) }),
})
let proxy: ForwardProxy
let scratch: string
let runTemp: string

beforeAll(async () => {
  proxy = await startForwardProxy()
  scratch = await mkdtemp(path.join(tmpdir(), 'gda-gcp-e2e-'))
})

afterAll(async () => {
  await proxy?.close()
  if (scratch) await rm(scratch, { recursive: true, force: true })
})

beforeEach(async () => {
  runTemp = await mkdtemp(path.join(scratch, 'tmp-'))
  stack.github.resetRequests()
  stack.gcp.reset()
  proxy.requests.length = 0
})

afterEach(async () => {
  // Nothing left in the temporary folders of the run, success or failure.
  expect(await readdir(runTemp)).toEqual([])
})

/** TMPDIR / RUNNER_TEMP of a run: a fresh folder checked empty after it. */
function tempEnv(): Record<string, string> {
  return { TMPDIR: runTemp, TMP: runTemp, TEMP: runTemp, RUNNER_TEMP: runTemp }
}

function hostOf(url: string): string {
  return new URL(url).host
}

function expectCleanRun(result: ActionRun): void {
  expect(result.errors).toEqual([])
  expect(result.exitCode).toBe(0)
  expect(stack.leakedSecrets(result)).toEqual([])
  expect(result.leftovers).toEqual([])
}

describe('through a forward proxy', () => {
  test('WIF with impersonation: every OIDC, STS and IAM Credentials request goes through HTTPS_PROXY / HTTP_PROXY', async () => {
    const { entries } = await stack.layout('layouts/proxied', [
      { layers: [{ size: 3000, seed: 41 }], refName: '7.0.0' },
    ])
    const result = await stack.run(
      {
        image: `${stack.repository('acme/api')}:7.0.0`,
        source: 'layouts/proxied',
        manifests: 'apps/api/deployment.yaml',
        mode: 'push',
        'service-account': stack.gcp.serviceAccount,
      },
      { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: '', ...tempEnv() },
    )

    expectCleanRun(result)
    expect(result.stdout).not.toMatch(/HttpsProxyAgent/)
    expect(result.outputs.digest).toBe(entries[0]!.digest)
    const services = { oidc: stack.gcp.oidc.url, sts: stack.gcp.stsEndpoint, iam: stack.gcp.iamCredentialsEndpoint }
    for (const [service, url] of Object.entries(services)) {
      const received = stack.gcp.received.filter((r) => r.service === service)
      expect(received.length).toBeGreaterThan(0)
      // The proxy carried each request the stand-in answered, in order.
      expect(proxy.to(hostOf(url))).toEqual(received.map((r) => ({ method: r.method, path: r.path })))
    }
  })
})

describe('Application Default Credentials', () => {
  test('from an external_account file, leaving nothing in the temp folder', async () => {
    const dir = await mkdtemp(path.join(scratch, 'adc-'))
    const file = path.join(dir, 'credentials.json')
    const oidcEnv = stack.gcp.env()
    await writeFile(
      file,
      JSON.stringify({
        type: 'external_account',
        audience: `//iam.googleapis.com/${stack.gcp.provider}`,
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        token_url: `${stack.gcp.stsEndpoint}/v1/token`,
        credential_source: {
          url: `${oidcEnv.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${encodeURIComponent(`https://iam.googleapis.com/${stack.gcp.provider}`)}`,
          headers: { Authorization: `Bearer ${oidcEnv.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
          format: { type: 'json', subject_token_field_name: 'value' },
        },
      }),
    )
    const { entries } = await stack.layout('layouts/adc', [{ layers: [{ size: 5000, seed: 3 }], refName: '3.0.0' }])

    const result = await stack.run(
      {
        image: `${stack.repository('acme/api')}:3.0.0`,
        source: 'layouts/adc',
        manifests: 'apps/api/deployment.yaml',
        mode: 'push',
        'workload-identity-provider': '',
      },
      { GOOGLE_APPLICATION_CREDENTIALS: file, HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, ...tempEnv() },
    )

    expectCleanRun(result)
    expect(result.outputs.digest).toBe(entries[0]!.digest)
    expect(result.log).toContain('Authenticated to Google Cloud: application-default')
    expect(proxy.to(hostOf(stack.gcp.stsEndpoint))).toEqual([{ method: 'POST', path: '/v1/token' }])
  })
})

describe('checked before any request', () => {
  let registryRequests: number

  beforeEach(() => {
    registryRequests = stack.registry.requests.length
  })

  function expectNoRequests(): void {
    expect(stack.github.requests).toEqual([])
    expect(stack.gcp.received).toEqual([])
    expect(stack.registry.requests.length).toBe(registryRequests)
    expect(proxy.requests).toEqual([])
  }

  test('workload identity federation in a job without id-token: write', async () => {
    const env: Record<string, string> = { ...stack.env(), ...tempEnv(), HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url }
    delete env.ACTIONS_ID_TOKEN_REQUEST_URL
    delete env.ACTIONS_ID_TOKEN_REQUEST_TOKEN

    const result = await runAction({
      inputs: stack.inputs({
        image: `${stack.repository('acme/api')}:4.1.0`,
        source: 'registry',
        manifests: 'apps/api/deployment.yaml',
      }),
      env,
      githubToken: stack.github.token,
    })

    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/^Input 'workload-identity-provider': needs a GitHub OIDC token/)
    expect(result.errors[0]).toContain('permissions: id-token: write')
    expect(result.errors[0]).toMatch(/forks and Dependabot/)
    expectNoRequests()
  })

  test.each([
    ['workload identity federation', {}, {}],
    [
      'Application Default Credentials',
      { 'workload-identity-provider': '' },
      { GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/adc.json' },
    ],
  ])('%s with an image that names no registry host', async (_, inputs, env) => {
    const result = await stack.run(
      { image: 'acme/api:1.0.0', source: 'registry', manifests: 'apps/api/deployment.yaml', ...inputs },
      { ...env, ...tempEnv() },
    )

    expect(result.exitCode).toBe(1)
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatch(/^Input 'image': "acme\/api" names no registry host/)
    expect(result.errors[0]).toContain('Docker Hub')
    expect(result.errors[0]).toContain('LOCATION-docker.pkg.dev')
    expect(result.errors[0]).toContain('europe-docker.pkg.dev/PROJECT/REPOSITORY/api:1.0.0')
    expectNoRequests()
  })
})
