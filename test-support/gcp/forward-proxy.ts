// A small forward proxy on loopback, as HTTPS_PROXY / HTTP_PROXY of a test run: it forwards
// absolute-form requests (`GET http://host:port/path`) and tunnels CONNECT, and writes down
// every request it carried. Inside a CONNECT tunnel to a plain-HTTP stand-in it reads the
// request lines as they pass, so a test can tell which requests went through it.
import { createServer, request as httpRequest, type Server } from 'node:http'
import { type AddressInfo, type Socket, connect } from 'node:net'

export interface ProxiedRequest {
  /** How the request reached the proxy. */
  readonly via: 'absolute-form' | 'connect'
  /** `host:port` of the target. */
  readonly target: string
  readonly method: string
  /** Path and query as sent to the target (within a tunnel: as far as the request line shows). */
  readonly path: string
}

export interface ForwardProxy {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string
  /** Every request carried, oldest first. */
  readonly requests: ProxiedRequest[]
  /** CONNECT tunnels opened, by target. */
  readonly tunnels: string[]
  /** Requests to `host:port` (path without the query). */
  to(target: string): { method: string; path: string }[]
  close(): Promise<void>
}

const REQUEST_LINE = /(?:^|\r\n)(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\S+) HTTP\/1\.[01]\r\n/g

export async function startForwardProxy(): Promise<ForwardProxy> {
  const requests: ProxiedRequest[] = []
  const tunnels: string[] = []
  const sockets = new Set<Socket>()

  const server: Server = createServer((req, res) => {
    let target: URL
    try {
      target = new URL(req.url ?? '')
    } catch {
      res.writeHead(400).end('absolute-form request expected')
      return
    }
    requests.push({
      via: 'absolute-form',
      target: target.host,
      method: req.method ?? 'GET',
      path: target.pathname + target.search,
    })
    const upstream = httpRequest(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })

  server.on('connect', (req, client: Socket, head: Buffer) => {
    const target = req.url ?? ''
    tunnels.push(target)
    const [host = '', port = '443'] = target.split(/:(?=\d+$)/)
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      client.pipe(upstream)
      upstream.pipe(client)
    })
    sockets.add(client).add(upstream)
    // Request lines in the tunnel (plain HTTP to the stand-ins); a line cut by a chunk border
    // is found once the rest arrives.
    let pending = head.toString('latin1')
    const scan = (): void => {
      let consumed = 0
      for (const match of pending.matchAll(REQUEST_LINE)) {
        requests.push({ via: 'connect', target, method: match[1]!, path: match[2]! })
        consumed = match.index + match[0].length
      }
      pending = pending.slice(Math.max(consumed, pending.length - 4096))
    }
    scan()
    client.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1')
      scan()
    })
    const end = (): void => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    tunnels,
    to: (target) =>
      requests.filter((r) => r.target === target).map((r) => ({ method: r.method, path: r.path.split('?')[0]! })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
