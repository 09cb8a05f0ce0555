// Proxy routing for clients on node:http/https (the registry transport), decided by `proxyFor`
// like every other request: plain HTTP goes to the proxy as an absolute-form request
// (`GET http://host/path`), HTTPS through a CONNECT tunnel with TLS to the server inside it, so
// the proxy never sees the bytes. Sockets are kept alive per route, in both cases.
import * as http from 'node:http'
import * as https from 'node:https'
import type { Duplex } from 'node:stream'
import * as tls from 'node:tls'
import { proxyFor } from './proxy.js'

type Env = Readonly<Record<string, string | undefined>>

export interface Route {
  /** `http` or `https`: the module whose `request` to call with `options`. */
  readonly transport: typeof http | typeof https
  /** Where to connect and what to send as the request target; merge the caller's method and headers. */
  readonly options: https.RequestOptions
}

const KEEP_ALIVE = { keepAlive: true, maxSockets: 16 }
/** A proxy that does not answer CONNECT by then is treated like a hung server. */
const CONNECT_TIMEOUT_MS = 30_000

const direct = { http: new http.Agent(KEEP_ALIVE), https: new https.Agent(KEEP_ALIVE) }
const viaProxy = new Map<string, http.Agent>()

/** How to send a request for `url`: directly, or through the proxy `proxyFor` names. */
export function routeFor(url: URL, env: Env = process.env): Route {
  const secure = url.protocol === 'https:'
  if (!secure && url.protocol !== 'http:') throw new Error(`unsupported URL scheme ${url.protocol}`)
  const target = { hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port || (secure ? 443 : 80) }
  const path = `${url.pathname}${url.search}`
  const proxy = proxyFor(url, env)
  if (proxy === undefined) {
    return {
      transport: secure ? https : http,
      options: { ...target, path, agent: secure ? direct.https : direct.http },
    }
  }
  const credentials = proxyAuthorization(proxy)
  if (secure) {
    return { transport: https, options: { ...target, path, servername: servername(url), agent: tunnel(proxy) } }
  }
  return {
    transport: proxy.protocol === 'https:' ? https : http,
    options: {
      hostname: proxy.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80),
      path: url.href.replace(/#.*$/, ''),
      // Host stays the origin's: the request is for it, the proxy only forwards it.
      headers: { host: url.host, ...(credentials !== undefined && { 'proxy-authorization': credentials }) },
      agent: forwarder(proxy),
    },
  }
}

function forwarder(proxy: URL): http.Agent {
  const key = `forward ${proxy.href}`
  let agent = viaProxy.get(key)
  if (agent === undefined) {
    agent = proxy.protocol === 'https:' ? new https.Agent(KEEP_ALIVE) : new http.Agent(KEEP_ALIVE)
    viaProxy.set(key, agent)
  }
  return agent
}

function tunnel(proxy: URL): http.Agent {
  const key = `tunnel ${proxy.href}`
  let agent = viaProxy.get(key)
  if (agent === undefined) {
    agent = new TunnelAgent(proxy, KEEP_ALIVE)
    viaProxy.set(key, agent)
  }
  return agent
}

/**
 * An https.Agent whose sockets are TLS connections inside CONNECT tunnels. Node's Agent accepts
 * a connection handed over later through the callback of `createConnection`; the pool, keep-alive
 * and per-host limits stay Node's own.
 */
export class TunnelAgent extends https.Agent {
  constructor(
    private readonly proxy: URL,
    options?: https.AgentOptions,
  ) {
    super(options)
  }

  override createConnection(
    options: tls.ConnectionOptions & { host?: string; port?: number },
    callback: (error: Error | null, socket?: Duplex) => void,
  ): undefined {
    const authority = `${bracketed(options.host ?? 'localhost')}:${options.port ?? 443}`
    const credentials = proxyAuthorization(this.proxy)
    const connect = (this.proxy.protocol === 'https:' ? https : http).request({
      hostname: this.proxy.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: this.proxy.port || (this.proxy.protocol === 'https:' ? 443 : 80),
      method: 'CONNECT',
      path: authority,
      headers: { host: authority, ...(credentials !== undefined && { 'proxy-authorization': credentials }) },
      agent: false,
    })
    let done = false
    const finish = (error: Error | null, socket?: Duplex): void => {
      if (done) return
      done = true
      callback(error, socket)
    }
    connect.setTimeout(CONNECT_TIMEOUT_MS, () =>
      connect.destroy(
        Object.assign(
          new Error(`the proxy did not answer CONNECT ${authority} within ${CONNECT_TIMEOUT_MS / 1000} s`),
          {
            code: 'ETIMEDOUT',
          },
        ),
      ),
    )
    connect.once('error', (error) => finish(error))
    connect.once('connect', (response, socket) => {
      connect.setTimeout(0)
      if (response.statusCode !== 200) {
        socket.destroy()
        finish(new Error(`the proxy ${this.proxy.host} answered HTTP ${response.statusCode} to CONNECT ${authority}`))
        return
      }
      // `host` stays: with an IP address and no SNI it is the name the certificate must carry.
      finish(null, tls.connect({ ...options, socket }))
    })
    connect.end()
    return undefined
  }
}

/** Basic credentials from `http://user:password@proxy:port`, as curl sends them. */
function proxyAuthorization(proxy: URL): string | undefined {
  if (proxy.username === '') return undefined
  const user = decodeURIComponent(proxy.username)
  const password = decodeURIComponent(proxy.password)
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
}

function bracketed(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

/** SNI takes a DNS name only, never an IP address. */
function servername(url: URL): string | undefined {
  const host = url.hostname
  return /^[\d.]+$/.test(host) || host.startsWith('[') ? undefined : host
}
