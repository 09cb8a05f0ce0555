// One HTTP exchange over node:http/https with keep-alive sockets. Request bodies are either a
// small Buffer or an async sequence of chunks written with back-pressure, so a layer of any size
// passes through in 64 KiB pieces; response bodies are small (manifests, errors, tokens) and capped.
import type * as http from 'node:http'
import { type Route, routeFor } from '../net/node-proxy.js'
import { networkErrorCode } from '../net/retry.js'

export interface StreamBody {
  readonly length: number
  readonly chunks: AsyncIterable<Buffer>
}

export interface HttpRequest {
  readonly method: string
  readonly url: URL
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: Buffer | StreamBody
  /** Larger response bodies fail the request: nothing we read legitimately is big. */
  readonly maxResponseBytes?: number
  /** Idle time (no bytes either way) after which the request is abandoned. */
  readonly timeoutMs?: number
  /**
   * Time, from the end of the request body, for the whole answer to arrive: a server that drips
   * its headers or body a byte at a time is never idle, but is abandoned after this.
   */
  readonly answerTimeoutMs?: number
}

export interface HttpResponse {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: Buffer
}

/** A network-level failure (reset, refused, timeout); `code` makes it transient for `transientFailure`. */
export class NetworkError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'NetworkError'
  }
}

const DEFAULT_MAX_RESPONSE = 8 * 1024 * 1024
const DEFAULT_TIMEOUT_MS = 120_000
const DEFAULT_ANSWER_TIMEOUT_MS = 30_000

export function send(request: HttpRequest): Promise<HttpResponse> {
  const { url, method } = request
  // Directly or through the runner's proxy, with keep-alive sockets either way: a push makes
  // hundreds of small requests to one host.
  let route: Route
  try {
    route = routeFor(url)
  } catch (error) {
    return Promise.reject(error as Error)
  }
  const body = request.body
  const headers: Record<string, string> = { ...(route.options.headers as Record<string, string>), ...request.headers }
  if (body !== undefined) headers['content-length'] = String(body.length)
  const limit = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE

  const answerTimeoutMs = request.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false
    let answerTimer: NodeJS.Timeout | undefined
    const fail = (error: unknown): void => {
      if (settled) return
      settled = true
      clearTimeout(answerTimer)
      req.destroy()
      reject(asNetworkError(error, method, url))
    }

    const req = route.transport.request({ ...route.options, method, headers })
    req.setTimeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => {
      fail(
        Object.assign(new Error(`no response within ${(request.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s`), {
          code: 'ETIMEDOUT',
        }),
      )
    })
    req.on('error', fail)
    req.on('finish', () => {
      answerTimer = setTimeout(() => {
        fail(
          Object.assign(
            new Error(`no complete answer within ${Number((answerTimeoutMs / 1000).toFixed(1))} s of the request`),
            {
              code: 'ETIMEDOUT',
            },
          ),
        )
      }, answerTimeoutMs)
    })
    req.on('response', (res) => {
      const pieces: Buffer[] = []
      let received = 0
      res.on('data', (piece: Buffer) => {
        received += piece.length
        if (received > limit) {
          fail(new Error(`response body larger than ${limit} bytes`))
          res.destroy()
          return
        }
        pieces.push(piece)
      })
      res.on('error', fail)
      res.on('end', () => {
        if (settled) return
        settled = true
        clearTimeout(answerTimer)
        // A server that answered before reading the whole body (an early 4xx) leaves the
        // socket mid-request: it cannot be reused.
        if (!req.writableFinished) req.destroy()
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(pieces) })
      })
    })

    if (body === undefined) {
      req.end()
    } else if (Buffer.isBuffer(body)) {
      req.end(body)
    } else {
      writeChunks(req, body).catch(fail)
    }
  })
}

async function writeChunks(req: http.ClientRequest, body: StreamBody): Promise<void> {
  let sent = 0
  for await (const chunk of body.chunks) {
    if (req.destroyed || req.writableEnded) return
    sent += chunk.length
    if (sent > body.length) throw new Error(`request body longer than the declared ${body.length} bytes`)
    // Written out before the next chunk is read: sources reuse their buffer (file-chunks.ts).
    await written(req, chunk)
  }
  if (sent !== body.length) throw new Error(`request body ended after ${sent} of ${body.length} bytes`)
  if (!req.destroyed) req.end()
}

function written(req: http.ClientRequest, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      req.off('close', done)
      resolve()
    }
    // A closed request never calls back; the response/error handler reports why.
    req.once('close', done)
    req.write(chunk, () => done())
  })
}

function asNetworkError(error: unknown, method: string, url: URL): Error {
  if (error instanceof NetworkError) return error
  // Duck-typed: errors from Node internals may come from another realm (test runners' VMs).
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string')
    return new Error(String(error))
  const code = (error as NodeJS.ErrnoException).code
  const message = (error as Error).message
  if (networkErrorCode(error) !== undefined || /socket hang up/i.test(message)) {
    // The path is enough to say what failed; query strings of upload URLs carry opaque state.
    return new NetworkError(`${method} ${url.host}${url.pathname}: ${message}`, code ?? 'ECONNRESET', { cause: error })
  }
  return error as Error
}

/** One header value: Node joins repeated headers except `set-cookie`, so strings suffice. */
export function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}
