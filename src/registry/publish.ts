// The one entry main.ts calls for the image: push it (or find it) and return the digest the
// registry holds. `inspectSource` does the local checks first, so a bad layout path or a missing
// local image fails the run before the registry or the GitOps repository is touched.
import * as core from '@actions/core'
import type { RegistryCredentials } from './auth.js'
import { RegistryClient } from './client.js'
import { inspectLocalImage, pushWithDocker } from './docker.js'
import { RegistryError } from './errors.js'
import { LayoutError, type LayoutImage, type OciLayout, openLayout, selectImage } from './layout.js'
import { InputError } from '../errors.js'
import { pushImage } from './push.js'
import { formatBytes } from '../util/bytes.js'
import { type ImageReference, formatReference, shortDigest } from '../image/reference.js'
import type { ImageSource } from '../settings.js'
import { acceptsGoogleCredentials } from './trust.js'

export type { RegistryCredentials } from './auth.js'

export interface PublishRequest {
  readonly image: ImageReference
  readonly source: ImageSource
  readonly credentials?: RegistryCredentials
  readonly dryRun: boolean
}

export interface PublishResult {
  readonly digest: string
  /** Empty when a dry run cannot know it (docker source). */
  readonly mediaType: string
  readonly registry: string
  /** pushed: uploaded now; resolved: a tag already in the registry; verified: a given digest exists; would-push: dry run. */
  readonly action: 'pushed' | 'resolved' | 'verified' | 'would-push'
  readonly pushed: boolean
  readonly blobsUploaded: number
  readonly blobsPresent: number
  readonly bytesUploaded: number
}

/** What publishImage will do, worked out without writing anything anywhere. */
export interface PublishPlan {
  readonly action: PublishResult['action']
  /** One line for the log and the dry-run report. */
  readonly summary: string
  /** Known before contacting the registry: a layout's digest, a given digest, or a dry run's local RepoDigest. */
  readonly digest?: string
  readonly mediaType?: string
  /** The tag a push or resolution uses. */
  readonly tag?: string
  readonly layout?: { readonly layout: OciLayout; readonly image: LayoutImage }
}

const DEFAULT_TAG = 'latest'

export async function inspectSource(request: PublishRequest): Promise<PublishPlan> {
  const { image, source, dryRun } = request
  const name = formatReference(image)
  const push = dryRun ? 'would-push' : 'pushed'

  if (source.kind === 'layout') {
    const { layout, chosen } = await asSourceInput(async () => {
      const layout = await openLayout(source.path, source.input)
      return { layout, chosen: await selectImage(layout, image) }
    })
    if (image.digest !== undefined && chosen.root.digest !== image.digest) {
      throw new RegistryError(
        `The image in ${source.input} has digest ${chosen.root.digest}, but the image input pins ${image.digest}. Remove the digest from the image input, or point source at the layout of that image.`,
      )
    }
    const bytes = chosen.blobs.reduce((sum, blob) => sum + blob.size, 0)
    return {
      action: push,
      summary: `push ${chosen.summary} from ${source.input} (${chosen.blobs.length} blobs, ${formatBytes(bytes)}) to ${name}`,
      digest: chosen.root.digest,
      mediaType: chosen.root.mediaType,
      ...(image.tag !== undefined && { tag: image.tag }),
      layout: { layout, image: chosen },
    }
  }

  if (image.digest !== undefined) {
    return { action: 'verified', summary: `verify that ${name} exists in ${image.registry}`, digest: image.digest }
  }
  const tag = image.tag ?? DEFAULT_TAG
  if (source.kind === 'registry') {
    return { action: 'resolved', summary: `resolve tag ${tag} of ${image.repository} in the registry`, tag }
  }

  const local = await inspectLocalImage(image, tag)
  if (local === undefined) {
    throw new RegistryError(
      `The local Docker engine has no image ${image.repository}:${tag}. Build or tag it under that name before this step, or use source: registry (already pushed) or the path of an OCI layout.`,
    )
  }
  if (!dryRun) return { action: 'pushed', summary: `push ${image.repository}:${tag} with docker`, tag }
  const known = local.repoDigests[0]
  if (known === undefined) {
    throw new RegistryError(
      `Dry run cannot know the digest of ${image.repository}:${tag}: it was never pushed to ${image.registry}, and a digest only exists once the registry has the image. Use source: registry for an image that is already pushed, or an OCI layout path (its digest is computed locally).`,
    )
  }
  return {
    action: 'would-push',
    summary: `push ${image.repository}:${tag} with docker (last pushed as ${shortDigest(known)})`,
    digest: known,
    tag,
  }
}

