// Which requests go through the proxy (NO_PROXY, either-case variables, http vs https), and the
// registry transport's two routes through a real forward proxy: absolute-form for http, CONNECT
// for https, with the proxy's credentials and request bodies intact.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { type IncomingMessage, createServer as createHttpServer } from 'node:http'
import { type Server, createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { send } from '../../src/registry/http.js'
import { bypassesProxy, proxiedFetch, proxyFor } from '../../src/net/proxy.js'
import { type Tinyproxy, startTinyproxy } from '../../test-support/proxy/tinyproxy.js'

describe('bypassesProxy', () => {
  test.each<[string, string, boolean]>([
    // [NO_PROXY, URL, bypassed]
    ['', 'https://api.github.com/', false],
    ['*', 'https://api.github.com/', true],
    [' * ', 'http://10.0.0.1:8080/', true],
    ['github.com', 'https://github.com/', true],
    ['github.com', 'https://api.github.com/', true],
    ['github.com', 'https://notgithub.com/', false],
    ['github.com', 'https://github.com.evil.test/', false],
    ['.github.com', 'https://api.github.com/', true],
    ['.github.com', 'https://github.com/', true],
    ['*.github.com', 'https://api.github.com/', true],
    ['*.github.com', 'https://github.com/', true],
    ['*.github.com', 'https://github.io/', false],
    ['GitHub.COM', 'https://API.github.com/', true],
    ['example.com,github.com', 'https://github.com/', true],
    ['example.com github.com', 'https://github.com/', true],
    ['example.com, ,github.com', 'https://github.com/', true],
    ['registry.test:5000', 'http://registry.test:5000/v2/', true],
    ['registry.test:5000', 'http://registry.test:5001/v2/', false],
    ['registry.test:443', 'https://registry.test/v2/', true],
    ['registry.test:80', 'https://registry.test/v2/', false],
    ['registry.test:80', 'http://registry.test/v2/', true],
    ['127.0.0.1', 'http://127.0.0.1:5000/', true],
    ['127.0.0.1:5000', 'http://127.0.0.1:5000/', true],
    ['127.0.0.1:5000', 'http://127.0.0.1:5001/', false],
    ['0.0.1', 'http://127.0.0.1/', false],
    ['::1', 'http://[::1]:5000/', true],
    ['[::1]', 'http://[::1]:5000/', true],
    ['[::1]:5000', 'http://[::1]:5000/', true],
    ['[::1]:5000', 'http://[::1]:5001/', false],
    ['::1', 'http://127.0.0.1/', false],
    ['[2001:db8::1]', 'https://[2001:DB8::1]/', true],
    ['localhost', 'http://127.0.0.1/', false],
  ])('NO_PROXY=%j, %s → %s', (noProxy, url, bypassed) => {
    expect(bypassesProxy(new URL(url), { NO_PROXY: noProxy })).toBe(bypassed)
    expect(bypassesProxy(new URL(url), { no_proxy: noProxy })).toBe(bypassed)
  })

  test('the lower-case variable wins; an empty one counts as unset', () => {
    const url = new URL('https://github.com/')
    expect(bypassesProxy(url, { no_proxy: 'example.com', NO_PROXY: 'github.com' })).toBe(false)
    expect(bypassesProxy(url, { no_proxy: '', NO_PROXY: 'github.com' })).toBe(true)
  })
})

describe('proxyFor', () => {
  test.each<[Record<string, string>, string, string | undefined]>([
    // [environment, URL, proxy]
    [{}, 'https://api.github.com/', undefined],
    [{ HTTPS_PROXY: 'http://proxy:3128' }, 'https://api.github.com/', 'http://proxy:3128/'],
    [{ https_proxy: 'http://proxy:3128' }, 'https://api.github.com/', 'http://proxy:3128/'],
    [{ HTTPS_PROXY: 'proxy:3128' }, 'https://api.github.com/', 'http://proxy:3128/'],
    [{ HTTPS_PROXY: 'http://proxy:3128' }, 'http://registry.test/', undefined],
    [{ HTTP_PROXY: 'http://plain:8080' }, 'http://registry.test/', 'http://plain:8080/'],
    [{ HTTP_PROXY: 'http://plain:8080' }, 'https://api.github.com/', undefined],
    [{ http_proxy: 'http://lower:1', HTTP_PROXY: 'http://upper:2' }, 'http://x.test/', 'http://lower:1/'],
    [{ http_proxy: ' ', HTTP_PROXY: 'http://upper:2' }, 'http://x.test/', 'http://upper:2/'],
    [{ HTTPS_PROXY: 'https://secure:8443' }, 'https://x.test/', 'https://secure:8443/'],
    [{ HTTPS_PROXY: 'http://u:p%40ss@proxy:3128' }, 'https://x.test/', 'http://u:p%40ss@proxy:3128/'],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'x.test' }, 'https://x.test/', undefined],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '*' }, 'https://x.test/', undefined],
    [{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'y.test' }, 'https://x.test/', 'http://proxy:3128/'],
  ])('%j, %s → %s', (env, url, proxy) => {
    expect(proxyFor(new URL(url), env)?.href).toBe(proxy)
  })

  test.each(['socks5://proxy:1080', 'http://', '::::'])('refuses %j, naming the variable only', (value) => {
    const secretish = { HTTPS_PROXY: value }
    expect(() => proxyFor(new URL('https://x.test/'), secretish)).toThrow(/HTTPS_PROXY environment variable/)
  })
})

