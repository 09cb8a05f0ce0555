// The transport layer of the registry client, as go-containerregistry separates its transport
// wrappers from the protocol in remote/write.go: one operation becomes HTTP exchanges with the
// registry's token (re-authenticating once on a rejected token), redirects for reads, retries
// under REGISTRY_REQUEST with an answer deadline per try, and failures that name the operation,
// the role the job needs and never a credential. The protocol (client.ts) only says what to send.
import * as core from '@actions/core'
import { Authenticator, type RegistryCredentials } from './auth.js'
import { type Access, RegistryError, type RegistryTarget, UnauthorizedError, statusFailure, where } from './errors.js'
import { type HttpResponse, type StreamBody, header, send } from './http.js'
import { answerTimeout } from '../net/budget.js'
import { type Clock, type RetryPolicy, isTransientStatus, parseRetryAfter, retry, systemClock } from '../net/retry.js'
import { isHttpsOrLoopback, isLoopbackHost } from '../image/reference.js'
import { scrubSecrets } from '../secrets.js'

export interface Operation {
  /** Says what was being done, for errors and logs: `HEAD manifest v1`. */
  readonly name: string
  readonly method: string
  readonly url: URL
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: Buffer | StreamBody
  /** Statuses handed back to the caller; any other status throws. */
  readonly ok: readonly number[]
  /** False for one-shot stream bodies: failures throw for the caller to restart the upload. */
  readonly retry: boolean
  readonly maxResponseBytes?: number
}

export interface TransportOptions {
  readonly target: RegistryTarget
  readonly credentials?: RegistryCredentials
  readonly access: Access
  /** REGISTRY_REQUEST with the caller's overrides. */
  readonly requestPolicy: RetryPolicy
  readonly clock?: Clock
}

const MAX_REDIRECTS = 5

export class RegistryTransport {
  readonly target: RegistryTarget
  readonly origin: URL
  private readonly auth: Authenticator
  private readonly requestPolicy: RetryPolicy
  private readonly clock: Clock | undefined
  private readonly access: Access
  private readonly hasCredentials: boolean

  constructor(options: TransportOptions) {
    this.target = options.target
    // Plain HTTP only to this machine: credentials and tokens must not cross a network in clear text.
    const scheme = isLoopbackHost(options.target.registry) ? 'http' : 'https'
    this.origin = new URL(`${scheme}://${apiHost(options.target.registry)}`)
    this.requestPolicy = options.requestPolicy
    this.clock = options.clock
    this.access = options.access
    this.hasCredentials = options.credentials !== undefined
    this.auth = new Authenticator({
      target: this.target,
      origin: this.origin,
      access: this.access,
      ...(options.credentials !== undefined && { credentials: options.credentials }),
      retry: this.requestPolicy,
      ...(options.clock !== undefined && { clock: options.clock }),
    })
  }

  /** One operation with authentication and redirects, retried under REGISTRY_REQUEST where the body allows. */
  request(op: Operation): Promise<HttpResponse> {
    if (!op.retry) return this.exchange(op)
    const clock = this.clock ?? systemClock
    const deadline = clock.now() + (this.requestPolicy.deadlineMs ?? Infinity)
    return retry(() => this.exchange(op, answerTimeout(deadline, clock.now())), {
      policy: this.requestPolicy,
      onRetry: ({ attempt, reason }) =>
        core.info(
          `${where(this.target)}: ${op.name}: ${reason}, retrying (attempt ${attempt + 1} of ${this.requestPolicy.attempts})`,
        ),
      ...(this.clock !== undefined && { clock: this.clock }),
    })
  }

  /** One try: the response if its status is in `op.ok`, else a RegistryError with the status. */
  private async exchange(op: Operation, answerTimeoutMs?: number): Promise<HttpResponse> {
    let url = op.url
    let redirects = 0
    let reauthenticated = false
    for (;;) {
      // Credentials go only to the registry itself, never to a storage host it redirects to.
      const authorization = url.origin === this.origin.origin ? await this.auth.authorization() : undefined
      const headers: Record<string, string> = { ...op.headers }
      if (authorization !== undefined) headers.authorization = authorization
      let response: HttpResponse
      try {
        response = await send({
          method: op.method,
          url,
          headers,
          ...(op.body !== undefined && { body: op.body }),
          ...(op.maxResponseBytes !== undefined && { maxResponseBytes: op.maxResponseBytes }),
          ...(answerTimeoutMs !== undefined && { answerTimeoutMs }),
        })
      } catch (error) {
        const message = scrubSecrets(`${where(this.target)}: ${op.name} failed: ${(error as Error).message}`)
        throw new RegistryError(message, undefined, { cause: error })
      }

      const { status } = response
      if (status === 401 && !reauthenticated && this.auth.rejected(response, authorization)) {
        reauthenticated = true
        if (op.retry) continue
        throw new UnauthorizedError(this.failure(op, response))
      }
      if ((op.method === 'GET' || op.method === 'HEAD') && isRedirect(status) && redirects < MAX_REDIRECTS) {
        const location = header(response, 'location')
        if (location !== undefined) {
          url = new URL(location, url)
          redirects++
          continue
        }
      }
      if (op.ok.includes(status)) return response
      const retryAfterMs = isTransientStatus(status) ? parseRetryAfter(header(response, 'retry-after')) : undefined
      throw new RegistryError(this.failure(op, response), status, { retryAfterMs })
    }
  }

  private failure(op: Operation, response: HttpResponse): string {
    // Name the role the whole job needs: a push that fails on a HEAD still needs writer.
    return scrubSecrets(
      statusFailure(this.target, op.name, response.status, response.body, this.access, this.hasCredentials),
    )
  }

  /** `/v2/REPOSITORY/path` on the registry. */
  url(path: string): URL {
    return new URL(`/v2/${this.target.repository}/${path}`, this.origin)
  }

  /** The Location of an upload answer, on the registry or a storage host, https unless loopback. */
  location(response: HttpResponse, operation: string): URL {
    const location = header(response, 'location')
    if (location === undefined) {
      throw new RegistryError(
        `${where(this.target)}: ${operation} answered HTTP ${response.status} without a Location header.`,
      )
    }
    const url = new URL(location, this.origin)
    if (!isHttpsOrLoopback(url)) {
      throw new RegistryError(
        `${where(this.target)}: ${operation} sent the upload to a plain-http location (${url.host}); refusing.`,
      )
    }
    return url
  }
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308
}

/** Docker Hub's API lives on another host than its name. */
function apiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry
}
