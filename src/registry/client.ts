// A client for one repository of an OCI distribution registry, the protocol part: resolve tags
// (trusting only digests it can check), check and upload blobs (monolithic or chunked), read and
// write manifests. How an operation reaches the registry (token, retries, redirects, deadlines)
// is transport.ts; the bytes on the wire, http.ts.
import * as core from '@actions/core'
import type { RegistryCredentials } from './auth.js'
import { ChunkReader } from './chunk-reader.js'
import { type Access, RegistryError, type RegistryTarget, UnauthorizedError, where } from './errors.js'
import { type HttpResponse, header } from './http.js'
import { MANIFEST_ACCEPT, baseMediaType, mediaTypeOf } from './media-types.js'
import { RegistryTransport } from './transport.js'
import { BLOB_UPLOAD, REGISTRY_REQUEST } from '../net/budget.js'
import { type Clock, type RetryPolicy, retry, statusOf, transientFailure } from '../net/retry.js'
import { isDigest, shortDigest } from '../image/reference.js'
import { sha256 } from '../util/digest.js'

export type { RegistryCredentials } from './auth.js'

export interface ManifestDescriptor {
  readonly digest: string
  readonly mediaType: string
  readonly size: number
}

export interface RegistryClientOptions {
  /** `host[:port]` as in the image reference. */
  readonly registry: string
  /** Path of the repository inside the registry. */
  readonly repository: string
  readonly credentials?: RegistryCredentials
  /** Token scope to ask for: `push` (default) asks for `pull,push`. */
  readonly access?: Access
  /** Overrides of REGISTRY_REQUEST (and of BLOB_UPLOAD's delays), for tests. */
  readonly retry?: Partial<RetryPolicy>
  readonly clock?: Clock
  /** Blobs smaller than this go up in one PUT; larger ones in streamed PATCH chunks. */
  readonly monolithicLimit?: number
  /** Bytes per PATCH request for chunked uploads. */
  readonly chunkSize?: number
}

const MIB = 1024 * 1024
/** Consecutive 401s an upload restarts on before the error is final. */
const MAX_REAUTH_RESTARTS = 2

export class RegistryClient {
  readonly target: RegistryTarget
  private readonly transport: RegistryTransport
  private readonly uploadPolicy: RetryPolicy
  private readonly clock: Clock | undefined
  private readonly monolithicLimit: number
  private readonly chunkSize: number

  constructor(options: RegistryClientOptions) {
    this.target = { registry: options.registry, repository: options.repository }
    this.transport = new RegistryTransport({
      target: this.target,
      ...(options.credentials !== undefined && { credentials: options.credentials }),
      access: options.access ?? 'push',
      requestPolicy: { ...REGISTRY_REQUEST, ...options.retry },
      ...(options.clock !== undefined && { clock: options.clock }),
    })
    this.uploadPolicy = { ...BLOB_UPLOAD, ...options.retry, deadlineMs: undefined }
    this.clock = options.clock
    this.monolithicLimit = options.monolithicLimit ?? 16 * MIB
    this.chunkSize = Math.max(1, options.chunkSize ?? 64 * MIB)
  }

  /** The manifest a tag or digest names, or undefined when the registry does not have it. */
  async resolve(reference: string): Promise<ManifestDescriptor | undefined> {
    if (!isDigest(reference)) return this.resolveTag(reference)
    const response = await this.transport.request({
      name: `HEAD manifest ${reference}`,
      method: 'HEAD',
      url: this.transport.url(`manifests/${reference}`),
      headers: { accept: MANIFEST_ACCEPT },
      ok: [200, 404],
      retry: true,
    })
    if (response.status === 404) return undefined
    const digest = header(response, 'docker-content-digest')
    const mediaType = baseMediaType(header(response, 'content-type'))
    const size = Number(header(response, 'content-length'))
    if (digest !== undefined && isDigest(digest) && mediaType && Number.isSafeInteger(size)) {
      if (digest !== reference) {
        throw new RegistryError(`${where(this.target)}: HEAD manifest ${reference} answered with digest ${digest}.`)
      }
      return { digest, mediaType, size }
    }
    // Some registries omit the digest header on HEAD: the digest is the hash of the bytes.
    const manifest = await this.getManifest(reference)
    return { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.bytes.length }
  }

  /**
   * A tag's digest is the hash of the manifest bytes the tag serves, not what the registry's
   * `Docker-Content-Digest` says: a registry (or whatever answers in its place) that names
   * another digest, or serves bytes it does not hold under their digest, is refused.
   */
  private async resolveTag(tag: string): Promise<ManifestDescriptor | undefined> {
    const manifest = await this.fetchManifest(tag, [200, 404])
    if (manifest === undefined) return undefined
    const { digest, reported } = manifest
    if (reported !== undefined && reported !== digest) {
      throw new RegistryError(
        `${where(this.target)}: tag ${tag} was answered with Docker-Content-Digest ${reported}, but the manifest's bytes hash to ${digest}. The registry's answer cannot be trusted; nothing was written.`,
      )
    }
    const held = await this.resolve(digest)
    if (held === undefined) {
      throw new RegistryError(
        `${where(this.target)}: tag ${tag} serves manifest ${digest}, but the registry has no manifest with that digest. The registry's answer cannot be trusted; nothing was written.`,
      )
    }
    return { digest, mediaType: manifest.mediaType, size: manifest.bytes.length }
  }

  async getManifest(reference: string): Promise<{ bytes: Buffer; mediaType: string; digest: string }> {
    return (await this.fetchManifest(reference, [200]))!
  }

