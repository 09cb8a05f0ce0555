// Requests through a forward proxy with undici: one ProxyAgent per proxy, shared by the registry
// transport (src/registry/http.ts) and `fetchThrough` for the fetch-based clients. In a module of
// its own so that fetch users load undici only when a proxy is configured (src/net/proxy.ts
// imports this lazily).
import { ProxyAgent, fetch as undiciFetch } from 'undici'

/** Parallel connections per origin through a proxy, as the layer uploads of a push need. */
const CONNECTIONS = 16

const dispatchers = new Map<string, ProxyAgent>()

/**
 * The dispatcher for `proxy`: plain http goes to it in absolute form (`GET http://host/path`),
 * https (always) through CONNECT with TLS to the server inside the tunnel. Credentials in the
 * proxy URL become its Proxy-Authorization header.
 */
export function proxyDispatcher(proxy: URL): ProxyAgent {
  let dispatcher = dispatchers.get(proxy.href)
  if (dispatcher === undefined) {
    dispatcher = new ProxyAgent({ uri: proxy.href, proxyTunnel: false, connections: CONNECTIONS })
    dispatchers.set(proxy.href, dispatcher)
  }
  return dispatcher
}

export function fetchThrough(proxy: URL, input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> {
  // undici's own fetch takes its own dispatcher; the platform fetch may bundle another undici.
  return undiciFetch(input as Parameters<typeof undiciFetch>[0], {
    ...(init as Parameters<typeof undiciFetch>[1]),
    dispatcher: proxyDispatcher(proxy),
  }) as unknown as Promise<Response>
}
