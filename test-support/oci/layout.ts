// OCI image layouts for tests, written without Docker: deterministic layers (a gzip'ed tar
// holding one pseudo-random file), OCI configs and manifests, optional multi-platform
// indexes and buildx-style provenance wrappers. Layers stream to disk, so a 512 MB layer
// costs a few MB of memory.
import { execFile } from 'node:child_process'
import { createCipheriv, createHash, randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'
import { createGzip } from 'node:zlib'

const run = promisify(execFile)

export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  inToto: 'application/vnd.in-toto+json',
} as const

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name'
export const IMAGE_NAME_ANNOTATION = 'io.containerd.image.name'

export interface LayerSpec {
  /** Bytes of pseudo-random content in the layer's single file (the blob is a little larger). */
  size: number
  /** Same size and seed give the same blob, also across calls. Default: the layer's position in the call. */
  seed?: number
}

export interface Platform {
  os: string
  architecture: string
  variant?: string
}

export interface ImageSpec {
  layers: LayerSpec[]
  /** Default linux/amd64. */
  platform?: Platform
  /** `org.opencontainers.image.ref.name` of the index.json entry (a tag, as buildx and docker save write it). */
  refName?: string
  /** `io.containerd.image.name` of the index.json entry, e.g. `docker.io/library/app:1.0` (docker save). */
  imageName?: string
  /** Merged over the generated image config (`config.Env`, `created`, …). */
  config?: object
}

export interface MultiPlatformSpec {
  refName?: string
  imageName?: string
  images: ImageSpec[]
}

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  platform?: Platform
  annotations?: Record<string, string>
}

export interface LayoutEntry {
  refName?: string
  digest: string
  mediaType: string
  size: number
  /** For an index: the manifests it lists (attestations included). */
  children?: Descriptor[]
}

export interface LayoutOptions {
  /** One image index with several platforms; its ref name is `refName`, or the first image's. */
  multiPlatform?: ImageSpec[] | MultiPlatformSpec
  /** Wrap each of `images` in an index with an unknown/unknown attestation manifest, as buildx does with provenance. */
  buildxAttestation?: boolean
}

/** Writes (or replaces) an OCI layout in `dir`; returns index.json's entries in order. */
export async function writeLayout(
  dir: string,
  images: ImageSpec[],
  options: LayoutOptions = {},
): Promise<{ dir: string; digests: LayoutEntry[] }> {
  const writer = new BlobWriter(dir)
  await mkdir(writer.blobDir, { recursive: true })

  const entries: LayoutEntry[] = []
  const indexEntries: Descriptor[] = []
  const add = (
    descriptor: Descriptor,
    refName: string | undefined,
    imageName: string | undefined,
    children?: Descriptor[],
  ): void => {
    const annotations: Record<string, string> = {}
    if (imageName !== undefined) annotations[IMAGE_NAME_ANNOTATION] = imageName
    if (refName !== undefined) annotations[REF_NAME_ANNOTATION] = refName
    indexEntries.push({ ...descriptor, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) })
    entries.push({
      refName,
      digest: descriptor.digest,
      mediaType: descriptor.mediaType,
      size: descriptor.size,
      ...(children ? { children } : {}),
    })
  }

  for (const image of images) {
    const manifest = await writer.image(image)
    if (options.buildxAttestation === true) {
      const children = [manifest, await writer.attestation(manifest)]
      add(await writer.index(children), image.refName, image.imageName, children)
    } else {
      add(manifest, image.refName, image.imageName)
    }
  }

  if (options.multiPlatform !== undefined) {
    const spec = Array.isArray(options.multiPlatform) ? { images: options.multiPlatform } : options.multiPlatform
    const children: Descriptor[] = []
    for (const image of spec.images) children.push(await writer.image(image))
    add(
      await writer.index(children),
      spec.refName ?? spec.images.find((i) => i.refName !== undefined)?.refName,
      spec.imageName ?? spec.images.find((i) => i.imageName !== undefined)?.imageName,
      children,
    )
  }

  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }))
  await writeFile(
    path.join(dir, 'index.json'),
    JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.index, manifests: indexEntries }),
  )
  return { dir, digests: entries }
}