  private async fetchManifest(
    reference: string,
    ok: readonly number[],
  ): Promise<{ bytes: Buffer; mediaType: string; digest: string; reported?: string } | undefined> {
    const response = await this.transport.request({
      name: `GET manifest ${reference}`,
      method: 'GET',
      url: this.transport.url(`manifests/${reference}`),
      headers: { accept: MANIFEST_ACCEPT },
      ok,
      retry: true,
      maxResponseBytes: 4 * MIB,
    })
    if (response.status === 404) return undefined
    const bytes = response.body
    const digest = sha256(bytes)
    if (isDigest(reference) && digest !== reference) {
      throw new RegistryError(
        `${where(this.target)}: GET manifest ${reference} returned bytes whose digest is ${digest}.`,
      )
    }
    const mediaType = baseMediaType(header(response, 'content-type'))
    const reported = header(response, 'docker-content-digest')
    return {
      bytes,
      digest,
      mediaType: mediaType && mediaType !== 'application/json' ? mediaType : (mediaTypeOf(bytes) ?? mediaType ?? ''),
      ...(reported !== undefined && { reported }),
    }
  }

  async hasBlob(digest: string): Promise<boolean> {
    const response = await this.transport.request({
      name: `HEAD blob ${shortDigest(digest)}`,
      method: 'HEAD',
      url: this.transport.url(`blobs/${digest}`),
      ok: [200, 404],
      retry: true,
    })
    return response.status === 200
  }

  /**
   * Streams one blob into the registry. Any failure restarts the whole upload with a fresh
   * stream from `open()`: an upload session that failed half-way cannot be trusted to resume.
   * Chunks are written out before the next is read, so the source may reuse its buffer.
   */
  async uploadBlob(digest: string, size: number, open: () => AsyncIterable<Buffer | string>): Promise<void> {
    let reauths = 0
    await retry(() => this.uploadOnce(digest, size, open), {
      policy: this.uploadPolicy,
      classify: (error) => {
        // A token that expired mid-stream: the next try authenticates afresh, a couple of times.
        if (error instanceof UnauthorizedError) {
          return ++reauths <= MAX_REAUTH_RESTARTS ? { retry: true, reason: 'token rejected' } : { retry: false }
        }
        // 416: the session lost track of the bytes it holds; a new session starts clean.
        if (statusOf(error) === 416) return { retry: true, reason: 'upload session out of step' }
        return transientFailure(error)
      },
      onRetry: ({ attempt, error }) =>
        core.info(
          `${(error as Error).message.replace(/\.?$/, '.')} Restarting the upload of blob ${shortDigest(digest)} (attempt ${attempt + 1} of ${this.uploadPolicy.attempts}).`,
        ),
      ...(this.clock !== undefined && { clock: this.clock }),
    })
  }

  /** PUTs manifest bytes unchanged; returns the digest, which must be the hash of those bytes. */
  async putManifest(reference: string, mediaType: string, bytes: Buffer): Promise<string> {
    const response = await this.transport.request({
      name: `PUT manifest ${reference}`,
      method: 'PUT',
      url: this.transport.url(`manifests/${reference}`),
      headers: { 'content-type': mediaType },
      body: bytes,
      ok: [201, 200],
      retry: true,
    })
    const expected = sha256(bytes)
    const reported = header(response, 'docker-content-digest') ?? expected
    if (reported !== expected) {
      throw new RegistryError(
        `${where(this.target)}: PUT manifest ${reference} stored digest ${reported}, but the manifest's bytes hash to ${expected}; the registry changed the manifest.`,
      )
    }
    return reported
  }

  private async uploadOnce(digest: string, size: number, open: () => AsyncIterable<Buffer | string>): Promise<void> {
    const short = shortDigest(digest)
    const started = await this.transport.request({
      name: `start upload of blob ${short}`,
      method: 'POST',
      url: this.transport.url('blobs/uploads/'),
      ok: [202],
      retry: true,
    })
    let location = this.transport.location(started, `start upload of blob ${short}`)
    const source = open()
    const reader = new ChunkReader(source[Symbol.asyncIterator]())
    let completed: HttpResponse
    try {
      if (size < this.monolithicLimit) {
        completed = await this.transport.request({
          name: `upload of blob ${short}`,
          method: 'PUT',
          url: withDigest(location, digest),
          headers: { 'content-type': 'application/octet-stream' },
          body: { length: size, chunks: reader.take(size) },
          ok: [201],
          retry: false,
        })
      } else {
        for (let offset = 0; offset < size;) {
          const length = Math.min(this.chunkSize, size - offset)
          const name = `upload of blob ${short} (bytes ${offset}-${offset + length - 1} of ${size})`
          const response = await this.transport.request({
            name,
            method: 'PATCH',
            url: location,
            headers: {
              'content-type': 'application/octet-stream',
              'content-range': `${offset}-${offset + length - 1}`,
            },
            body: { length, chunks: reader.take(length) },
            ok: [202],
            retry: false,
          })
          offset += length
          const range = /^(?:bytes=)?0-(\d+)$/.exec(header(response, 'range') ?? '')
          if (range && Number(range[1]) !== offset - 1) {
            throw new RegistryError(`${where(this.target)}: ${name}: the registry holds bytes 0-${range[1]}.`, 416)
          }
          location = this.transport.location(response, name)
        }
        completed = await this.transport.request({
          name: `completion of blob ${short}`,
          method: 'PUT',
          url: withDigest(location, digest),
          body: Buffer.alloc(0),
          ok: [201],
          retry: false,
        })
      }
    } finally {
      reader.close()
    }
    const stored = header(completed, 'docker-content-digest')
    if (stored !== undefined && stored !== digest) {
      throw new RegistryError(`${where(this.target)}: blob ${digest} was stored as ${stored}.`)
    }
  }
}

function withDigest(location: URL, digest: string): URL {
  const url = new URL(location)
  url.searchParams.set('digest', digest)
  return url
}
