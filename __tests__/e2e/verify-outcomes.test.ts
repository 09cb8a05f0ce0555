// End to end through dist/index.js, after Argo CD deployed the commit: smoke tests, the GitHub
// deployment and `on-failure: revert`. Waiting for Argo CD and refusals: verify.test.ts.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { stack, argo, DEPLOYMENT, deploy, deploymentStatuses, useVerifyStand } from './verify-support.js'

useVerifyStand()

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
    const statuses = deploymentStatuses(id)
    expect(statuses.map((s) => s.state)).toEqual(['in_progress', 'success'])
    expect(statuses[1]).toMatchObject({
      environmentUrl: url,
      logUrl: `${stack.github.serverUrl}/${stack.serviceRepository}/actions/runs/4242`,
    })
    const create = stack.github.requests.find((r) => r.operationId === 'repos/create-deployment')
    expect(create?.status).toBe(201)
  })
})
