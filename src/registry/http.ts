// One HTTP exchange with the registry over undici, the HTTP stack every other client of the
// action uses: keep-alive connections (a push makes hundreds of small requests to one host),
// directly or through the runner's proxy as src/net/proxy.ts decides. Request bodies are a small
// Buffer or an async sequence of chunks that undici writes with back-pressure, so a layer of any
// size passes through in 64 KiB pieces; response bodies are small (manifests, errors, tokens) and
// capped while they stream in.
import type { IncomingHttpHeaders } from 'node:http'
import { type Readable, getDefaultHighWaterMark } from 'node:stream'
import { Agent, type Dispatcher, request as undiciRequest } from 'undici'
import { proxyFor } from '../net/proxy.js'
import { proxyDispatcher } from '../net/undici-proxy.js'
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
  readonly headers: IncomingHttpHeaders
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
/** Parallel connections per registry host, as the layer uploads of a push need. */
const CONNECTIONS = 16

let direct: Agent | undefined

/** Directly, or through the proxy `proxyFor` names (absolute-form for http, CONNECT for https). */
function dispatcherFor(url: URL): Dispatcher {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`unsupported URL scheme ${url.protocol}`)
  const proxy = proxyFor(url)
  return proxy === undefined ? (direct ??= new Agent({ connections: CONNECTIONS })) : proxyDispatcher(proxy)
}

/** Thrown inside `send` when the answer is over its size or time limit. */
class Abandoned extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message)
  }
}

export async function send(request: HttpRequest): Promise<HttpResponse> {
  const { url, method } = request
  const idleMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const answerTimeoutMs = request.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS
  const limit = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE
  const controller = new AbortController()
  let answerTimer: NodeJS.Timeout | undefined
  // The answer's clock starts once the whole request body is out (at once without a body).
  const startAnswerClock = (): void => {
    answerTimer ??= setTimeout(() => {
      const seconds = Number((answerTimeoutMs / 1000).toFixed(1))
      controller.abort(new Abandoned(`no complete answer within ${seconds} s of the request`, 'ETIMEDOUT'))
    }, answerTimeoutMs)
  }
  const body = request.body
  try {
    const headers: Record<string, string> = { ...request.headers }
    if (body !== undefined) headers['content-length'] = String(body.length)
    if (body === undefined || Buffer.isBuffer(body)) startAnswerClock()
    const response = await undiciRequest(url, {
      method: method as Dispatcher.HttpMethod,
      headers,
      ...(body !== undefined && {
        // undici writes an async iterable as it comes (its types list only Readable).
        body: Buffer.isBuffer(body)
          ? body
          : (streamed(body, startAnswerClock, controller.signal) as unknown as Readable),
      }),
      dispatcher: dispatcherFor(url),
      signal: controller.signal,
      headersTimeout: idleMs,
      bodyTimeout: idleMs,
    })
    // A server may answer before it has read the whole body (an early 4xx).
    startAnswerClock()
    const pieces: Buffer[] = []
    let received = 0
    for await (const piece of response.body as AsyncIterable<Buffer>) {
      received += piece.length
      if (received > limit) {
        controller.abort(new Abandoned(`response body larger than ${limit} bytes`))
        throw new Abandoned(`response body larger than ${limit} bytes`)
      }
      pieces.push(piece)
    }
    return {
      status: response.statusCode,
      headers: response.headers as IncomingHttpHeaders,
      body: Buffer.concat(pieces),
    }
  } catch (error) {
    throw asNetworkError(controller.signal.aborted ? (controller.signal.reason as unknown) : error, method, url)
  } finally {
    clearTimeout(answerTimer)
  }
}

/**
 * The chunks as undici writes them, checked against the declared length. Sources reuse one buffer
 * (file-chunks.ts), which is safe only once the chunk is out of the socket's buffer: undici asks
 * for the next chunk right away when the socket took one below its high-water mark, and after
 * 'drain' (the bytes handed to the kernel) otherwise. So a chunk that small is copied; a larger
 * one, every chunk of a layer, is written from the source's buffer.
 */
async function* streamed(body: StreamBody, finished: () => void, signal: AbortSignal): AsyncGenerator<Buffer> {
  const highWaterMark = getDefaultHighWaterMark(false)
  let sent = 0
  for await (const chunk of body.chunks) {
    if (signal.aborted) return
    sent += chunk.length
    if (sent > body.length) throw new Error(`request body longer than the declared ${body.length} bytes`)
    yield chunk.length <= highWaterMark ? Buffer.from(chunk) : chunk
  }
  if (sent !== body.length) throw new Error(`request body ended after ${sent} of ${body.length} bytes`)
  finished()
}

function asNetworkError(error: unknown, method: string, url: URL): Error {
  if (error instanceof NetworkError) return error
  // Duck-typed: errors from Node internals may come from another realm (test runners' VMs).
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string')
    return new Error(String(error))
  const code = (error as NodeJS.ErrnoException).code
  const message = (error as Error).message
  if (networkErrorCode(error) !== undefined || /socket hang up|other side closed/i.test(message)) {
    // The path is enough to say what failed; query strings of upload URLs carry opaque state.
    return new NetworkError(`${method} ${url.host}${url.pathname}: ${message}`, code ?? 'ECONNRESET', { cause: error })
  }
  return error as Error
}

/** One header value: repeated headers come as a list except where joined; the first counts. */
export function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}
