// Byte-preserving edits of YAML source text: replace one scalar keeping its quoting style, or add keys to a
// mapping beside its other keys. Pure.

import { parse } from 'yaml'
import type { YAMLMap } from 'yaml'

/** A plain scalar stays plain only when the YAML reading of the new text is the text itself, also inside `[…]`/`{…}`. */
const PLAIN_SAFE = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/

/** Reads back as the same string when written plain (`1.25` would be a number, `true` a boolean). */
function plainReadsAsString(value: string): boolean {
  if (!PLAIN_SAFE.test(value)) return false
  try {
    return parse(value) === value
  } catch {
    return false
  }
}

/** `value` as a YAML scalar on its own: plain when that reads back as the same string, else double-quoted. */
export function scalarText(value: string): string {
  return plainReadsAsString(value) ? value : JSON.stringify(value)
}

/**
 * The text that replaces a scalar's `source` (quotes included) holding `current`, so that it holds
 * `replacement` in the same style. Undefined when that cannot be done in place (a block scalar whose
 * content is not `current` on one line, or plain text that is not `current`).
 */
export function renderScalarText(source: string, current: string, replacement: string): string | undefined {
  switch (source[0]) {
    case "'":
      return `'${replacement.replace(/'/g, "''")}'`
    case '"':
      return JSON.stringify(replacement)
    case '|':
    case '>': {
      // Keep the header (`|`, `>-`, …), indentation and line breaks: only the content line changes.
      const header = source.indexOf('\n') + 1
      const at = header > 0 ? source.indexOf(current, header) : -1
      if (at < 0) return undefined
      return source.slice(0, at) + replacement + source.slice(at + current.length)
    }
    default:
      if (source !== current) return undefined
      return scalarText(replacement)
  }
}

export interface TextEdit {
  readonly start: number
  readonly end: number
  readonly text: string
}

/**
 * Adds `key: value` pairs to `map`: in a flow mapping before its `}`, in a block mapping on new lines after
 * its last key, at the same indentation and with the file's line ending.
 */
export function insertPair(
  content: string,
  map: YAMLMap,
  pairs: readonly (readonly [string, string])[],
): TextEdit | undefined {
  const written = pairs.map(([key, value]) => `${key}: ${scalarText(value)}`)
  const [mapStart, mapEnd] = map.range ?? [0, 0]
  if (map.flow) {
    const close = content.lastIndexOf('}', mapEnd - 1)
    let at = close
    while (at > mapStart && /\s/.test(content[at - 1]!)) at--
    const empty = content[at - 1] === '{'
    const text = (empty ? '' : ', ') + written.join(', ')
    return { start: at, end: at, text }
  }
  const first = map.items[0]
  const last = map.items[map.items.length - 1]
  const firstKey = first?.key as { range?: [number, number, number] } | undefined
  const lastNode = (last?.value ?? last?.key) as { range?: [number, number, number]; source?: string } | undefined
  const lastText = lastNode?.range ? content.slice(lastNode.range[0], lastNode.range[1]) : undefined
  // A last value over several lines (block scalar, nested collection) has no obvious line to follow.
  if (!firstKey?.range || !lastNode?.range || lastText === undefined || lastText.includes('\n')) return undefined
  const keyStart = firstKey.range[0]
  const indent = keyStart - (content.lastIndexOf('\n', keyStart - 1) + 1)
  let lineEnd = content.indexOf('\n', lastNode.range[1])
  if (lineEnd < 0) lineEnd = content.length
  const crlf = lineEnd < content.length ? content[lineEnd - 1] === '\r' : content.includes('\r\n')
  const at = lineEnd < content.length && crlf ? lineEnd - 1 : lineEnd
  const eol = crlf ? '\r\n' : '\n'
  return { start: at, end: at, text: written.map((pair) => `${eol}${' '.repeat(indent)}${pair}`).join('') }
}

/** Applies non-overlapping edits. */
export function applyEdits(content: string, edits: readonly TextEdit[]): string {
  const ordered = [...edits].sort((a, b) => a.start - b.start)
  const parts: string[] = []
  let cursor = 0
  for (const edit of ordered) {
    if (edit.start < cursor) throw new Error('internal error: overlapping edits')
    parts.push(content.slice(cursor, edit.start), edit.text)
    cursor = edit.end
  }
  parts.push(content.slice(cursor))
  return parts.join('')
}
