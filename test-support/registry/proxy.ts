// The front door the action talks to: streams every request to the real registry
// (bodies are never buffered: layers can be hundreds of MB), serves the token endpoint
// on the same host as Artifact Registry does, and plays the failures a real registry
// shows: injected 5xx / connection resets, revoked tokens, challenges without `service`.
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { tokenId } from './signing.js'

/** Rules match every request the proxy gets, token requests (`/v2/token`) included: give a `path`. */
export interface FaultRule {
  method?: string
  path?: RegExp
  /** How many matching requests fail; default 1. `Infinity` keeps failing. */
  times?: number
  /** Status to answer, default 502. */
  status?: number
  /** Destroy the connection instead of answering. */
  reset?: boolean
}

export interface RequestRecord {
  readonly method: string
  /** Path with query string, as received. */
  readonly path: string
  /** Status answered; 0 when the connection was reset or broke. */
  status: number
}

export interface ChallengeInfo {
  readonly realm: string
  readonly service: string
}

export interface ProxyOptions {
  /** Requests to this path are answered locally (the token endpoint), not forwarded. */
  readonly localPath?: string
  readonly localHandler?: (req: IncomingMessage, res: ServerResponse) => Promise<void>
  readonly challenge?: ChallengeInfo
  readonly omitService: boolean
  /** Token ids the proxy answers with 401, as if they had expired. */
  readonly revoked: ReadonlySet<string>
}

export class RegistryProxy {
  readonly requests: RequestRecord[] = []
  private readonly faults: (FaultRule & { remaining: number })[] = []
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 })
  private readonly server: Server
  private upstream = ''

  constructor(private readonly options: ProxyOptions) {
    // Bigger stream buffers than the 16 KB default: fewer, larger chunks on multi-hundred-MB uploads.
    this.server = createServer({ highWaterMark: 1024 * 1024 }, (req, res) => this.handle(req, res))
    // Slow uploads of large layers must not be cut off by Node's default request timeout.
    this.server.requestTimeout = 0
    this.server.headersTimeout = 60_000
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(0, '127.0.0.1', () => resolve())
    })
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  /** Where requests go: the real registry's `host:port`, known only after it started. */
  setUpstream(host: string): void {
    this.upstream = host
  }

  injectFault(rule: FaultRule): void {
    this.faults.push({ ...rule, remaining: rule.times ?? 1 })
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.agent.destroy()
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const record: RequestRecord = { method: req.method ?? 'GET', path: req.url ?? '/', status: 0 }
    this.requests.push(record)
    res.on('finish', () => {
      record.status = res.statusCode
    })

    const fault = this.takeFault(record)
    if (fault !== undefined) {
      if (fault.reset === true) {
        req.socket.destroy()
        return
      }
      req.resume()
      sendError(res, fault.status ?? 502, 'UNAVAILABLE', 'injected fault')
      return
    }

    const pathname = record.path.split('?')[0]
    if (this.options.localHandler !== undefined && pathname === this.options.localPath) {
      this.options.localHandler(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendError(res, 500, 'UNKNOWN', String(error))
        else res.destroy()
      })
      return
    }

    if (this.isRevoked(req.headers.authorization)) {
      req.resume()
      res.setHeader('www-authenticate', this.revokedChallenge(record))
      sendError(res, 401, 'UNAUTHORIZED', 'authentication required')
      return
    }

    this.forward(req, res)
  }

  private takeFault(record: RequestRecord): FaultRule | undefined {
    const fault = this.faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.method === undefined || f.method.toUpperCase() === record.method) &&
        (f.path === undefined || f.path.test(record.path)),
    )
    if (fault !== undefined) fault.remaining -= 1
    return fault
  }

  private isRevoked(authorization: string | undefined): boolean {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')
    if (match === null) return false
    const jti = tokenId(match[1] ?? '')
    return jti !== undefined && this.options.revoked.has(jti)
  }

  /** The challenge the registry itself sends for an expired token on this path. */
  private revokedChallenge(record: RequestRecord): string {
    const challenge = this.options.challenge
    if (challenge === undefined) return 'Bearer'
    const params = [`realm="${challenge.realm}"`]
    if (!this.options.omitService) params.push(`service="${challenge.service}"`)
    const name = /^\/v2\/(.+?)\/(?:manifests|blobs|tags)\//.exec(record.path)?.[1]
    if (name !== undefined) {
      const actions = record.method === 'GET' || record.method === 'HEAD' ? 'pull' : 'pull,push'
      params.push(`scope="repository:${name}:${actions}"`)
    }
    params.push('error="invalid_token"')
    return `Bearer ${params.join(',')}`
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const [hostname, port] = this.upstream.split(':')
    const upstreamReq = httpRequest({
      host: hostname,
      port: Number(port),
      method: req.method,
      path: req.url,
      // The Host header stays the proxy's, so the registry builds upload Locations for it.
      headers: withoutHopByHop(req.headers),
      agent: this.agent,
    })
    upstreamReq.on('response', (upstreamRes) => {
      const headers = withoutHopByHop(upstreamRes.headers)
      const location = headers.location
      if (typeof location === 'string')
        headers.location = location.replace(`//${this.upstream}/`, `//${req.headers.host ?? ''}/`)
      const challenge = headers['www-authenticate']
      if (typeof challenge === 'string' && this.options.omitService)
        headers['www-authenticate'] = dropService(challenge)
      res.writeHead(upstreamRes.statusCode ?? 502, headers)
      upstreamRes.pipe(res)
      upstreamRes.on('error', () => res.destroy())
    })
    upstreamReq.on('error', (error) => {
      if (!res.headersSent) sendError(res, 502, 'UNAVAILABLE', `registry unreachable: ${error.message}`)
      else res.destroy()
    })
    req.on('error', () => upstreamReq.destroy())
    res.on('close', () => {
      if (!res.writableFinished) upstreamReq.destroy()
    })
    req.pipe(upstreamReq)
  }
}

export function dropService(challenge: string): string {
  return challenge.replace(/,?\s*service="[^"]*"/, '').replace(/^(Bearer)\s*,\s*/i, '$1 ')
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
])

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {}
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name)) out[name] = value
  }
  return out
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify({ errors: [{ code, message }] }))
}