/** Runs `work` with these proxy variables (both spellings), restoring the environment after. */
async function withProxyEnv<T>(vars: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const names = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']
  const saved = Object.fromEntries([...names, ...names.map((n) => n.toLowerCase())].map((n) => [n, process.env[n]]))
  for (const name of names) {
    const value = vars[name] ?? ''
    process.env[name] = value
    process.env[name.toLowerCase()] = value
  }
  try {
    return await work()
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  }
}

describe('registry requests through a proxy (undici ProxyAgent, chosen by proxyFor)', () => {
  let fakeProxy: ReturnType<typeof createHttpServer>
  const received: { method: string; url: string; auth: string }[] = []

  beforeAll(async () => {
    // Answers absolute-form requests itself, recording what a forward proxy would see.
    fakeProxy = createHttpServer((req, res) => {
      received.push({ method: req.method ?? '', url: req.url ?? '', auth: String(req.headers['proxy-authorization']) })
      res.end('from the proxy')
    })
    await new Promise<void>((resolve) => fakeProxy.listen(0, '127.0.0.1', resolve))
  })

  afterAll(async () => {
    fakeProxy.closeAllConnections()
    await new Promise((resolve) => fakeProxy.close(resolve))
  })

  test('credentials in the proxy URL become Proxy-Authorization; NO_PROXY names what goes direct', async () => {
    const port = (fakeProxy.address() as AddressInfo).port
    const answer = await withProxyEnv(
      { HTTP_PROXY: `http://u:p%40ss@127.0.0.1:${port}`, NO_PROXY: 'near.invalid' },
      () => send({ method: 'GET', url: new URL('http://far.invalid:5000/v2/x?a=1') }),
    )
    expect(answer.body.toString()).toBe('from the proxy')
    expect(received.at(-1)).toEqual({
      method: 'GET',
      url: 'http://far.invalid:5000/v2/x?a=1',
      auth: `Basic ${Buffer.from('u:p@ss').toString('base64')}`,
    })
    const direct = await withProxyEnv({ HTTP_PROXY: `http://127.0.0.1:${port}`, NO_PROXY: 'near.invalid' }, () =>
      send({ method: 'GET', url: new URL('http://near.invalid:5000/v2/') }).then(
        () => 'answered',
        (error: Error) => error.message,
      ),
    )
    // Not through the proxy: near.invalid does not resolve.
    expect(direct).toMatch(/ENOTFOUND|EAI_AGAIN/)
    expect(received).toHaveLength(1)
  })
})