/** The Google Cloud credentials, unless the registry is not Google's: then it is accessed anonymously. */
function trustedCredentials({ image, credentials }: PublishRequest): RegistryCredentials | undefined {
  if (credentials === undefined || acceptsGoogleCredentials(image.registry)) return credentials
  core.warning(
    `${image.registry} is not a Google registry: the Google Cloud credentials are not sent to it, and it is accessed anonymously. ` +
      'Drop workload-identity-provider (and GOOGLE_APPLICATION_CREDENTIALS) for this image, or push it to Artifact Registry.',
  )
  return undefined
}

/** A layout that cannot be read or has no such image is a problem with the `source` input. */
async function asSourceInput<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (!(error instanceof LayoutError)) throw error
    throw new InputError(
      'source',
      `${error.message} It must be an OCI image layout directory, or a tar of one, relative to GITHUB_WORKSPACE.`,
    )
  }
}

export async function publishImage(request: PublishRequest, plan?: PublishPlan): Promise<PublishResult> {
  const { image } = request
  const credentials = trustedCredentials(request)
  const chosen = plan ?? (await inspectSource(request))
  const writes = chosen.action === 'pushed'
  const client = new RegistryClient({
    registry: image.registry,
    repository: image.path,
    ...(credentials !== undefined && { credentials }),
    access: writes ? 'push' : 'pull',
  })
  const base = { registry: image.registry, pushed: false, blobsUploaded: 0, blobsPresent: 0, bytesUploaded: 0 }
  core.info(`Image: ${chosen.action === 'would-push' ? 'dry run, would ' : ''}${chosen.summary}`)

  switch (chosen.action) {
    case 'verified': {
      const found = await client.resolve(chosen.digest!)
      if (found === undefined) {
        throw new RegistryError(
          `${formatReference(image)} is not in the registry ${image.registry}: no manifest with that digest in ${image.path}. Push the image first, or correct the digest in the image input. Nothing was written.`,
        )
      }
      core.info(`Digest ${found.digest} exists in ${image.registry}/${image.path} (${found.mediaType})`)
      return { ...base, action: 'verified', digest: found.digest, mediaType: found.mediaType }
    }
    case 'resolved': {
      const found = await client.resolve(chosen.tag!)
      if (found === undefined) {
        throw new RegistryError(
          `Tag ${chosen.tag} of ${image.repository} is not in the registry ${image.registry}. Push ${image.repository}:${chosen.tag} before this step, or use source: docker or an OCI layout path so the action pushes it.`,
        )
      }
      core.info(`Tag ${chosen.tag} resolves to ${found.digest} (${found.mediaType})`)
      return { ...base, action: 'resolved', digest: found.digest, mediaType: found.mediaType }
    }
    case 'would-push':
      core.info(`Dry run: nothing pushed; the digest would be ${chosen.digest}`)
      return { ...base, action: 'would-push', digest: chosen.digest!, mediaType: chosen.mediaType ?? '' }
    case 'pushed': {
      if (chosen.layout !== undefined) {
        const result = await pushImage({
          client,
          image: chosen.layout.image,
          blobs: chosen.layout.layout.blobs,
          ...(chosen.tag !== undefined && { tag: chosen.tag }),
        })
        core.info(
          `Pushed ${image.repository}@${result.digest}: ${result.blobsUploaded} blobs uploaded (${formatBytes(result.bytesUploaded)}), ${result.blobsPresent} already present`,
        )
        return { ...base, ...result, action: 'pushed', pushed: true }
      }
      const pushed = await pushWithDocker({
        image,
        tag: chosen.tag!,
        client,
        ...(credentials !== undefined && { credentials }),
      })
      core.info(`Pushed ${image.repository}:${chosen.tag} with docker: ${pushed.digest}`)
      return { ...base, action: 'pushed', pushed: true, digest: pushed.digest, mediaType: pushed.mediaType }
    }
  }
}
