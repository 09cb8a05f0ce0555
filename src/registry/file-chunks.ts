// Reading a blob for upload through one reused buffer. Streams allocate a fresh buffer per read,
// and V8 frees those only when external memory has grown by tens of MB since the last
// collection: several layers in flight kept ~70 MB of read buffers waiting for a GC. Here each
// upload holds one buffer for its whole life.
import { open } from 'node:fs/promises'

const CHUNK = 256 * 1024

/**
 * The `length` bytes at `start` of `file`, in chunks of one reused buffer: a chunk is valid only
 * until the next one is requested, so the consumer must be done with it (written out) first.
 */
export async function* fileChunks(file: string, start: number, length: number, size = CHUNK): AsyncGenerator<Buffer> {
  if (length === 0) return
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.allocUnsafeSlow(Math.min(size, length))
    for (let offset = 0; offset < length;) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, length - offset), start + offset)
      if (bytesRead === 0) throw new Error(`${file} ended ${length - offset} bytes early`)
      offset += bytesRead
      yield buffer.subarray(0, bytesRead)
    }
  } finally {
    await handle.close()
  }
}
