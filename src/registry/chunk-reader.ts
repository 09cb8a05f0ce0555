// One blob's stream cut into consecutive request bodies (PATCH chunks of a chunked upload)
// without copying or buffering more than one read.

/** Splits one stream into consecutive request bodies without copying or buffering more than one read. */
export class ChunkReader {
  private pending: Buffer | undefined

  constructor(private readonly iterator: AsyncIterator<Buffer | string>) {}

  async *take(length: number): AsyncGenerator<Buffer> {
    let remaining = length
    while (remaining > 0) {
      let piece = this.pending
      this.pending = undefined
      if (piece === undefined) {
        const next = await this.iterator.next()
        if (next.done) throw new Error(`the blob's source ended ${remaining} bytes before its declared size`)
        piece = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value)
      }
      if (piece.length > remaining) {
        this.pending = piece.subarray(remaining)
        piece = piece.subarray(0, remaining)
      }
      remaining -= piece.length
      yield piece
    }
  }

  close(): void {
    // Ending the iterator destroys the underlying file stream.
    void this.iterator.return?.().catch(() => undefined)
  }
}
