// OCI image layouts (a directory, or a tar of one such as `docker save` writes since Docker 25):
// pick the image to push and check, before anything is pushed, that every blob it needs is
// there with the declared size. Layers are never read here; they are streamed at push time.
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import * as path from 'node:path'
import { Readable } from 'node:stream'
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
import { fileChunks } from './file-chunks.js'
import { TarIndex } from './tar.js'
import { sha256 } from '../util/digest.js'

export const REF_NAME = 'org.opencontainers.image.ref.name'
const CONTAINERD_NAME = 'io.containerd.image.name'
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024
const DIGEST = /^sha256:([a-f0-9]{64})$/
const MAX_DEPTH = 4
/** Larger reads than the 64 KiB default: fewer syscalls and socket writes per layer, still flat memory. */
const READ_CHUNK = 1024 * 1024

export class LayoutError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'LayoutError'
  }
}

/** Read access to the blobs of a layout, wherever they are stored. */
export interface BlobStore {
  /** Bytes stored for the digest, or undefined when absent. */
  size(digest: string): Promise<number | undefined>
  /** A fresh stream of the blob each call: uploads restart by reopening. */
  open(digest: string): Readable
  /**
   * The blob's `size` bytes through one reused buffer (see file-chunks.ts): each chunk is valid
   * until the next is requested. For uploads, which write a chunk out before reading on.
   */
  chunks(digest: string, size: number): AsyncIterable<Buffer>
  read(digest: string): Promise<Buffer>
}

export interface OciLayout {
  /** How the user named it, for messages. */
  readonly label: string
  readonly kind: 'directory' | 'archive'
  /** `index.json`'s exact bytes. */
  readonly indexBytes: Buffer
  readonly manifests: readonly Descriptor[]
  readonly blobs: BlobStore
}

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

export async function openLayout(location: string, label = location): Promise<OciLayout> {
  let info
  try {
    info = await stat(location)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new LayoutError(`${label}: ${code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}.`)
  }
  if (info.isDirectory()) return openDirectory(location, label)
  if (info.isFile()) return openArchive(location, label)
  throw new LayoutError(`${label} is neither a directory nor a tar file.`)
}

async function openDirectory(root: string, label: string): Promise<OciLayout> {
  const file = (digest: string): string => {
    const [algorithm, hex] = splitDigest(digest, label)
    return path.join(root, 'blobs', algorithm, hex)
  }
  const read = async (name: string): Promise<Buffer | undefined> => {
    try {
      return await readFile(path.join(root, name))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new LayoutError(`${label}: cannot read ${name}: ${(error as Error).message}`)
    }
  }
  const blobs: BlobStore = {
    async size(digest) {
      try {
        const info = await stat(file(digest))
        return info.isFile() ? info.size : undefined
      } catch {
        return undefined
      }
    },
    open: (digest) => createReadStream(file(digest), { highWaterMark: READ_CHUNK }),
    chunks: (digest, size) => fileChunks(file(digest), 0, size),
    read: (digest) => readFile(file(digest)),
  }
  return layoutFrom(label, 'directory', await read('oci-layout'), await read('index.json'), blobs, () =>
    read('manifest.json'),
  )
}

