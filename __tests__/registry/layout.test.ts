import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cp, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import { parseImageReference } from '../../src/image/reference.js'
import { LayoutError, openLayout, selectImage } from '../../src/registry/layout.js'
import { TarIndex } from '../../src/registry/tar.js'
import { tarHeader, tarLayout, writeLayout } from '../../test-support/oci/layout.js'

const run = promisify(execFile)
const image = (text: string) => parseImageReference(text)
let work: string

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'layout-test-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

async function fresh(name: string): Promise<string> {
  const dir = path.join(work, name)
  await mkdir(dir, { recursive: true })
  return dir
}

async function streamed(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const pieces: Buffer[] = []
  for await (const piece of stream) pieces.push(piece as Buffer)
  return Buffer.concat(pieces)
}

describe('layout directory', () => {
  test('the only image is chosen whatever its name; blobs and sizes come from the manifest', async () => {
    const dir = await fresh('single')
    const { digests } = await writeLayout(dir, [{ layers: [{ size: 3000 }, { size: 10 }], refName: 'other' }])
    const layout = await openLayout(dir, 'single')
    const chosen = await selectImage(layout, image('r.example/a/app:v1'))
    expect(chosen.root.digest).toBe(digests[0]!.digest)
    expect(chosen.root.kind).toBe('manifest')
    expect(chosen.children).toEqual([])
    expect(chosen.blobs).toHaveLength(3) // config + 2 layers
    expect(sha(chosen.root.bytes)).toBe(chosen.root.digest)
    for (const blob of chosen.blobs) {
      const bytes = await streamed(layout.blobs.open(blob.digest))
      expect(bytes.length).toBe(blob.size)
      expect(sha(bytes)).toBe(blob.digest)
    }
  })

  test('several images: the one whose ref name is the tag', async () => {
    const dir = await fresh('several')
    const { digests } = await writeLayout(dir, [
      { layers: [{ size: 100, seed: 1 }], refName: 'v1' },
      { layers: [{ size: 100, seed: 2 }], refName: 'v2' },
    ])
    const layout = await openLayout(dir)
    expect((await selectImage(layout, image('r.example/app:v2'))).root.digest).toBe(digests[1]!.digest)
    // A full reference as the ref name works too, and so does a digest.
    expect((await selectImage(layout, image(`r.example/app@${digests[0]!.digest}`))).root.digest).toBe(
      digests[0]!.digest,
    )
  })

  test('several images and none matches: the error lists the ref names', async () => {
    const dir = await fresh('nomatch')
    await writeLayout(dir, [
      { layers: [{ size: 100, seed: 1 }], refName: 'v1' },
      { layers: [{ size: 100, seed: 2 }], refName: 'v2' },
    ])
    const layout = await openLayout(dir, 'build/oci')
    await expect(selectImage(layout, image('r.example/app:v3'))).rejects.toThrow(
      /build\/oci holds 2 images and none is named "v3".*Found: v1, v2/,
    )
  })

  test('multi-platform index: children before the index, platforms summarized', async () => {
    const dir = await fresh('multi')
    const { digests } = await writeLayout(dir, [], {
      multiPlatform: {
        refName: 'v1',
        images: [
          { layers: [{ size: 200, seed: 1 }], platform: { os: 'linux', architecture: 'amd64' } },
          { layers: [{ size: 200, seed: 2 }], platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        ],
      },
    })
    const chosen = await selectImage(await openLayout(dir), image('r.example/app:v1'))
    expect(chosen.root.kind).toBe('index')
    expect(chosen.root.digest).toBe(digests[0]!.digest)
    expect(chosen.children.map((c) => c.digest)).toEqual(digests[0]!.children!.map((c) => c.digest))
    expect(chosen.summary).toBe('index: linux/amd64, linux/arm64/v8')
    expect(chosen.blobs).toHaveLength(4)
  })

  test('buildx provenance wrapper: the index is the image, attestations counted', async () => {
    const dir = await fresh('buildx')
    const { digests } = await writeLayout(dir, [{ layers: [{ size: 200 }], refName: 'v1' }], {
      buildxAttestation: true,
    })
    const chosen = await selectImage(await openLayout(dir), image('r.example/app:v1'))
    expect(chosen.root.digest).toBe(digests[0]!.digest)
    expect(chosen.summary).toBe('index: linux/amd64 + 1 attestation')
    expect(chosen.children).toHaveLength(2)
  })

  test('index.json itself as the multi-platform index (no ref names, one entry per platform)', async () => {
    const dir = await fresh('flat')
    const { digests } = await writeLayout(dir, [], {
      multiPlatform: [
        { layers: [{ size: 50, seed: 1 }], platform: { os: 'linux', architecture: 'amd64' } },
        { layers: [{ size: 50, seed: 2 }], platform: { os: 'linux', architecture: 'arm64' } },
      ],
    })
    // Rewrite index.json to list the platform manifests directly.
    const children = digests[0]!.children!
    const indexJson = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: children }),
    )
    await writeFile(path.join(dir, 'index.json'), indexJson)
    const chosen = await selectImage(await openLayout(dir), image('r.example/app:v1'))
    expect(chosen.root.digest).toBe(sha(indexJson))
    expect(chosen.root.bytes.equals(indexJson)).toBe(true)
    expect(chosen.children).toHaveLength(2)
  })

  test('a missing blob and a blob of the wrong size fail before anything is pushed', async () => {
    const dir = await fresh('broken')
    const { digests } = await writeLayout(dir, [{ layers: [{ size: 5000 }] }])
    const manifest = JSON.parse(await readFile(blobPath(dir, digests[0]!.digest), 'utf8')) as {
      layers: { digest: string }[]
    }
    const layer = blobPath(dir, manifest.layers[0]!.digest)
    await truncate(layer, 10)
    await expect(selectImage(await openLayout(dir, 'broken'), image('r/app:v1'))).rejects.toThrow(
      /broken: blob sha256:\w+ is 10 bytes but manifest .* says \d+/,
    )
    await rm(layer)
    await expect(selectImage(await openLayout(dir, 'broken'), image('r/app:v1'))).rejects.toThrow(
      /broken: blob sha256:\w+ \(listed in manifest .*\) is missing/,
    )
  })

  test('not a layout', async () => {
    const dir = await fresh('empty')
    await expect(openLayout(dir, 'empty')).rejects.toThrow('empty is not an OCI image layout: it has no index.json.')
    await expect(openLayout(path.join(dir, 'nope'), 'nope')).rejects.toThrow('nope: no such file or directory.')
    await expect(openLayout(path.join(work, 'nope'), 'nope')).rejects.toBeInstanceOf(LayoutError)
  })
})

