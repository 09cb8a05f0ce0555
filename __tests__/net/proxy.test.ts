// Which requests go through the proxy (NO_PROXY, either-case variables, http vs https), and the
// two node:http routes through a real forward proxy: absolute-form for http, CONNECT for https.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { type IncomingMessage, createServer as createHttpServer, request as httpRequest } from 'node:http'
import { type Server, createServer as createHttpsServer, request as httpsRequest } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { TunnelAgent, routeFor } from '../../src/net/node-proxy.js'
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

describe('routeFor', () => {
  test('direct, absolute-form through the proxy, or a CONNECT tunnel', () => {
    const env = { HTTP_PROXY: 'http://u:pw@proxy.test:3128', HTTPS_PROXY: 'http://proxy.test:3128', NO_PROXY: 'near' }
    const direct = routeFor(new URL('http://near:5000/v2/?a=1'), env)
    expect(direct.options).toMatchObject({ hostname: 'near', port: '5000', path: '/v2/?a=1' })
    const forwarded = routeFor(new URL('http://far:5000/v2/x?a=1'), env)
    expect(forwarded.options).toMatchObject({
      hostname: 'proxy.test',
      port: '3128',
      path: 'http://far:5000/v2/x?a=1',
      headers: { host: 'far:5000', 'proxy-authorization': `Basic ${Buffer.from('u:pw').toString('base64')}` },
    })
    const tunnelled = routeFor(new URL('https://far/v2/'), env)
    expect(tunnelled.options).toMatchObject({ hostname: 'far', port: 443, path: '/v2/', servername: 'far' })
    expect(tunnelled.options.agent).toBeInstanceOf(TunnelAgent)
  })
})

describe('through tinyproxy', () => {
  let proxy: Tinyproxy
  let plain: ReturnType<typeof createHttpServer>
  let secure: Server
  let certDir: string
  let ca: Buffer
  const seen: { method: string; url: string; via: string }[] = []
  const answer = (req: IncomingMessage, res: import('node:http').ServerResponse): void => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', via: String(req.headers.via ?? '') })
    res.end(`hello ${req.url}`)
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

  const body = (res: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      let text = ''
      res.on('data', (chunk: Buffer) => (text += chunk.toString()))
      res.on('end', () => resolve(text))
      res.on('error', reject)
    })

  test('plain http goes to the proxy in absolute form', async () => {
    const url = new URL(`http://127.0.0.1:${portOf(plain)}/v2/abs?x=1`)
    const route = routeFor(url, { HTTP_PROXY: proxy.url })
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      route.transport
        .request({ ...route.options, method: 'GET' }, resolve)
        .on('error', reject)
        .end(),
    )
    expect(await body(res)).toBe('hello /v2/abs?x=1')
    expect(seen.at(-1)?.via).toMatch(/tinyproxy/)
    expect(await proxy.requests()).toContainEqual({ method: 'GET', authority: url.host, path: '/v2/abs?x=1' })
  })

  test('https goes through a CONNECT tunnel with TLS to the server, kept alive', async () => {
    const port = portOf(secure)
    const agent = new TunnelAgent(new URL(proxy.url), { keepAlive: true, ca })
    const get = (p: string) =>
      new Promise<IncomingMessage>((resolve, reject) =>
        httpsRequest({ hostname: '127.0.0.1', port, path: p, agent }, resolve).on('error', reject).end(),
      )
    expect(await body(await get('/one'))).toBe('hello /one')
    expect(await body(await get('/two'))).toBe('hello /two')
    agent.destroy()
    // The proxy saw one tunnel, not the requests inside it.
    const tunnels = (await proxy.requests()).filter((r) => r.method === 'CONNECT')
    expect(tunnels).toEqual([{ method: 'CONNECT', authority: `127.0.0.1:${port}`, path: '' }])
    expect(seen.filter((s) => s.url === '/one' || s.url === '/two').map((s) => s.via)).toEqual(['', ''])
  })

  test('a CONNECT the proxy refuses fails with its status', async () => {
    const agent = new TunnelAgent(new URL(proxy.url), { ca })
    const failure = new Promise<Error>((resolve) =>
      httpsRequest({ hostname: '127.0.0.1', port: portOf(plain), path: '/', agent }, () =>
        resolve(new Error('answered')),
      )
        .on('error', resolve)
        .end(),
    )
    expect((await failure).message).toMatch(/answered HTTP 403 to CONNECT 127\.0\.0\.1:\d+/)
    agent.destroy()
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

  test('an http request with a body goes through intact', async () => {
    const url = new URL(`http://127.0.0.1:${portOf(plain)}/upload`)
    const route = routeFor(url, { HTTP_PROXY: proxy.url })
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      httpRequest(
        { ...route.options, method: 'PUT', headers: { ...route.options.headers, 'content-length': '5' } },
        resolve,
      )
        .on('error', reject)
        .end('bytes'),
    )
    expect(await body(res)).toBe('hello /upload')
    expect(seen.at(-1)).toMatchObject({ method: 'PUT', url: '/upload' })
  })
})
