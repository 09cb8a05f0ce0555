// fetch through a forward proxy with undici, in a module of its own so that the bundle loads
// undici only when a proxy is configured (src/net/proxy.ts imports this lazily).
import { ProxyAgent, fetch as undiciFetch } from 'undici'

const dispatchers = new Map<string, ProxyAgent>()

export function fetchThrough(proxy: URL, input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> {
  let dispatcher = dispatchers.get(proxy.href)
  if (dispatcher === undefined) {
    // Plain http goes to the proxy in absolute form, as the registry transport sends it; https
    // (always) through CONNECT.
    dispatcher = new ProxyAgent({ uri: proxy.href, proxyTunnel: false })
    dispatchers.set(proxy.href, dispatcher)
  }
  // undici's own fetch takes its own dispatcher; the platform fetch may bundle another undici.
  return undiciFetch(input as Parameters<typeof undiciFetch>[0], {
    ...(init as Parameters<typeof undiciFetch>[1]),
    dispatcher,
  }) as unknown as Promise<Response>
}
