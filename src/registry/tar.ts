// An index of a tar archive's members by walking its headers with positional reads: no
// extraction, no decompression, no data read beyond headers. Members are then served straight
// from the archive with fs.createReadStream({ start, end }).
// Handles ustar (prefix field), GNU long names/link names ('L'/'K'), pax extended headers ('x')
// and base-256 sizes; that covers docker save, skopeo, buildx, GNU and bsd tar output.
import { open } from 'node:fs/promises'
import * as path from 'node:path'

export interface TarMember {
  /** Normalized path: no leading `./` or `/`. */
  readonly name: string
  readonly type: 'file' | 'directory' | 'hardlink' | 'symlink' | 'other'
  /** Byte offset of the member's data in the archive. */
  readonly offset: number
  readonly size: number
  readonly linkname?: string
}

const BLOCK = 512
const MAX_META_BYTES = 1024 * 1024

export class TarFormatError extends Error {
  constructor(file: string, reason: string) {
    super(`${file} is not a readable tar archive: ${reason}`)
    this.name = 'TarFormatError'
  }
}

export class TarIndex {
  private constructor(
    readonly file: string,
    private readonly members: ReadonlyMap<string, TarMember>,
  ) {}

  static async read(file: string): Promise<TarIndex> {
    return new TarIndex(file, await readMembers(file))
  }

  names(): string[] {
    return [...this.members.keys()]
  }

  /** The regular file at `name`, following hard and symbolic links inside the archive. */
  lookup(name: string): TarMember | undefined {
    let current = this.members.get(normalize(name))
    for (let hops = 0; current !== undefined && hops < 16; hops++) {
      if (current.type === 'file') return current
      if (current.type === 'hardlink' && current.linkname !== undefined) {
        current = this.members.get(normalize(current.linkname))
      } else if (current.type === 'symlink' && current.linkname !== undefined) {
        const target = current.linkname.startsWith('/')
          ? current.linkname
          : path.posix.join(path.posix.dirname(current.name), current.linkname)
        current = this.members.get(normalize(target))
      } else {
        return undefined
      }
    }
    return undefined
  }
}

async function readMembers(file: string): Promise<Map<string, TarMember>> {
  const members = new Map<string, TarMember>()
  const handle = await open(file, 'r')
  try {
    const { size: archiveSize } = await handle.stat()
    const block = Buffer.alloc(BLOCK)
    let position = 0
    let longName: string | undefined
    let longLink: string | undefined
    let pax: Record<string, string> = {}

    const readAt = async (buffer: Buffer, at: number): Promise<number> => {
      let done = 0
      while (done < buffer.length) {
        const { bytesRead } = await handle.read(buffer, done, buffer.length - done, at + done)
        if (bytesRead === 0) break
        done += bytesRead
      }
      return done
    }

    for (;;) {
      const read = await readAt(block, position)
      if (read === 0) break // archives without the two trailing zero blocks still end here
      if (position === 0) rejectCompressed(file, block)
      if (read < BLOCK) throw new TarFormatError(file, `truncated header at byte ${position}`)
      if (block.every((byte) => byte === 0)) break
      if (!checksumMatches(block)) {
        throw new TarFormatError(
          file,
          position === 0 ? 'no tar header at the start' : `corrupt header at byte ${position}`,
        )
      }

      const type = String.fromCharCode(block[156]!)
      const paxSize = pax.size !== undefined ? Number(pax.size) : undefined
      const size =
        paxSize !== undefined && Number.isSafeInteger(paxSize)
          ? paxSize
          : parseNumber(block.subarray(124, 136), file, position)
      const dataOffset = position + BLOCK
      if (dataOffset + size > archiveSize)
        throw new TarFormatError(file, `member at byte ${position} runs past the end of the archive`)
      position = dataOffset + Math.ceil(size / BLOCK) * BLOCK

      if (type === 'L' || type === 'K' || type === 'x' || type === 'g') {
        if (size > MAX_META_BYTES) throw new TarFormatError(file, `oversized ${type} header`)
        const data = Buffer.alloc(size)
        await readAt(data, dataOffset)
        if (type === 'L') longName = cString(data)
        else if (type === 'K') longLink = cString(data)
        else if (type === 'x') pax = parsePax(data)
        // 'g' (global pax) sets defaults we do not need.
        continue
      }

      const name = longName ?? pax.path ?? headerName(block)
      const linkname = longLink ?? pax.linkpath ?? cString(block.subarray(157, 257))
      longName = longLink = undefined
      pax = {}

      const member: TarMember = {
        name: normalize(name),
        type: memberType(type),
        offset: dataOffset,
        size: type === '1' || type === '2' || type === '5' ? 0 : size,
        ...(linkname !== '' && { linkname }),
      }
      if (member.name !== '') members.set(member.name, member)
    }
  } finally {
    await handle.close()
  }
  return members
}

