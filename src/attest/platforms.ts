// The platform images of a multi-platform image, read from its index in the registry: when the
// index has no attestation, their digests tell whether the build attested those instead.
import * as core from '@actions/core'
import { errorMessage } from '../errors.js'
import type { ImageReference } from '../image/reference.js'
import type { RegistryCredentials } from '../registry/auth.js'
import { RegistryClient } from '../registry/client.js'
import { type Descriptor, platformName } from '../registry/media-types.js'
import { acceptsGoogleCredentials } from '../registry/trust.js'

export interface PlatformImage {
  readonly platform: string
  readonly digest: string
}

/** The index's platform manifests, without buildx's attestation manifests (platform unknown/unknown). */
async function platformImages(
  image: ImageReference,
  indexDigest: string,
  credentials: RegistryCredentials | undefined,
): Promise<PlatformImage[]> {
  const client = new RegistryClient({
    registry: image.registry,
    repository: image.path,
    // Google tokens go only to Google's registries, as for the push.
    ...(credentials !== undefined && acceptsGoogleCredentials(image.registry) && { credentials }),
    access: 'pull',
  })
  const { bytes } = await client.getManifest(indexDigest)
  const { manifests } = JSON.parse(bytes.toString('utf8')) as { manifests?: Descriptor[] }
  return (manifests ?? [])
    .map((descriptor) => ({ platform: platformName(descriptor.platform), digest: descriptor.digest }))
    .filter((child) => child.platform !== 'unknown/unknown' && child.platform !== 'unknown')
}

/**
 * The platform images that have attestations of their own, for the message about an index that
 * has none; empty when the index cannot be read (the message then only states the rule).
 */
export async function attestedPlatforms(
  image: ImageReference,
  indexDigest: string,
  credentials: RegistryCredentials | undefined,
  attestationsOf: (digest: string) => Promise<readonly unknown[]>,
): Promise<PlatformImage[]> {
  try {
    const attested: PlatformImage[] = []
    for (const child of await platformImages(image, indexDigest, credentials)) {
      if ((await attestationsOf(child.digest)).length > 0) attested.push(child)
    }
    return attested
  } catch (error) {
    core.debug(`Could not look for attestations of the platform images: ${errorMessage(error)}`)
    return []
  }
}
