// The transport of every Google request: retries through src/net/retry.ts (with a clock that
// does not sleep), gaxios' own retries and proxy agent off, the proxy chosen by proxiedFetch.
import { afterAll, afterEach, beforeAll, describe, expect, jest, test } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { googleTransporter, retryingFetch } from '../../src/gcp/transport.js'
import { type ForwardProxy, startForwardProxy } from '../../test-support/gcp/forward-proxy.js'
import { fakeClock } from '../../test-support/clock.js'
import { failure } from '../../test-support/failure.js'

function resetError(): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) })
}

type Step = number | 'reset'

/** A fetch that answers the scripted statuses (or resets) in turn, recording each call. */
function scripted(steps: Step[], headers: Record<string, string> = {}): typeof fetch & { calls: RequestInit[] } {
  const calls: RequestInit[] = []
  const fn = (_input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push(init ?? {})
    const step = steps[Math.min(calls.length - 1, steps.length - 1)]!
    if (step === 'reset') return Promise.reject(resetError())
    return Promise.resolve(new Response(JSON.stringify({ step: calls.length }), { status: step, headers }))
  }
  return Object.assign(fn as typeof fetch, { calls })
}

beforeAll(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})

afterAll(() => {
  jest.restoreAllMocks()
})

describe('retryingFetch', () => {
  test.each<[string, Step[], number, number | 'throws']>([
    ['a success is not retried', [200], 1, 200],
    ['STS 503 once', [503, 200], 2, 200],
    ['IAM Credentials 429 once', [429, 200], 2, 200],
    ['a connection reset (POST)', ['reset', 200], 2, 200],
    ['three resets in a row', ['reset', 'reset', 'reset', 200], 4, 200],
    ['a 400 is an answer, not a blip', [400, 200], 1, 400],
    ['a 403 is an answer', [403], 1, 403],
    ['an outage longer than the budget: the last answer', [503], 4, 503],
    ['resets longer than the budget: the last error', ['reset'], 4, 'throws'],
  ])('%s', async (_, steps, tries, outcome) => {
    const send = scripted(steps)
    const clock = fakeClock()
    const fetch = retryingFetch({ fetch: send, clock })
    const result = fetch('http://127.0.0.1:1/v1/token', { method: 'POST', body: new URLSearchParams({ a: 'b' }) })
    if (outcome === 'throws') {
      expect((await failure(result)).message).toBe('fetch failed')
    } else {
      expect((await result).status).toBe(outcome)
    }
    expect(send.calls).toHaveLength(tries)
    expect(clock.slept).toHaveLength(tries - 1)
  })

  test('waits at least what Retry-After asks', async () => {
    const send = scripted([429, 200], { 'retry-after': '7' })
    const clock = fakeClock()
    expect((await retryingFetch({ fetch: send, clock })('http://127.0.0.1:1/x')).status).toBe(200)
    expect(clock.slept[0]).toBeGreaterThanOrEqual(7000)
  })

  test('a stream body is sent once', async () => {
    const send = scripted([503, 200])
    const body = new ReadableStream({ start: (c) => c.close() })
    const response = await retryingFetch({ fetch: send, clock: fakeClock() })('http://127.0.0.1:1/x', {
      method: 'POST',
      body,
    })
    expect(response.status).toBe(503)
    expect(send.calls).toHaveLength(1)
  })

  test('each try carries a timeout signal', async () => {
    const send = scripted([200])
    await retryingFetch({ fetch: send, clock: fakeClock() })('http://127.0.0.1:1/x')
    expect(send.calls[0]!.signal).toBeInstanceOf(AbortSignal)
  })
})

describe('googleTransporter', () => {
  let server: Server
  let base: string
  let proxy: ForwardProxy
  let answers: number[] = []
  let received = 0
  let token = 'ya29.transport-test-token'
  const saved = { ...process.env }

  beforeAll(async () => {
    server = createServer((req, res) => {
      received++
      req.resume()
      const status = answers.shift() ?? 200
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(status === 200 ? { access_token: token } : { error: 'unavailable' }))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    proxy = await startForwardProxy()
  })

  afterEach(() => {
    for (const key of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'NO_PROXY', 'no_proxy']) {
      if (saved[key] === undefined) delete process.env[key]
      else process.env[key] = saved[key]
    }
    answers = []
    received = 0
    proxy.requests.length = 0
  })

  afterAll(async () => {
    await proxy.close()
    await new Promise((resolve) => server.close(resolve))
  })

  test('with HTTPS_PROXY and HTTP_PROXY set, requests go through proxiedFetch to the proxy', async () => {
    process.env.HTTPS_PROXY = proxy.url
    process.env.HTTP_PROXY = proxy.url
    delete process.env.NO_PROXY
    delete process.env.no_proxy
    const response = await googleTransporter({ clock: fakeClock() }).request<{ access_token: string }>({
      url: `${base}/v1/token`,
      method: 'POST',
      data: 'grant_type=x',
    })
    expect(response.data.access_token).toBe('ya29.transport-test-token')
    expect(proxy.to(new URL(base).host)).toEqual([{ method: 'POST', path: '/v1/token' }])
  })

  test('NO_PROXY bypasses the proxy', async () => {
    process.env.HTTP_PROXY = proxy.url
    process.env.NO_PROXY = '127.0.0.1'
    await googleTransporter({ clock: fakeClock() }).request({ url: `${base}/v1/token`, method: 'POST' })
    expect(received).toBe(1)
    expect(proxy.requests).toEqual([])
  })

  test("gaxios' own retries are off: a 503 is tried exactly as often as GOOGLE_TOKEN allows", async () => {
    answers = [503, 503, 503, 503, 503, 503, 503, 503]
    const transporter = googleTransporter({ clock: fakeClock() })
    // google-auth-library asks for gaxios retries on its token requests in the same way.
    const error = await failure(
      transporter.request({
        url: `${base}/v1/token`,
        method: 'POST',
        retry: true,
        retryConfig: { httpMethodsToRetry: ['POST'] },
      }),
    )
    expect(error.message).toMatch(/unavailable|503/)
    expect(received).toBe(4)
  })

  test('tokens in answers are masked', async () => {
    const writes: string[] = []
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk))
      return true
    })
    token = `ya29.masked-${Date.now()}`
    await googleTransporter({ clock: fakeClock() }).request({ url: `${base}/v1/token`, method: 'POST' })
    expect(writes.join('')).toContain(`::add-mask::${token}`)
  })
})
