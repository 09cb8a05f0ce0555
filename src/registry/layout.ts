// OCI image layouts (opened by layout-store.ts): pick the image to push and check, before anything
// is pushed, that every blob it needs is there with the declared size.
import { type ImageReference, formatReference, normalizedRepository } from '../image/reference.js'
import {
  type Descriptor,
  OCI_INDEX,
  OCI_MANIFEST,
  isIndexType,
  isManifestType,
  mediaTypeOf,
  platformName,
} from './media-types.js'
import { LayoutError, MAX_MANIFEST_BYTES, type OciLayout, descriptor, parseJson } from './layout-store.js'
import { sha256 } from '../util/digest.js'

export { type BlobStore, LayoutError, type OciLayout, openLayout } from './layout-store.js'

export const REF_NAME = 'org.opencontainers.image.ref.name'
const CONTAINERD_NAME = 'io.containerd.image.name'
const MAX_DEPTH = 4

/** A manifest or index of the image, with the exact bytes to push. */
export interface LayoutManifest {
  readonly digest: string
  readonly mediaType: string
  readonly bytes: Buffer
  readonly kind: 'index' | 'manifest'
}

export interface LayoutImage {
  /** The top manifest or index: its digest is the one to pin. */
  readonly root: LayoutManifest
  /** Manifests below the root, each before any index that lists it: pushed by digest first. */
  readonly children: readonly LayoutManifest[]
  /** Configs and layers of every manifest, once each. */
  readonly blobs: readonly Descriptor[]
  readonly refName?: string
  /** e.g. `index: linux/amd64, linux/arm64 + 2 attestations`. */
  readonly summary: string
}

/**
 * The image for `image`: the layout's only one, else the one whose ref name is the image's tag
 * (or full reference, or digest). Fails listing the names found.
 */
export async function selectImage(layout: OciLayout, image: ImageReference): Promise<LayoutImage> {
  const { manifests, label } = layout
  if (manifests.length === 0) throw new LayoutError(`${label}: index.json lists no images.`)
  let chosen: Descriptor | undefined
  if (manifests.length === 1) {
    chosen = manifests[0]
  } else {
    const wanted = wantedNames(image)
    let matches = manifests.filter(
      (d) => wanted.has(refName(d) ?? '') || wanted.has(d.annotations?.[CONTAINERD_NAME] ?? ''),
    )
    if (image.digest !== undefined) {
      const byDigest = manifests.filter((d) => d.digest === image.digest)
      if (byDigest.length > 0) matches = byDigest
    }
    const digests = new Set(matches.map((d) => d.digest))
    if (digests.size === 1) {
      chosen = matches[0]
    } else if (digests.size > 1) {
      throw new LayoutError(
        `${label}: several different images are named ${describeWanted(image)}: ${matches.map((d) => d.digest).join(', ')}.`,
      )
    } else if (manifests.every((d) => refName(d) === undefined && d.platform !== undefined)) {
      // index.json itself is the multi-platform index (no per-image names, one entry per platform).
      return loadImage(
        layout,
        { digest: sha256(layout.indexBytes), size: layout.indexBytes.length, mediaType: OCI_INDEX },
        layout.indexBytes,
      )
    } else {
      const names = manifests.map((d) => refName(d) ?? `(unnamed ${d.digest})`)
      throw new LayoutError(
        `${label} holds ${manifests.length} images and none is named ${describeWanted(image)} (${REF_NAME}). Found: ${names.join(', ')}. Tag the image accordingly or set the image input to one of these.`,
      )
    }
  }
  return loadImage(layout, chosen!)
}