export interface TarOptions {
  /** Also write `manifest.json` as `docker save` of Docker >= 25 does (an OCI layout plus the legacy file). */
  dockerManifest?: boolean
}

/** A tar of the layout with entries `oci-layout`, `index.json`, `blobs/sha256/…` (no `./`), like buildx `type=oci,dest=…`. */
export async function tarLayout(dir: string, tarFile: string, options: TarOptions = {}): Promise<void> {
  const args = [
    '--create',
    '--file',
    tarFile,
    '--format=ustar',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--sort=name',
  ]
  args.push('--directory', dir, 'blobs', 'index.json', 'oci-layout')
  let extraDir: string | undefined
  try {
    if (options.dockerManifest === true) {
      extraDir = await mkdtemp(path.join(tmpdir(), 'oci-tar-'))
      await writeFile(path.join(extraDir, 'manifest.json'), JSON.stringify(await dockerManifest(dir)))
      args.push('--directory', extraDir, 'manifest.json')
    }
    await run('tar', args)
  } finally {
    if (extraDir !== undefined) await rm(extraDir, { recursive: true, force: true })
  }
}

/** `docker save`'s manifest.json: one entry per single-platform image in index.json. */
async function dockerManifest(dir: string): Promise<object[]> {
  const readJson = async (file: string): Promise<Record<string, unknown>> =>
    JSON.parse(await readFile(path.join(dir, file), 'utf8')) as Record<string, unknown>
  const blobPath = (digest: string): string => `blobs/${digest.replace(':', '/')}`
  const index = (await readJson('index.json')) as { manifests: Descriptor[] }
  const result: object[] = []
  for (const entry of index.manifests) {
    if (entry.mediaType !== MEDIA_TYPES.manifest) continue
    const manifest = (await readJson(blobPath(entry.digest))) as { config: Descriptor; layers: Descriptor[] }
    const name = entry.annotations?.[IMAGE_NAME_ANNOTATION] ?? entry.annotations?.[REF_NAME_ANNOTATION]
    const layerSources: Record<string, Descriptor> = {}
    for (const layer of manifest.layers) layerSources[layer.digest] = layer
    result.push({
      Config: blobPath(manifest.config.digest),
      RepoTags: name === undefined ? [] : [name],
      Layers: manifest.layers.map((l) => blobPath(l.digest)),
      LayerSources: layerSources,
    })
  }
  return result
}

class BlobWriter {
  readonly blobDir: string
  private ordinal = 0
  private readonly layers = new Map<string, Promise<{ descriptor: Descriptor; diffId: string }>>()

  constructor(dir: string) {
    this.blobDir = path.join(dir, 'blobs', 'sha256')
  }

