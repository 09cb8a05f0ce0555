// End to end through dist/index.js: credentials a server echoes are scrubbed from everything the
// run prints, and a request that carries the GitHub OIDC JWT (Google STS) never follows a
// redirect to another origin.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { useStack } from '../../test-support/e2e.js'
import { singleContainer } from '../../test-support/manifests.js'

const stack = useStack()
const servers: http.Server[] = []

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `127.0.0.1:${(server.address() as AddressInfo).port}`
}

const FILE = 'apps/backend/deployment.yaml'
const deployment = (image: string): string => singleContainer('backend', image)

/** A registry whose token endpoint echoes the Authorization header it got, as some do on errors. */
let echoingRegistry: string
/** Where a redirected STS request would land: it must never see one. */
const stolen: { method: string; body: string }[] = []
let thief: string
let redirectingSts: string

beforeAll(async () => {
  echoingRegistry = await listen((req, res) => {
    if ((req.url ?? '').startsWith('/token')) {
      res.writeHead(403, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          error: 'access_denied',
          error_description: `credentials rejected: Authorization: ${req.headers.authorization ?? '(none)'}`,
        }),
      )
      return
    }
    res.writeHead(401, {
      'content-type': 'application/json',
      'www-authenticate': `Bearer realm="http://${echoingRegistry}/token",service="${echoingRegistry}"`,
    })
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }))
  })
  thief = await listen((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    req.on('end', () => {
      stolen.push({ method: req.method ?? '', body })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({ access_token: 'stolen', issued_token_type: 'x', token_type: 'Bearer', expires_in: 3600 }),
      )
    })
  })
  redirectingSts = await listen((req, res) => {
    req.resume()
    res.writeHead(307, { location: `http://${thief}${req.url}` })
    res.end()
  })
  await stack.github.seed({
    [FILE]: deployment(`${echoingRegistry}/acme/backend:0.1.0`),
    'apps/other/deployment.yaml': deployment(`${stack.repository('acme/backend')}:0.1.0`),
  })
}, 60_000)

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
})

describe('echoed credentials', () => {
  test("the registry token endpoint's echo of the Basic header is masked", async () => {
    const result = await stack.run({
      image: `${echoingRegistry}/acme/backend:1.0.0`,
      source: 'registry',
      manifests: 'apps/',
      mode: 'push',
    })
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toContain('credentials rejected: Authorization: Basic ***')
    const issued = stack.gcp.tokens.issuedTokens()
    expect(issued.length).toBeGreaterThan(0)
    const visible = [result.log, result.stderr, result.summary].join('\n')
    for (const token of issued) {
      const basic = Buffer.from(`oauth2accesstoken:${token}`).toString('base64')
      expect(visible).not.toContain(basic)
      // …and the runner is told to hide it wherever else it shows.
      expect(result.masks).toContain(basic)
    }
    expect(stack.leakedSecrets(result)).toEqual([])
  }, 60_000)

  test('a GitHub API error quoting the token is scrubbed', async () => {
    stack.github.injectFault({
      status: 401,
      body: { message: `Bad credentials: ${stack.github.token} is not valid (ghp_${'a'.repeat(36)})` },
    })
    const result = await stack.run({
      image: `${stack.repository('acme/backend')}:1.0.0`,
      source: 'registry',
      manifests: 'apps/other/',
      mode: 'push',
    })
    stack.github.clearFaults()
    expect(result.exitCode).toBe(1)
    expect(result.errors[0]).toContain('Bad credentials: *** is not valid (***)')
    expect([result.log, result.stderr].join('\n')).not.toContain(stack.github.token)
    expect(result.log).not.toContain(`ghp_${'a'.repeat(36)}`)
    expect(stack.leakedSecrets(result)).toEqual([])
  }, 60_000)
})

describe('cross-origin redirects of credential requests', () => {
  test('an STS 307 to another origin is not followed: the JWT stays home', async () => {
    const result = await stack.run({
      image: `${stack.repository('acme/backend')}:1.0.0`,
      source: 'registry',
      manifests: 'apps/other/',
      mode: 'push',
      'sts-endpoint': `http://${redirectingSts}`,
    })
    expect(result.exitCode).toBe(1)
    expect(stolen).toEqual([])
    expect(result.errors[0]).toContain(`redirected (HTTP 3xx) to another origin, http://${thief}; not following it`)
    expect(stack.leakedSecrets(result)).toEqual([])
  }, 60_000)
})