function rejectCompressed(file: string, block: Buffer): void {
  if (block[0] === 0x1f && block[1] === 0x8b) {
    throw new TarFormatError(
      file,
      'it is gzip-compressed; decompress it first (e.g. `gunzip` or `docker save` without `| gzip`)',
    )
  }
  if (block[0] === 0x28 && block[1] === 0xb5 && block[2] === 0x2f && block[3] === 0xfd) {
    throw new TarFormatError(file, 'it is zstd-compressed; decompress it first (`zstd -d`)')
  }
}

function memberType(flag: string): TarMember['type'] {
  switch (flag) {
    case '0':
    case '\0':
    case '7':
      return 'file'
    case '1':
      return 'hardlink'
    case '2':
      return 'symlink'
    case '5':
      return 'directory'
    default:
      return 'other'
  }
}

function headerName(block: Buffer): string {
  const name = cString(block.subarray(0, 100))
  // Only POSIX ustar ("ustar\0") has a prefix field; GNU tar ("ustar  ") keeps other data there.
  const posix = block.subarray(257, 263).toString('latin1') === 'ustar\0'
  const prefix = posix ? cString(block.subarray(345, 500)) : ''
  return prefix ? `${prefix}/${name}` : name
}

function checksumMatches(block: Buffer): boolean {
  const stored = Number.parseInt(cString(block.subarray(148, 156)).trim() || 'NaN', 8)
  let unsigned = 0
  let signed = 0
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]!
    unsigned += byte
    signed += byte > 127 ? byte - 256 : byte
  }
  return stored === unsigned || stored === signed
}

function parseNumber(field: Buffer, file: string, at: number): number {
  if (field[0]! & 0x80) {
    // GNU base-256: big-endian binary, for sizes beyond the 8 GiB that 11 octal digits hold.
    if (field[0]! & 0x40) throw new TarFormatError(file, `negative size at byte ${at}`)
    let value = field[0]! & 0x3f
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]!
    if (!Number.isSafeInteger(value)) throw new TarFormatError(file, `size too large at byte ${at}`)
    return value
  }
  const text = cString(field).trim()
  if (text === '') return 0
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(file, `bad size field at byte ${at}`)
  return Number.parseInt(text, 8)
}

/** pax records: `LENGTH key=value\n`, LENGTH counting the whole record in bytes. */
function parsePax(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {}
  let at = 0
  while (at < data.length) {
    const space = data.indexOf(0x20, at)
    if (space < 0) break
    const length = Number(data.subarray(at, space).toString('ascii'))
    if (!Number.isSafeInteger(length) || length <= 0 || at + length > data.length) break
    const record = data.subarray(space + 1, at + length - 1).toString('utf8')
    const equals = record.indexOf('=')
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1)
    at += length
  }
  return records
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0)
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8')
}

function normalize(name: string): string {
  const normalized = path.posix.normalize(`/${name}`).replace(/^\/+/, '').replace(/\/+$/, '')
  return normalized === '.' ? '' : normalized
}
