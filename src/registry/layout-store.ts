// Opening an OCI image layout, a directory or a tar of one (such as `docker save` writes since
// Docker 25): its index.json and read access to its blobs. Layers are never read here; they are
// streamed at push time.
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import * as path from 'node:path'
import { Readable } from 'node:stream'
import type { Descriptor } from './media-types.js'
import { fileChunks } from './file-chunks.js'
import { TarIndex } from './tar.js'

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024
const DIGEST = /^sha256:([a-f0-9]{64})$/
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

/** A descriptor of index.json or of a manifest, checked: a sha256 digest and a size. */
export function descriptor(value: unknown, where: string): Descriptor {
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

/** A JSON object of the layout; `what` names the file for the error. */
export function parseJson<T>(bytes: Buffer, what: string): T {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'))
    if (typeof value !== 'object' || value === null) throw new Error('not a JSON object')
    return value as T
  } catch (error) {
    throw new LayoutError(`${what} is not valid JSON: ${(error as Error).message}`)
  }
}
