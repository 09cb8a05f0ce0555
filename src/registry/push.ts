// Pushing an image from a layout: blobs first (skipping what the registry has, uploading the
// rest in parallel with a bound), then child manifests by digest, then the top manifest or index
// by tag. The order is the registry's: a manifest is only accepted once everything it references exists.
import * as core from '@actions/core'
import type { RegistryClient } from './client.js'
import { RegistryError, where } from './errors.js'
import type { BlobStore, LayoutImage } from './layout.js'
import { shortDigest } from '../image/reference.js'
import { formatBytes } from '../util/bytes.js'
import { eachLimited } from '../util/pool.js'

export interface PushResult {
  readonly digest: string
  readonly mediaType: string
  readonly blobsUploaded: number
  readonly blobsPresent: number
  readonly bytesUploaded: number
}

export interface PushOptions {
  readonly client: RegistryClient
  readonly image: LayoutImage
  readonly blobs: BlobStore
  /** Tag for the top manifest; without one it is pushed by digest. */
  readonly tag?: string
  /** Blobs in flight at once. */
  readonly concurrency?: number
}

export async function pushImage(options: PushOptions): Promise<PushResult> {
  const { client, image, blobs } = options
  let blobsUploaded = 0
  let blobsPresent = 0
  let bytesUploaded = 0
  const reference = options.tag ?? image.root.digest

  // The registry only accepts a manifest once everything it references is there: if it already
  // has this one, every blob and child manifest is present and only the tag needs writing.
  if ((await client.resolve(image.root.digest)) !== undefined) {
    const digest = await putExact(client, reference, image.root.mediaType, image.root.bytes, image.root.digest)
    core.info(
      `${image.root.kind === 'index' ? 'Index' : 'Manifest'} ${digest} already in the registry with all ${image.blobs.length} blobs; tagged ${reference}`,
    )
    return {
      digest,
      mediaType: image.root.mediaType,
      blobsUploaded: 0,
      blobsPresent: image.blobs.length,
      bytesUploaded: 0,
    }
  }

  // Largest first, so the long uploads overlap instead of one trailing at the end.
  const pending = [...image.blobs].sort((a, b) => b.size - a.size)
  await eachLimited(pending, options.concurrency ?? 4, async (blob) => {
    if (await client.hasBlob(blob.digest)) {
      blobsPresent++
      core.info(`Blob ${shortDigest(blob.digest)} (${formatBytes(blob.size)}): already present`)
      return
    }
    const started = Date.now()
    await client.uploadBlob(blob.digest, blob.size, () => blobs.chunks(blob.digest, blob.size))
    blobsUploaded++
    bytesUploaded += blob.size
    core.info(
      `Blob ${shortDigest(blob.digest)} (${formatBytes(blob.size)}): uploaded in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    )
  })

  for (const child of image.children) {
    await putExact(client, child.digest, child.mediaType, child.bytes, child.digest)
    core.info(`Manifest ${shortDigest(child.digest)} (${child.kind}) pushed by digest`)
  }
  const digest = await putExact(client, reference, image.root.mediaType, image.root.bytes, image.root.digest)
  core.info(`${image.root.kind === 'index' ? 'Index' : 'Manifest'} ${digest} pushed as ${reference}`)
  return { digest, mediaType: image.root.mediaType, blobsUploaded, blobsPresent, bytesUploaded }
}

async function putExact(
  client: RegistryClient,
  reference: string,
  mediaType: string,
  bytes: Buffer,
  expected: string,
): Promise<string> {
  const digest = await client.putManifest(reference, mediaType, bytes)
  if (digest !== expected) {
    throw new RegistryError(
      `${where(client.target)}: manifest ${reference} was stored as ${digest}, but the layout says ${expected}.`,
    )
  }
  return digest
}
