// End to end through dist/index.js, Argo CD and smoke tests answering what they should not. After
// the commit, answers that say nothing about the deploy (a rotated token, a sign-in page,
// malformed JSON) are "cannot read", never "failed": `on-failure: revert` reverts nothing, the
// GitHub deployment ends `error`, the run fails saying why. A branch name is no proof of a deploy,
// and workflow commands in a server's words never reach the log as commands.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { DEPLOYMENT, argo, deploy, deploymentStatuses, stack, useVerifyStand } from './verify-support.js'

useVerifyStand()

/** What the wait's requests (`refresh=normal`, only after the commit) get instead of Argo CD's answer. */
let replacement: { status: number; type: string; body: string } | undefined
/** Or: Argo CD's JSON answer to the wait's requests, changed. */
let rewrite: ((app: AppJson) => void) | undefined
interface AppJson {
  status: {
    sync: { revision?: string }
    operationState?: { syncResult?: { revision?: string }; operation?: { sync?: { revision?: string } } }
  }
}
let proxy: http.Server
let proxyUrl: string

beforeAll(async () => {
  // In front of the Argo CD stand-in: every request reaches it (so it syncs and reports Healthy),
  // but the answers to the wait's polls are replaced.
  proxy = http.createServer((req, res) => {
    const upstream = http.request(`${argo.url}${req.url}`, { headers: req.headers }, (answer) => {
      if (replacement !== undefined && (req.url ?? '').includes('refresh=normal')) {
        answer.resume()
        res.writeHead(replacement.status, { 'content-type': replacement.type })
        res.end(replacement.body)
        return
      }
      if (rewrite !== undefined && (req.url ?? '').includes('refresh=normal') && answer.statusCode === 200) {
        const chunks: Buffer[] = []
        answer.on('data', (chunk: Buffer) => chunks.push(chunk))
        answer.on('end', () => {
          const app = JSON.parse(Buffer.concat(chunks).toString('utf8')) as AppJson
          rewrite!(app)
          res.writeHead(200, { 'content-type': 'application/json' })
          res.end(JSON.stringify(app))
        })
        return
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.end()
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise<void>((resolve) => proxy.close(() => resolve()))
})

const grpc = (message: string, code: number) => JSON.stringify({ error: message, code, message })

describe('Argo CD cannot be read after the commit', () => {
  const cases: [string, { status: number; type: string; body: string }, RegExp][] = [
    [
      'a rejected token (401) after Argo CD deployed it Healthy',
      { status: 401, type: 'application/json', body: grpc('invalid session: token signature is invalid', 16) },
      /the Argo CD token was rejected after the deploy \(HTTP 401: invalid session/,
    ],
    [
      'a permission error (403)',
      { status: 403, type: 'application/json', body: grpc('permission denied', 7) },
      /Argo CD denied reading the application after the deploy \(HTTP 403: permission denied/,
    ],
    [
      'a sign-in page (200, not JSON)',
      { status: 200, type: 'text/html', body: '<html><body>Sign in with SSO</body></html>' },
      /Argo CD's answer could not be read \(.*something that is not JSON/,
    ],
    [
      'a null body',
      { status: 200, type: 'application/json', body: 'null' },
      /Argo CD's answer could not be read \(.*not an Argo CD application: the body \(null\)/,
    ],
    [
      'status.conditions as an object',
      {
        status: 200,
        type: 'application/json',
        body: JSON.stringify({ status: { conditions: { type: 'SyncError' } } }),
      },
      /Argo CD's answer could not be read \(.*status\.conditions is not what Argo CD sends/,
    ],
  ]

  test.each(cases)('%s: nothing is reverted, the deployment ends error', async (_name, answer, reason) => {
    replacement = answer
    try {
      const { result } = await deploy(`5.0.${answer.status}${answer.body.length}`, {
        'argocd-server': proxyUrl,
        'on-failure': 'revert',
        environment: 'production',
        'verify-timeout': '4s',
      })
      expect(result.exitCode).toBe(1)
      const commit = result.outputs['commit-sha']!
      expect(commit).toMatch(/^[0-9a-f]{40}$/)
      // Our commit stays: no revert commit on top of it.
      expect(await stack.github.headSha('main')).toBe(commit)
      expect(result.outputs['reverted-commit-sha']).toBe('')
      expect(result.outputs.verified).toBe('false')
      expect(result.outputs.health).toBe('Unknown')
      expect(result.errors).toHaveLength(1)
      expect(result.errors[0]).toMatch(reason)
      expect(result.errors[0]).toMatch(/; nothing was reverted\.$/)
      expect(result.errors[0]).not.toMatch(/TypeError/)
      expect(result.log).not.toMatch(/TypeError/)

      const id = result.outputs['deployment-id']!
      expect(deploymentStatuses(id).map((s) => s.state)).toEqual(['in_progress', 'error'])
    } finally {
      replacement = undefined
    }
  })

  test('the rejected token case: Argo CD itself had deployed the commit', async () => {
    replacement = { status: 401, type: 'application/json', body: grpc('invalid session', 16) }
    try {
      const { result, digest } = await deploy('5.1.0', {
        'argocd-server': proxyUrl,
        'on-failure': 'revert',
        'verify-timeout': '4s',
      })
      expect(argo.readyAt.has(result.outputs['commit-sha']!)).toBe(true)
      expect(await stack.github.readFile('main', DEPLOYMENT)).toContain(digest)
      expect(result.errors[0]).toContain('nothing was reverted')
    } finally {
      replacement = undefined
    }
  })
})

describe('what Argo CD says is checked, not trusted', () => {
  test('"main" as the sync revision proves nothing: the wait times out', async () => {
    rewrite = (app) => {
      app.status.sync.revision = 'main'
      const operation = app.status.operationState
      if (operation?.syncResult) operation.syncResult.revision = 'main'
      if (operation?.operation?.sync) operation.operation.sync.revision = 'main'
    }
    try {
      const { result } = await deploy('5.2.0', { 'argocd-server': proxyUrl, 'verify-timeout': '4s' })
      expect(result.exitCode).toBe(1)
      expect(result.outputs.verified).toBe('false')
      expect(result.outputs['synced-revision']).toBe('')
      expect(result.errors[0]).toContain(
        'Argo CD reports revision "main", which is not a commit SHA and proves nothing',
      )
    } finally {
      rewrite = undefined
    }
  })
})

/** Workflow commands a server tries to slip into the log, each ending in a marker. */
const INJECTED =
  [
    'session expired',
    '::warning::pwned-1',
    '::add-mask::pwned-2',
    '  ::set-output name=verified::pwned-3',
    '##[set-output name=health;]pwned-4',
    '::error file=x::pwned-5 %0A::notice::pwned-6',
  ].join('\r\n') + '\r::stop-commands::pwned-7\n'

/** Every line of the output the runner would take for a command, with its data. */
function commands(stdout: string): string[] {
  return stdout.split(/\r\n|\r|\n/).filter((line) => line.trimStart().startsWith('::') || line.includes('##['))
}

function expectNoInjectedCommand(stdout: string): void {
  const injected = commands(stdout).filter(
    (line) => line.includes('##[') || /^\s*::[a-z-]+(?: [^:]*)?::\s*pwned/.test(line),
  )
  expect(injected).toEqual([])
  // The words are still there to read, as text.
  expect(stdout).toContain('pwned-1')
}

describe('workflow commands in what servers say', () => {
  test('an Argo CD error message with command lines stays text', async () => {
    replacement = { status: 401, type: 'application/json', body: grpc(INJECTED, 16) }
    try {
      const { result } = await deploy('5.3.0', { 'argocd-server': proxyUrl, 'verify-timeout': '3s' })
      expect(result.exitCode).toBe(1)
      expectNoInjectedCommand(result.stdout)
      expect(result.masks.some((mask) => mask.includes('pwned'))).toBe(false)
      expect(result.outputs.verified).toBe('false')
    } finally {
      replacement = undefined
    }
  })

  test('a smoke-test body with command lines stays text', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' })
      res.end(INJECTED)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`
      const { result } = await deploy('5.4.0', { 'smoke-test-url': url, 'smoke-test-timeout': '2s' })
      expect(result.exitCode).toBe(1)
      expectNoInjectedCommand(result.stdout)
      expect(result.outputs.health).toBe('Healthy')
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
