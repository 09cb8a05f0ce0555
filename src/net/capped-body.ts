// Reading a fetch Response's body without trusting its size: a server (or whatever answers in
// its place) can send gigabytes, and `response.text()` would hold all of them. These read the
// stream piece by piece and stop, cancelling the rest, at a cap.

/** The body was longer than the caller's cap; nothing past the cap was kept. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the answer is larger than ${formatBytes(limit)}`)
    this.name = 'BodyTooLarge'
  }
}

/** The whole body as text, or BodyTooLarge once more than `maxBytes` arrived. */
export async function readTextCapped(response: Response, maxBytes: number): Promise<string> {
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader()
  if (reader === undefined) return ''
  // Decoded as it arrives: no second copy of the bytes, and nothing kept past the cap.
  const decoder = new TextDecoder()
  const parts: string[] = []
  let length = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return parts.join('') + decoder.decode()
      length += value.length
      if (length > maxBytes) throw new BodyTooLarge(maxBytes)
      parts.push(decoder.decode(value, { stream: true }))
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
}

/** The first `maxBytes` of the body; the rest is cancelled unread. */
export async function readHead(
  response: Response,
  maxBytes: number,
): Promise<{ readonly bytes: Uint8Array; readonly truncated: boolean }> {
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader()
  if (reader === undefined) return { bytes: new Uint8Array(), truncated: false }
  const pieces: Uint8Array[] = []
  let length = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return { bytes: concat(pieces, length), truncated: false }
      const room = maxBytes - length
      if (value.length >= room) {
        pieces.push(value.subarray(0, room))
        length += room
        const more = value.length > room || !(await reader.read().then((next) => next.done))
        return { bytes: concat(pieces, length), truncated: more }
      }
      pieces.push(value)
      length += value.length
    }
  } finally {
    // Frees the connection without downloading what is left.
    await reader.cancel().catch(() => undefined)
  }
}

function concat(pieces: readonly Uint8Array[], length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  let offset = 0
  for (const piece of pieces) {
    bytes.set(piece, offset)
    offset += piece.length
  }
  return bytes
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`
}
