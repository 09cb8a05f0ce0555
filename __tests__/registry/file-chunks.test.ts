// Reading a file range through one reused buffer: the bytes are right as long as each chunk is
// used before the next is requested, and the buffer really is reused.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { fileChunks } from '../../src/registry/file-chunks.js'

let dir: string
let file: string
const bytes = randomBytes(100_003)

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gda-file-chunks-'))
  file = path.join(dir, 'blob')
  writeFileSync(file, bytes)
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function collect(
  start: number,
  length: number,
  size: number,
): Promise<{ data: Buffer; buffers: Set<ArrayBufferLike> }> {
  const copies: Buffer[] = []
  const buffers = new Set<ArrayBufferLike>()
  for await (const chunk of fileChunks(file, start, length, size)) {
    buffers.add(chunk.buffer)
    copies.push(Buffer.from(chunk)) // used (copied) before the next chunk is requested
  }
  return { data: Buffer.concat(copies), buffers }
}

describe('fileChunks', () => {
  test.each([
    [0, 100_003, 4096],
    [0, 100_003, 1 << 20],
    [17, 50_000, 4096],
    [99_000, 1003, 256],
    [5, 0, 4096],
  ])('start %i, length %i, buffer %i', async (start, length, size) => {
    const { data, buffers } = await collect(start, length, size)
    expect(data.equals(bytes.subarray(start, start + length))).toBe(true)
    expect(buffers.size).toBeLessThanOrEqual(1)
  })

  test('a file shorter than the range fails', async () => {
    await expect(collect(100_000, 10, 4096)).rejects.toThrow(/ended 7 bytes early/)
  })
})