describe('through tinyproxy', () => {
  let proxy: Tinyproxy
  let plain: ReturnType<typeof createHttpServer>
  let secure: Server
  let certDir: string
  let ca: Buffer
  const seen: { method: string; url: string; via: string; body: string }[] = []
  const answer = (req: IncomingMessage, res: import('node:http').ServerResponse): void => {
    let text = ''
    req.on('data', (chunk: Buffer) => (text += chunk.toString()))
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', via: String(req.headers.via ?? ''), body: text })
      res.end(`hello ${req.url}`)
    })
  }
  const portOf = (server: { address(): unknown }): number => (server.address() as AddressInfo).port

  beforeAll(async () => {
    certDir = mkdtempSync(path.join(tmpdir(), 'gda-proxy-test-'))
    execFileSync(
      'openssl',
      [
        'req',
        ...['-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'],
        ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
        ...['-keyout', path.join(certDir, 'key.pem'), '-out', path.join(certDir, 'cert.pem')],
      ],
      { stdio: 'ignore' },
    )
    ca = readFileSync(path.join(certDir, 'cert.pem'))
    plain = createHttpServer(answer)
    secure = createHttpsServer({ key: readFileSync(path.join(certDir, 'key.pem')), cert: ca }, answer)
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve))
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve))
    proxy = await startTinyproxy({ connectPorts: [portOf(secure)] })
  })

  afterAll(async () => {
    await proxy.close()
    plain.closeAllConnections()
    secure.closeAllConnections()
    await new Promise((resolve) => plain.close(resolve))
    await new Promise((resolve) => secure.close(resolve))
    rmSync(certDir, { recursive: true, force: true })
  })

  test('plain http goes to the proxy in absolute form', async () => {
    const url = new URL(`http://127.0.0.1:${portOf(plain)}/v2/abs?x=1`)
    const answer = await withProxyEnv({ HTTP_PROXY: proxy.url }, () => send({ method: 'GET', url }))
    expect(answer.body.toString()).toBe('hello /v2/abs?x=1')
    expect(seen.at(-1)?.via).toMatch(/tinyproxy/)
    expect(await proxy.requests()).toContainEqual({ method: 'GET', authority: url.host, path: '/v2/abs?x=1' })
  })

  test('https goes through a CONNECT tunnel, with TLS to the server itself', async () => {
    const port = portOf(secure)
    const failure = await withProxyEnv({ HTTPS_PROXY: proxy.url }, () =>
      send({ method: 'GET', url: new URL(`https://127.0.0.1:${port}/tunnelled`) }).then(
        () => undefined,
        (error: Error) => error,
      ),
    )
    // The server's own (self-signed) certificate arrived through the tunnel and was checked: the
    // proxy never terminates TLS. No request reached the server in clear.
    expect(`${failure?.message} ${(failure?.cause as Error | undefined)?.message}`).toMatch(
      /self[- ]signed certificate/i,
    )
    expect(await proxy.requests()).toContainEqual({ method: 'CONNECT', authority: `127.0.0.1:${port}`, path: '' })
    expect(seen.some((s) => s.url === '/tunnelled')).toBe(false)
  })

  test('a CONNECT the proxy refuses fails with its status', async () => {
    const failure = await withProxyEnv({ HTTPS_PROXY: proxy.url }, () =>
      send({ method: 'GET', url: new URL(`https://127.0.0.1:${portOf(plain)}/`) }).then(
        () => undefined,
        (error: Error) => error,
      ),
    )
    expect(String(failure?.message)).toMatch(/403/)
  })

  test('proxiedFetch goes through the proxy and honours NO_PROXY', async () => {
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY }
    const url = `http://127.0.0.1:${portOf(plain)}/fetched`
    try {
      process.env.HTTP_PROXY = proxy.url
      process.env.NO_PROXY = ''
      expect(await (await proxiedFetch(url)).text()).toBe('hello /fetched')
      expect(seen.at(-1)?.via).toMatch(/tinyproxy/)
      process.env.NO_PROXY = `127.0.0.1:${portOf(plain)}`
      expect(await (await proxiedFetch(`${url}?direct`)).text()).toBe('hello /fetched?direct')
      expect(seen.at(-1)?.via).toBe('')
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key]
        else process.env[key] = value
      }
    }
  })

  test('an http request with a body, whole or streamed, goes through intact', async () => {
    const url = new URL(`http://127.0.0.1:${portOf(plain)}/upload`)
    await withProxyEnv({ HTTP_PROXY: proxy.url }, async () => {
      const whole = await send({ method: 'PUT', url, body: Buffer.from('bytes') })
      expect(whole.body.toString()).toBe('hello /upload')
      const reused = Buffer.alloc(3)
      async function* chunks(): AsyncGenerator<Buffer> {
        for (const text of ['abc', 'def']) {
          await Promise.resolve()
          reused.write(text) // one buffer for every chunk, as file-chunks.ts reads a layer
          yield reused
        }
      }
      const streamed = await send({ method: 'PUT', url, body: { length: 6, chunks: chunks() } })
      expect(streamed.body.toString()).toBe('hello /upload')
    })
    expect(seen.slice(-2).map((s) => [s.method, s.url, s.body])).toEqual([
      ['PUT', '/upload', 'bytes'],
      ['PUT', '/upload', 'abcdef'],
    ])
  })
})
