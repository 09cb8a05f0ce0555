// The client's retry behaviour against a scripted HTTP server: which answers are retried,
// how often, and what the log says (never the token).
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createGitHubClient } from '../../src/gitops/client.js'

type Answer = (req: IncomingMessage, res: ServerResponse) => void

const TOKEN = 'ghs_clienttesttoken0123456789'
let server: Server
let apiUrl: string
let script: Answer[] = []
let seen: { method: string; url: string; headers: IncomingMessage['headers'] }[] = []
let output: string[] = []

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Answer =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    res.end(JSON.stringify(body))
  }
const ok = json(200, { default_branch: 'main' })

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
    const answer = script.shift() ?? ok
    req.resume()
    req.on('end', () => answer(req, res))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

let write: { mockRestore(): void } | undefined

afterEach(() => {
  write?.mockRestore()
  write = undefined
})

function start(answers: Answer[], options: { requestTimeoutMs?: number } = {}) {
  script = [...answers]
  seen = []
  output = []
  write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk))
    return true
  })
  return createGitHubClient(TOKEN, apiUrl, { retryBaseMs: 1, retryAfterUnitMs: 5, ...options })
}

describe('createGitHubClient', () => {
  test('sends the token only as a header and identifies itself', async () => {
    const client = start([ok])
    const { data } = await client.rest.repos.get({ owner: 'acme', repo: 'gitops' })
    expect(data.default_branch).toBe('main')
    expect(seen).toHaveLength(1)
    expect(seen[0]?.headers['authorization']).toBe(`token ${TOKEN}`)
    expect(seen[0]?.headers['user-agent']).toMatch(/^gitops-deploy-action /)
    expect(output.join('')).not.toContain(TOKEN)
  })

  test('retries 5xx answers with a short backoff and logs method and path only', async () => {
    const client = start([json(502, { message: 'Bad Gateway' }), json(503, { message: 'Unavailable' }), ok])
    await client.rest.repos.get({ owner: 'acme', repo: 'gitops' })
    expect(seen).toHaveLength(3)
    const log = output.join('')
    expect(log).toContain('GET /repos/acme/gitops failed: HTTP 502')
    expect(log).toContain('Retrying GET /repos/acme/gitops (attempt 3)')
    expect(log).not.toContain(TOKEN)
    expect(log).not.toMatch(/authorization/i)
  })

  test('a request left without an answer times out and is retried', async () => {
    const silent: Answer = () => undefined // never answers: a hung connection
    const client = start([silent, ok], { requestTimeoutMs: 200 })
    const { data } = await client.rest.repos.get({ owner: 'acme', repo: 'gitops' })
    expect(data.default_branch).toBe('main')
    expect(seen).toHaveLength(2)
    expect(output.join('')).toContain('Retrying GET /repos/acme/gitops (attempt 2)')
  })

  test('gives up after a few 5xx answers', async () => {
    const client = start(Array.from({ length: 10 }, () => json(500, { message: 'boom' })))
    await expect(client.rest.repos.get({ owner: 'acme', repo: 'gitops' })).rejects.toMatchObject({ status: 500 })
    expect(seen).toHaveLength(4)
  })

  test('retries network errors', async () => {
    const client = start([(req) => req.socket.destroy(), ok])
    await client.rest.repos.get({ owner: 'acme', repo: 'gitops' })
    expect(seen).toHaveLength(2)
    expect(output.join('')).toContain('Retrying GET /repos/acme/gitops (attempt 2)')
  })

  test('honours a secondary rate limit with retry-after', async () => {
    const limited = json(
      403,
      { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' },
      { 'retry-after': '1' },
    )
    const client = start([limited, ok])
    await client.rest.repos.get({ owner: 'acme', repo: 'gitops' })
    expect(seen).toHaveLength(2)
    expect(output.join('')).toMatch(
      /::warning::GitHub secondary rate limit on GET \/repos\/acme\/gitops; retrying in 1s/,
    )
  })

  test('honours retry-after on a bare 429', async () => {
    const client = start([json(429, { message: 'Too Many Requests' }, { 'retry-after': '2' }), ok])
    await client.rest.repos.get({ owner: 'acme', repo: 'gitops' })
    expect(seen).toHaveLength(2)
  })

  test('does not wait for a rate limit that lasts longer than a job should idle', async () => {
    const client = start([
      json(403, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '3600' }),
    ])
    await expect(client.rest.repos.get({ owner: 'acme', repo: 'gitops' })).rejects.toMatchObject({ status: 403 })
    expect(seen).toHaveLength(1)
  })

  test.each([404, 422, 401, 403])('does not retry %i', async (status) => {
    const client = start([json(status, { message: 'nope' })])
    await expect(client.rest.repos.get({ owner: 'acme', repo: 'gitops' })).rejects.toMatchObject({ status })
    expect(seen).toHaveLength(1)
    expect(output.join('')).not.toContain('nope')
  })
})
