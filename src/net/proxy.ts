// Outgoing HTTP honours the runner's proxy settings, as the official actions do:
// HTTPS_PROXY / HTTP_PROXY (either case) unless NO_PROXY matches the host. `proxyFor` is the
// one place that decides; the transports (fetch for GitHub, Google and Argo CD; node:http for
// the registry) ask it.
import { ProxyAgent, fetch as undiciFetch } from 'undici'

type Env = Readonly<Record<string, string | undefined>>

function variable(env: Env, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()]
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' }

/**
 * Whether NO_PROXY exempts `url`: entries are separated by commas or spaces; `*` matches all;
 * `host` matches the host and its subdomains, `.domain` / `*.domain` only subdomains and the
 * domain itself; `host:port` also requires the port. Hosts compare case-insensitively.
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
    const match = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[(.*)\](:\d+)?$/, '$1$2'))!
    const [, name = '', entryPort] = match
    if (entryPort !== undefined && entryPort !== port) continue
    const domain = name.replace(/^\*?\./, '')
    if (domain === '') continue
    if (host === domain || host.endsWith(`.${domain}`)) return true
  }
  return false
}

/** The proxy that a request to `url` goes through, or undefined for a direct connection. */
export function proxyFor(url: URL, env: Env = process.env): URL | undefined {
  if (bypassesProxy(url, env)) return undefined
  const value = url.protocol === 'https:' ? variable(env, 'https_proxy') : variable(env, 'http_proxy')
  if (value === undefined) return undefined
  try {
    return new URL(value.includes('://') ? value : `http://${value}`)
  } catch {
    throw new Error(
      `The ${url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'} environment variable is not a URL; set it to http://HOST:PORT.`,
    )
  }
}

const dispatchers = new Map<string, ProxyAgent>()

/**
 * `fetch` that goes through the proxy `proxyFor` names. Without proxy variables it is the
 * platform's fetch, unchanged.
 */
export const proxiedFetch: typeof fetch = (input, init) => {
  const proxy = proxyFor(new URL(input instanceof Request ? input.url : input.toString()))
  if (proxy === undefined) return fetch(input, init)
  let dispatcher = dispatchers.get(proxy.href)
  if (dispatcher === undefined) dispatchers.set(proxy.href, (dispatcher = new ProxyAgent(proxy.href)))
  // undici's own fetch takes its own dispatcher; the platform fetch may bundle another undici.
  return undiciFetch(input as Parameters<typeof undiciFetch>[0], {
    ...(init as Parameters<typeof undiciFetch>[1]),
    dispatcher,
  }) as unknown as Promise<Response>
}