describe('layout tar', () => {
  let layoutDir: string
  let rootDigest: string

  beforeAll(async () => {
    layoutDir = await fresh('for-tar')
    const { digests } = await writeLayout(layoutDir, [
      {
        layers: [
          { size: 4000, seed: 7 },
          { size: 0, seed: 8 },
        ],
        refName: 'v1',
        imageName: 'docker.io/library/app:v1',
      },
    ])
    rootDigest = digests[0]!.digest
  })

  async function check(tarFile: string): Promise<void> {
    const layout = await openLayout(tarFile, path.basename(tarFile))
    expect(layout.kind).toBe('archive')
    const chosen = await selectImage(layout, image('127.0.0.1:5000/team/app:v1'))
    expect(chosen.root.digest).toBe(rootDigest)
    for (const blob of chosen.blobs) {
      const bytes = await streamed(layout.blobs.open(blob.digest))
      expect(sha(bytes)).toBe(blob.digest)
    }
  }

  test('buildx-style tar (ustar, no ./ prefix)', async () => {
    const file = path.join(work, 'buildx.tar')
    await tarLayout(layoutDir, file)
    await check(file)
  })

  test('docker save (Docker >= 25): OCI layout plus manifest.json', async () => {
    const file = path.join(work, 'docker-save.tar')
    await tarLayout(layoutDir, file, { dockerManifest: true })
    await check(file)
  })

  test.each(['ustar', 'gnu', 'pax'])('a directory with a long name tarred with --format=%s', async (format) => {
    // Blob entries (`DIR/blobs/sha256/HEX`) exceed ustar's 100-byte name field.
    const parent = await fresh(`nested-${format}`)
    const long = `image-${'x'.repeat(84)}`
    await cp(layoutDir, path.join(parent, long), { recursive: true })
    const file = path.join(work, `long-${format}.tar`)
    await run('tar', ['--create', '--file', file, `--format=${format}`, '--directory', parent, `./${long}`])
    await check(file)
    const names = (await TarIndex.read(file)).names()
    expect(names.some((name) => name.length > 100)).toBe(true)
  })

  test('a pax path record overrides the header name', async () => {
    const file = path.join(work, 'pax-utf8.tar')
    const dir = await fresh('pax-src')
    const name = `ünïcode-${'y'.repeat(150)}.txt`
    await writeFile(path.join(dir, name), 'hello')
    await run('tar', ['--create', '--file', file, '--format=pax', '--directory', dir, name])
    const index = await TarIndex.read(file)
    expect(index.lookup(name)).toMatchObject({ type: 'file', size: 5 })
  })

  test('base-256 sizes, links, and archives without trailing zero blocks', async () => {
    const content = Buffer.from('0123456789')
    const file = header('data/file.bin', content.length)
    // GNU base-256: high bit set, value big-endian in the remaining bytes.
    file.fill(0, 124, 136)
    file[124] = 0x80
    file.writeUInt32BE(content.length, 132)
    fixChecksum(file)
    const hard = header('hard', 0, '1', 'data/file.bin')
    const soft = header('data/soft', 0, '2', 'file.bin')
    const archive = Buffer.concat([file, pad(content), hard, soft])
    const tarFile = path.join(work, 'crafted.tar')
    await writeFile(tarFile, archive)
    const index = await TarIndex.read(tarFile)
    const member = index.lookup('data/file.bin')!
    expect(member.size).toBe(10)
    expect(archive.subarray(member.offset, member.offset + member.size).equals(content)).toBe(true)
    expect(index.lookup('hard')).toEqual(member)
    expect(index.lookup('./data/soft')).toEqual(member)
  })

  test('compressed and non-tar files are refused with what to do', async () => {
    const gz = path.join(work, 'image.tar.gz')
    await writeFile(gz, gzipSync(Buffer.alloc(2048)))
    await expect(openLayout(gz, 'image.tar.gz')).rejects.toThrow(/image.tar.gz: .*gzip-compressed; decompress it first/)
    const text = path.join(work, 'notes.txt')
    await writeFile(text, 'x'.repeat(1024))
    await expect(openLayout(text, 'notes.txt')).rejects.toThrow(/notes.txt: .*no tar header at the start/)
  })

  test('a legacy docker save archive (no index.json) says how to convert it', async () => {
    const dir = await fresh('legacy')
    await writeFile(path.join(dir, 'manifest.json'), '[]')
    const file = path.join(work, 'legacy.tar')
    await run('tar', ['--create', '--file', file, '--directory', dir, 'manifest.json'])
    await expect(openLayout(file, 'legacy.tar')).rejects.toThrow(
      /legacy `docker save` archive.*Docker 25 or later.*skopeo copy docker-archive:legacy.tar oci:DIR/,
    )
  })
})

function sha(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

function blobPath(dir: string, digest: string): string {
  return path.join(dir, 'blobs', 'sha256', digest.slice('sha256:'.length))
}

function header(name: string, size: number, type = '0', linkname = ''): Buffer {
  const block = tarHeader(name, size)
  block.write(type, 156, 1, 'ascii')
  block.write(linkname, 157, 100, 'ascii')
  fixChecksum(block)
  return block
}

function fixChecksum(block: Buffer): void {
  block.fill(' ', 148, 156)
  let sum = 0
  for (const byte of block) sum += byte
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii')
}

function pad(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)])
}
