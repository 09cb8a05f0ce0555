// Outgoing HTTP honours the runner's proxy settings, as the official actions do:
// HTTPS_PROXY / HTTP_PROXY (either case) unless NO_PROXY matches the host. `proxyFor` is the
// one place that decides; every transport asks it (fetch for GitHub, Google and Argo CD; undici's
// request for the registry, src/registry/http.ts), and both go through undici's ProxyAgent
// (src/net/undici-proxy.ts), so they all agree.
//
// NO_PROXY is parsed here rather than by undici's EnvHttpProxyAgent because their rules differ
// where users notice: runners (@actions/http-client) let `github.com` also exempt `api.github.com`,
// undici only the host itself; undici reads the variables once per agent, tests and runs change
// them. Loopback hosts are not exempt by themselves (unlike @actions/http-client): NO_PROXY says so
// when it should, which lets the tests send loopback stand-ins through a real proxy.
import { isIP } from 'node:net'

type Env = Readonly<Record<string, string | undefined>>

/** The lower-case variable wins, as in curl; an empty one counts as unset. */
function variable(env: Env, name: string): string | undefined {
  for (const key of [name.toLowerCase(), name.toUpperCase()]) {
    const value = env[key]?.trim()
    if (value) return value
  }
  return undefined
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' }

/**
 * Whether NO_PROXY exempts `url`: entries are separated by commas or spaces; `*` matches all;
 * `name`, `.name` and `*.name` match the host `name` and every host under it; `host:port`
 * (`[v6]:port` for IPv6) also requires the port, the scheme's default when the URL has none.
 * Hosts compare case-insensitively; IP addresses match exactly (no CIDR ranges).
 */
export function bypassesProxy(url: URL, env: Env = process.env): boolean {
  const noProxy = variable(env, 'no_proxy')
  if (noProxy === undefined) return false
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1')
  const port = url.port || DEFAULT_PORTS[url.protocol] || ''
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase()
    if (entry === '') continue
    if (entry === '*') return true
    const { name, port: entryPort } = parseEntry(entry)
    if (entryPort !== undefined && entryPort !== port) continue
    const domain = name.replace(/^\*?\./, '')
    if (domain === '') continue
    if (host === domain || (isIP(host) === 0 && host.endsWith(`.${domain}`))) return true
  }
  return false
}

/** `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 address (several colons, no port). */
function parseEntry(entry: string): { name: string; port?: string } {
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(entry)
  if (bracketed) return { name: bracketed[1]!, ...(bracketed[2] !== undefined && { port: bracketed[2] }) }
  if (entry.indexOf(':') !== entry.lastIndexOf(':')) return { name: entry }
  const [name = '', port] = entry.split(':')
  return { name, ...(port !== undefined && port !== '' && { port }) }
}

/** The proxy that a request to `url` goes through, or undefined for a direct connection. */
export function proxyFor(url: URL, env: Env = process.env): URL | undefined {
  if (bypassesProxy(url, env)) return undefined
  const name = url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'
  const value = variable(env, name)
  if (value === undefined) return undefined
  let proxy: URL | undefined
  try {
    proxy = new URL(value.includes('://') ? value : `http://${value}`)
  } catch {
    proxy = undefined
  }
  if (proxy === undefined || (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') || proxy.hostname === '') {
    // The value itself may hold proxy credentials: name the variable, not its value.
    throw new Error(`The ${name} environment variable is not an http(s) proxy URL; set it to http://HOST:PORT.`)
  }
  return proxy
}

/**
 * `fetch` that goes through the proxy `proxyFor` names. Without proxy variables it is the
 * platform's fetch, unchanged.
 */
export const proxiedFetch: typeof fetch = async (input, init) => {
  const proxy = proxyFor(new URL(input instanceof Request ? input.url : input.toString()))
  if (proxy === undefined) return fetch(input, init)
  // undici is loaded only when a proxy is configured: most runs never need it.
  const { fetchThrough } = await import('./undici-proxy.js')
  return fetchThrough(proxy, input, init)
}
