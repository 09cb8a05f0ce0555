// The platform images of a multi-platform image, read from its index in the registry: when the
// index has no attestation, their digests tell whether the build attested those instead.
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
export async function platformImages(
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