  async image(spec: ImageSpec): Promise<Descriptor> {
    const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' }
    const layers = []
    for (const layer of spec.layers) layers.push(await this.layer(layer.size, layer.seed ?? this.ordinal++))
    const config = await this.json(MEDIA_TYPES.config, {
      created: '1970-01-01T00:00:00Z',
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant !== undefined ? { variant: platform.variant } : {}),
      config: {},
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
      ...spec.config,
    })
    const manifest = await this.json(MEDIA_TYPES.manifest, {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.manifest,
      config,
      layers: layers.map((l) => l.descriptor),
    })
    return { ...manifest, platform }
  }

  /** A provenance attestation for `subject`, shaped like BuildKit's. */
  async attestation(subject: Descriptor): Promise<Descriptor> {
    const statement = await this.json(MEDIA_TYPES.inToto, {
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.2',
      subject: [{ name: 'pkg:docker/test-image', digest: { sha256: subject.digest.replace('sha256:', '') } }],
      predicate: { buildType: 'https://mobyproject.org/buildkit@v1', builder: { id: '' } },
    })
    const layer = { ...statement, annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' } }
    const config = await this.json(MEDIA_TYPES.config, {
      architecture: 'unknown',
      os: 'unknown',
      config: {},
      rootfs: { type: 'layers', diff_ids: [statement.digest] },
    })
    const manifest = await this.json(MEDIA_TYPES.manifest, {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.manifest,
      config,
      layers: [layer],
    })
    return {
      ...manifest,
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: {
        'vnd.docker.reference.digest': subject.digest,
        'vnd.docker.reference.type': 'attestation-manifest',
      },
    }
  }

  async index(manifests: Descriptor[]): Promise<Descriptor> {
    return this.json(MEDIA_TYPES.index, { schemaVersion: 2, mediaType: MEDIA_TYPES.index, manifests })
  }

  private async json(mediaType: string, value: object): Promise<Descriptor> {
    const bytes = Buffer.from(JSON.stringify(value))
    const hex = createHash('sha256').update(bytes).digest('hex')
    await writeFile(path.join(this.blobDir, hex), bytes)
    return { mediaType, digest: `sha256:${hex}`, size: bytes.length }
  }

  private layer(size: number, seed: number): Promise<{ descriptor: Descriptor; diffId: string }> {
    const key = `${size}:${seed}`
    let pending = this.layers.get(key)
    if (pending === undefined) {
      pending = this.writeLayer(size, seed)
      this.layers.set(key, pending)
    }
    return pending
  }

  private async writeLayer(size: number, seed: number): Promise<{ descriptor: Descriptor; diffId: string }> {
    const tarHash = createHash('sha256')
    const blobHash = createHash('sha256')
    let blobSize = 0
    const temp = path.join(this.blobDir, `.tmp-${randomBytes(6).toString('hex')}`)
    const countAndHash = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        blobHash.update(chunk)
        blobSize += chunk.length
        callback(null, chunk)
      },
    })
    // Random data does not compress: stored deflate blocks keep big layers fast and still real gzip.
    const gzip = createGzip({ level: size > 1024 * 1024 ? 0 : 6 })
    try {
      await pipeline(
        Readable.from(tarStream(`layer-${seed}.bin`, size, seed, tarHash)),
        gzip,
        countAndHash,
        createWriteStream(temp),
      )
      const hex = blobHash.digest('hex')
      await rename(temp, path.join(this.blobDir, hex))
      return {
        descriptor: { mediaType: MEDIA_TYPES.layer, digest: `sha256:${hex}`, size: blobSize },
        diffId: `sha256:${tarHash.digest('hex')}`,
      }
    } catch (error) {
      await rm(temp, { force: true })
      throw error
    }
  }
}

const CHUNK = 1024 * 1024

/** A one-file tar (ustar) whose content is an AES-CTR keystream: fast, deterministic, incompressible. */
function* tarStream(name: string, size: number, seed: number, hash: ReturnType<typeof createHash>): Generator<Buffer> {
  const emit = (chunk: Buffer): Buffer => {
    hash.update(chunk)
    return chunk
  }
  yield emit(tarHeader(name, size))
  const key = createHash('sha256').update(`layer-seed:${seed}`).digest()
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16))
  const zeros = Buffer.alloc(CHUNK)
  for (let left = size; left > 0; left -= CHUNK) {
    yield emit(cipher.update(left >= CHUNK ? zeros : zeros.subarray(0, left)))
  }
  const padding = (512 - (size % 512)) % 512
  yield emit(Buffer.alloc(padding + 1024))
}

export function tarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512)
  const field = (offset: number, length: number, value: string): void => {
    header.write(value, offset, length, 'ascii')
  }
  const octal = (offset: number, length: number, value: number): void => {
    field(offset, length, value.toString(8).padStart(length - 1, '0') + '\0')
  }
  field(0, 100, name)
  octal(100, 8, 0o644)
  octal(108, 8, 0)
  octal(116, 8, 0)
  octal(124, 12, size)
  octal(136, 12, 0)
  header.fill(' ', 148, 156)
  field(156, 1, '0')
  field(257, 6, 'ustar\0')
  field(263, 2, '00')
  let sum = 0
  for (const byte of header) sum += byte
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ')
  return header
}
