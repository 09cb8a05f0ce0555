// Loopback HTTP plumbing shared by the Google Cloud stand-ins: body reading, JSON answers and
// injected faults (an HTTP status or a connection reset) for the next N requests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** An HTTP status to answer with, or 'reset' to destroy the connection without an answer. */
export type Fault = number | 'reset'

export class FaultQueue {
  #queue: Fault[] = []

  /** The next `count` requests fail with `fault` instead of reaching the handler. */
  failNext(count: number, fault: Fault): void {
    for (let i = 0; i < count; i++) this.#queue.push(fault)
  }

  take(): Fault | undefined {
    return this.#queue.shift()
  }

  get pending(): number {
    return this.#queue.length
  }

  clear(): void {
    this.#queue = []
  }
}

export interface LoopbackServer {
  readonly url: string
  close(): Promise<void>
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>

const MAX_BODY = 1024 * 1024

/**
 * Starts `handler` on 127.0.0.1 with a free port. Faults are taken before the body is read,
 * like a load balancer that drops the request; `onFault` sees each one for the request log.
 */
export async function startLoopbackServer(
  handler: Handler,
  faults: FaultQueue,
  onFault: (req: IncomingMessage, fault: Fault) => void,
): Promise<LoopbackServer> {
  const server: Server = createServer((req, res) => {
    const fault = faults.take()
    if (fault !== undefined) {
      onFault(req, fault)
      if (fault === 'reset') {
        req.socket.destroy()
      } else {
        req.resume()
        sendGoogleError(res, fault, faultMessage(fault), faultStatus(fault))
      }
      return
    }
    readBody(req)
      .then((body) => handler(req, res, body))
      .catch((error: unknown) => {
        if (!res.headersSent) sendGoogleError(res, 500, `stand-in failure: ${String(error)}`, 'INTERNAL')
        else res.destroy()
      })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new Error('request body too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  })
  res.end(text)
}

/** The error body Google's JSON APIs send (google.rpc.Status inside `error`). */
export function sendGoogleError(
  res: ServerResponse,
  code: number,
  message: string,
  status: string,
  details?: unknown[],
): void {
  sendJson(res, code, { error: { code, message, status, ...(details && { details }) } })
}

/** Bearer token of the request, if any. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')
  return match?.[1]
}

/** Request path without the query, for logs: queries can carry secrets elsewhere. */
export function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://stand-in').pathname
}

function faultStatus(code: number): string {
  if (code === 429) return 'RESOURCE_EXHAUSTED'
  if (code === 408 || code === 504) return 'DEADLINE_EXCEEDED'
  if (code === 503) return 'UNAVAILABLE'
  if (code >= 500) return 'INTERNAL'
  return 'FAILED_PRECONDITION'
}

function faultMessage(code: number): string {
  if (code === 503) return 'The service is currently unavailable.'
  if (code === 429) return 'Quota exceeded.'
  return `Injected fault ${code}.`
}
