// go-yaml (kubectl, kustomize, Argo CD) accepts a quoted scalar whose continuation lines are indented
// less than its key, e.g. an annotation written as 'first line\n  continued'; the yaml library refuses
// it. For parsing only, such scalars get their line breaks turned into spaces: same length, so every
// offset still points into the original text, which is what gets edited. Likewise a carriage return
// not followed by a line feed, which go-yaml reads as a line break and the yaml library as text:
// it is parsed as a line feed. Pure.

const MAX_ROUNDS = 8
/** How far above a reported error the opening quote is looked for. */
const MAX_LINES_BACK = 64
const OPENS_SCALAR = /[\s:[{,-]/

/**
 * `content` with the line breaks inside the quoted scalars around `errorOffsets` (where the parser
 * reported a missing closing quote) replaced by spaces; `content` itself when there is none.
 */
function relaxQuotedScalars(content: string, errorOffsets: readonly number[]): string {
  let text = content
  for (const offset of errorOffsets) {
    const span = multiLineQuote(text, offset)
    if (!span) continue
    const [open, close] = span
    text = text.slice(0, open) + text.slice(open, close).replace(/[\r\n]/g, ' ') + text.slice(close)
  }
  return text
}

/** Parses with `parse` and, while it reports missing closing quotes, retries on a relaxed copy. */
export function parseRelaxed<T extends { errors: readonly { code: string; pos: [number, number] }[] }>(
  content: string,
  parse: (text: string) => T[],
): { documents: T[]; text: string } {
  let text = content.includes('\r') ? content.replace(/\r(?!\n)/g, '\n') : content
  let documents = parse(text)
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const offsets = documents.flatMap((document) =>
      document.errors.filter((error) => error.code === 'MISSING_CHAR').map((error) => error.pos[0]),
    )
    if (offsets.length === 0) break
    const relaxed = relaxQuotedScalars(text, offsets)
    if (relaxed === text) break
    text = relaxed
    documents = parse(text)
  }
  return { documents, text }
}

/** [opening quote, closing quote) of a quoted scalar spanning lines, opened at or above `offset`'s line. */
function multiLineQuote(text: string, offset: number): [number, number] | undefined {
  let lineStart = text.lastIndexOf('\n', Math.max(offset - 1, 0)) + 1
  for (let back = 0; back < MAX_LINES_BACK && lineStart >= 0; back++) {
    let lineEnd = text.indexOf('\n', lineStart)
    if (lineEnd < 0) lineEnd = text.length
    for (let at = lineStart; at < lineEnd; at++) {
      const char = text[at]
      if (char === '#' && (at === lineStart || /\s/.test(text[at - 1]!))) break // a comment: rest of line
      if ((char !== "'" && char !== '"') || (at > lineStart && !OPENS_SCALAR.test(text[at - 1]!))) continue
      const close = closingQuote(text, at)
      if (close === undefined) return undefined
      if (close > lineEnd) return [at, close]
      at = close
    }
    if (lineStart === 0) return undefined
    lineStart = text.lastIndexOf('\n', lineStart - 2) + 1
  }
  return undefined
}

function closingQuote(text: string, open: number): number | undefined {
  const quote = text[open]
  for (let at = open + 1; at < text.length; at++) {
    const char = text[at]
    if (quote === '"' && char === '\\') at++
    else if (char === quote) {
      if (quote === "'" && text[at + 1] === "'") at++
      else return at
    }
  }
  return undefined
}

/** Line starts of `content` itself, for messages about a file parsed through a relaxed copy. */
export function lineOfOffset(content: string): (offset: number) => number {
  const starts = [0]
  for (let at = content.indexOf('\n'); at >= 0; at = content.indexOf('\n', at + 1)) starts.push(at + 1)
  return (offset) => {
    let low = 0
    let high = starts.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (starts[middle]! <= offset) low = middle
      else high = middle - 1
    }
    return low + 1
  }
}