async function openArchive(archive: string, label: string): Promise<OciLayout> {
  let tar: TarIndex
  try {
    tar = await TarIndex.read(archive)
  } catch (error) {
    throw new LayoutError(`${label}: ${(error as Error).message.replace(`${archive} `, '')}`)
  }
  // A tar of a layout directory (`tar -cf x.tar image/`) keeps the directory as a prefix.
  let prefix = ''
  if (tar.lookup('index.json') === undefined) {
    const nested = tar
      .names()
      .filter((name) => name.endsWith('/index.json'))
      .map((name) => name.slice(0, -'index.json'.length))
      .filter((dir) => tar.lookup(`${dir}oci-layout`) !== undefined)
    if (nested.length === 1) prefix = nested[0]!
  }
  const member = (digest: string): string => {
    const [algorithm, hex] = splitDigest(digest, label)
    return `${prefix}blobs/${algorithm}/${hex}`
  }
  const slice = (name: string): Readable => {
    const entry = tar.lookup(name)
    if (entry === undefined) throw new LayoutError(`${label}: ${name} is missing from the archive.`)
    return entry.size === 0
      ? Readable.from([])
      : createReadStream(archive, {
          start: entry.offset,
          end: entry.offset + entry.size - 1,
          highWaterMark: READ_CHUNK,
        })
  }
  const read = async (name: string): Promise<Buffer | undefined> => {
    const entry = tar.lookup(name)
    if (entry === undefined) return undefined
    if (entry.size > MAX_MANIFEST_BYTES * 4)
      throw new LayoutError(`${label}: ${name} is unexpectedly large (${entry.size} bytes).`)
    const pieces: Buffer[] = []
    for await (const piece of slice(name)) pieces.push(piece as Buffer)
    return Buffer.concat(pieces)
  }
  const blobs: BlobStore = {
    size: (digest) => Promise.resolve(tar.lookup(member(digest))?.size),
    open: (digest) => slice(member(digest)),
    chunks: (digest) => {
      const entry = tar.lookup(member(digest))
      if (entry === undefined) throw new LayoutError(`${label}: ${member(digest)} is missing from the archive.`)
      return fileChunks(archive, entry.offset, entry.size)
    },
    read: async (digest) => (await read(member(digest))) ?? Buffer.alloc(0),
  }
  return layoutFrom(label, 'archive', await read(`${prefix}oci-layout`), await read(`${prefix}index.json`), blobs, () =>
    read(`${prefix}manifest.json`),
  )
}

async function layoutFrom(
  label: string,
  kind: OciLayout['kind'],
  marker: Buffer | undefined,
  indexBytes: Buffer | undefined,
  blobs: BlobStore,
  legacyManifest: () => Promise<Buffer | undefined>,
): Promise<OciLayout> {
  if (indexBytes === undefined) {
    const legacy = (await legacyManifest()) !== undefined
    throw new LayoutError(
      legacy
        ? `${label} is a legacy \`docker save\` archive (manifest.json, no index.json). Save it with Docker 25 or later, which writes an OCI layout, or convert it: skopeo copy docker-archive:${label} oci:DIR.`
        : `${label} is not an OCI image layout: it has no index.json.`,
    )
  }
  if (marker !== undefined) {
    const version = parseJson<{ imageLayoutVersion?: unknown }>(marker, `${label}: oci-layout`).imageLayoutVersion
    if (typeof version !== 'string' || !version.startsWith('1.')) {
      throw new LayoutError(
        `${label}: oci-layout declares imageLayoutVersion ${JSON.stringify(version)}; only 1.x is supported.`,
      )
    }
  }
  const index = parseJson<{ manifests?: unknown }>(indexBytes, `${label}: index.json`)
  if (!Array.isArray(index.manifests)) throw new LayoutError(`${label}: index.json has no "manifests" list.`)
  const manifests = index.manifests.map((entry, i) => descriptor(entry, `${label}: index.json manifests[${i}]`))
  return { label, kind, indexBytes, manifests, blobs }
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

function descriptor(value: unknown, where: string): Descriptor {
  const d = value as Partial<Descriptor> | null
  if (
    typeof d !== 'object' ||
    d === null ||
    typeof d.digest !== 'string' ||
    typeof d.size !== 'number' ||
    !Number.isSafeInteger(d.size) ||
    d.size < 0
  ) {
    throw new LayoutError(`${where} is not a descriptor with a digest and a size.`)
  }
  if (!DIGEST.test(d.digest))
    throw new LayoutError(`${where}: digest "${d.digest}" is not sha256:<64 hex digits>; only sha256 is supported.`)
  return d as Descriptor
}

function splitDigest(digest: string, label: string): [string, string] {
  const match = DIGEST.exec(digest)
  if (!match) throw new LayoutError(`${label}: "${digest}" is not a sha256 digest.`)
  return ['sha256', match[1]!]
}

function parseJson<T>(bytes: Buffer, what: string): T {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'))
    if (typeof value !== 'object' || value === null) throw new Error('not a JSON object')
    return value as T
  } catch (error) {
    throw new LayoutError(`${what} is not valid JSON: ${(error as Error).message}`)
  }
}
