// Manifest media types and the small amount of JSON shape the push needs.

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json'
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'

/** Index types first: leaving them out makes registries answer one platform's manifest instead. */
export const MANIFEST_ACCEPT = [OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST].join(', ')

export interface Platform {
  readonly architecture?: string
  readonly os?: string
  readonly variant?: string
}

export interface Descriptor {
  readonly mediaType?: string
  readonly digest: string
  readonly size: number
  readonly urls?: readonly string[]
  readonly annotations?: Readonly<Record<string, string>>
  readonly platform?: Platform
}

export function isIndexType(mediaType: string | undefined): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST
}

export function isManifestType(mediaType: string | undefined): boolean {
  return mediaType === OCI_MANIFEST || mediaType === DOCKER_MANIFEST
}

/** `type/subtype` without parameters, or undefined. */
export function baseMediaType(contentType: string | undefined): string | undefined {
  const base = contentType?.split(';')[0]?.trim().toLowerCase()
  return base ? base : undefined
}

/** The `mediaType` a manifest declares about itself, if its bytes are JSON that says so. */
export function mediaTypeOf(bytes: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as { mediaType?: unknown; manifests?: unknown; layers?: unknown }
    if (typeof parsed.mediaType === 'string') return parsed.mediaType
    if (Array.isArray(parsed.manifests)) return OCI_INDEX
    if (Array.isArray(parsed.layers)) return OCI_MANIFEST
  } catch {
    // not JSON
  }
  return undefined
}

export function platformName(platform: Platform | undefined): string {
  if (!platform?.os && !platform?.architecture) return 'unknown'
  return [platform.os ?? 'unknown', platform.architecture ?? 'unknown', platform.variant].filter(Boolean).join('/')
}