async function loadImage(layout: OciLayout, top: Descriptor, topBytes?: Buffer): Promise<LayoutImage> {
  const children: LayoutManifest[] = []
  const blobs = new Map<string, Descriptor>()
  const platforms: string[] = []
  let attestations = 0
  const seen = new Set<string>()

  const visit = async (desc: Descriptor, depth: number, bytesGiven?: Buffer): Promise<LayoutManifest> => {
    if (depth > MAX_DEPTH) throw new LayoutError(`${layout.label}: indexes nest deeper than ${MAX_DEPTH} levels.`)
    const bytes = bytesGiven ?? (await readManifest(layout, desc))
    const parsed = parseJson<{ mediaType?: unknown; manifests?: unknown; config?: unknown; layers?: unknown }>(
      bytes,
      `${layout.label}: manifest ${desc.digest}`,
    )
    const mediaType =
      (typeof parsed.mediaType === 'string' ? parsed.mediaType : undefined) ??
      desc.mediaType ??
      mediaTypeOf(bytes) ??
      OCI_MANIFEST
    const isIndex = isIndexType(mediaType) || (!isManifestType(mediaType) && Array.isArray(parsed.manifests))
    const manifest: LayoutManifest = { digest: desc.digest, mediaType, bytes, kind: isIndex ? 'index' : 'manifest' }

    if (isIndex) {
      if (!Array.isArray(parsed.manifests))
        throw new LayoutError(`${layout.label}: index ${desc.digest} has no "manifests" list.`)
      for (const [i, entry] of parsed.manifests.entries()) {
        const child = descriptor(entry, `${layout.label}: index ${desc.digest} manifests[${i}]`)
        if (depth === 0) {
          if (child.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') attestations++
          else platforms.push(platformName(child.platform))
        }
        if (seen.has(child.digest)) continue
        seen.add(child.digest)
        children.push(await visit(child, depth + 1))
      }
    } else {
      if (!Array.isArray(parsed.layers) || typeof parsed.config !== 'object' || parsed.config === null) {
        throw new LayoutError(`${layout.label}: manifest ${desc.digest} (${mediaType}) has no config and layers.`)
      }
      const parts = [descriptor(parsed.config, `${layout.label}: manifest ${desc.digest} config`)]
      for (const [i, layer] of parsed.layers.entries())
        parts.push(descriptor(layer, `${layout.label}: manifest ${desc.digest} layers[${i}]`))
      for (const part of parts) {
        if (blobs.has(part.digest)) continue
        const size = await layout.blobs.size(part.digest)
        // Non-distributable layers (Windows base images) live at their `urls`, not in the layout.
        if (size === undefined && part.urls?.length) continue
        if (size === undefined)
          throw new LayoutError(`${layout.label}: blob ${part.digest} (listed in manifest ${desc.digest}) is missing.`)
        if (size !== part.size) {
          throw new LayoutError(
            `${layout.label}: blob ${part.digest} is ${size} bytes but manifest ${desc.digest} says ${part.size}; the layout is corrupt.`,
          )
        }
        blobs.set(part.digest, part)
      }
    }
    return manifest
  }

  const root = await visit(top, 0, topBytes)
  // visit() appends each child after its own children: deepest manifests come first.
  const summary =
    root.kind === 'index'
      ? `index: ${platforms.join(', ') || 'no platforms'}${attestations ? ` + ${attestations} attestation${attestations === 1 ? '' : 's'}` : ''}`
      : 'single manifest'
  const name = refName(top)
  return { root, children, blobs: [...blobs.values()], summary, ...(name !== undefined && { refName: name }) }
}

async function readManifest(layout: OciLayout, desc: Descriptor): Promise<Buffer> {
  const size = await layout.blobs.size(desc.digest)
  if (size === undefined) throw new LayoutError(`${layout.label}: manifest blob ${desc.digest} is missing.`)
  if (size !== desc.size)
    throw new LayoutError(
      `${layout.label}: manifest blob ${desc.digest} is ${size} bytes, but its descriptor says ${desc.size}.`,
    )
  if (size > MAX_MANIFEST_BYTES) throw new LayoutError(`${layout.label}: manifest ${desc.digest} is larger than 4 MiB.`)
  const bytes = await layout.blobs.read(desc.digest)
  if (sha256(bytes) !== desc.digest)
    throw new LayoutError(
      `${layout.label}: manifest blob ${desc.digest} does not match its digest; the layout is corrupt.`,
    )
  return bytes
}

function wantedNames(image: ImageReference): Set<string> {
  const names = new Set<string>()
  if (image.tag !== undefined) {
    names.add(image.tag)
    names.add(`${image.repository}:${image.tag}`)
    names.add(`${normalizedRepository(image)}:${image.tag}`)
  }
  names.add(formatReference(image))
  return names
}

function describeWanted(image: ImageReference): string {
  return image.tag !== undefined ? `"${image.tag}"` : `"${formatReference(image)}"`
}

function refName(desc: Descriptor): string | undefined {
  return desc.annotations?.[REF_NAME]
}
