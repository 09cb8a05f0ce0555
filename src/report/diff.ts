// Unified diffs of one file for the PR body, the job summary and the log, shaped like `git diff`. The
// line matching is the `diff` package's; this module only renders its hunks the way git shows them.

import { structuredPatch } from 'diff'

const DEFAULT_CONTEXT = 3
/**
 * Beyond this many changed lines the files have little in common and an exact match would cost
 * quadratic time; the diff then replaces the whole file, which is still a correct patch.
 */
const MAX_EDIT_LENGTH = 2000
/** git copies at most this many bytes of the enclosing "function" line into a hunk header. */
const FUNCNAME_MAX_BYTES = 80
const NO_NEWLINE = '\\ No newline at end of file'
/** Shown for a carriage return that differs between the two sides, where a raw \r would be invisible. */
const VISIBLE_CR = '␍'

/**
 * Unified diff (like `git diff`) of one file: `--- a/PATH` / `+++ b/PATH` headers, @@ hunks with
 * `context` (default 3) lines and git's "function" text after the header. Identical input gives ''.
 *
 * Lines split on `\n`. A `\r` before it stays part of the line for the comparison but is shown only
 * where it differs: a change block whose lines disagree on it shows it as `␍`, elsewhere it is dropped
 * (a CRLF file otherwise reads as a wall of control characters). A missing final newline is marked
 * with `\ No newline at end of file`, as git does.
 */
export function unifiedDiff(path: string, before: string, after: string, context = DEFAULT_CONTEXT): string {
  if (!(context >= 0 && (Number.isInteger(context) || context === Infinity))) {
    throw new RangeError(`The diff context must be a whole number of lines (0 or more), not ${context}`)
  }
  if (before === after) return ''

  // The package counts context as a number of lines; Infinity (the whole file) is the longer length.
  const lines = Math.min(context, before.length + after.length + 1)
  const patch =
    structuredPatch('', '', before, after, undefined, undefined, { context: lines, maxEditLength: MAX_EDIT_LENGTH }) ??
    wholeFile(before, after)
  const beforeLines = before.split('\n')
  const out = [`--- a/${path}`, `+++ b/${path}`]
  for (const hunk of patch.hunks) {
    out.push(
      `@@ -${range(hunk.oldStart, hunk.oldLines)} +${range(hunk.newStart, hunk.newLines)} @@` +
        functionName(beforeLines, hunk.oldStart - 1),
    )
    out.push(...showCarriageReturns(hunk.lines))
  }
  out.push('')
  return out.join('\n')
}

interface Hunk {
  oldStart: number
  oldLines: number
  newStart: number
  newLines: number
  lines: string[]
}

/** One hunk taking every line out and putting every line in, in the package's shape. */
function wholeFile(before: string, after: string): { hunks: Hunk[] } {
  const side = (text: string, prefix: string): string[] => {
    if (text === '') return []
    const lines = text.split('\n')
    const finalNewline = lines[lines.length - 1] === ''
    if (finalNewline) lines.pop()
    const shown = lines.map((line) => prefix + line)
    return finalNewline ? shown : [...shown, NO_NEWLINE]
  }
  const removed = side(before, '-')
  const added = side(after, '+')
  const count = (lines: string[]): number => lines.filter((line) => line !== NO_NEWLINE).length
  return {
    hunks: [
      { oldStart: 1, oldLines: count(removed), newStart: 1, newLines: count(added), lines: [...removed, ...added] },
    ],
  }
}

/** git's range: `start,count`, the count left out when 1, the start one lower when the range is empty. */
function range(start: number, count: number): string {
  if (count === 1) return `${start}`
  return `${count === 0 ? start - 1 : start},${count}`
}

/**
 * Drops the `\r` before each line end, except inside a run of changed lines that disagree on it
 * (`b\r\n` → `b\n`), where it is shown as `␍` because it is the change.
 */
function showCarriageReturns(lines: string[]): string[] {
  const out: string[] = []
  let index = 0
  while (index < lines.length) {
    if (lines[index]![0] !== '-' && lines[index]![0] !== '+') {
      out.push(stripCr(lines[index]!, false))
      index++
      continue
    }
    let end = index
    while (end < lines.length && lines[end]![0] !== ' ') end++
    const changed = lines.slice(index, end).filter((line) => line !== NO_NEWLINE)
    const withCr = changed.filter((line) => line.endsWith('\r')).length
    const show = withCr > 0 && withCr < changed.length
    for (; index < end; index++) out.push(stripCr(lines[index]!, show))
  }
  return out
}

function stripCr(line: string, show: boolean): string {
  return line.endsWith('\r') ? line.slice(0, -1) + (show ? VISIBLE_CR : '') : line
}

/**
 * The text git's default driver puts after a hunk header: the nearest line above the hunk that starts
 * with a letter, `_` or `$`, cut to 80 bytes, trailing blanks removed.
 */
function functionName(lines: string[], hunkStart: number): string {
  for (let index = hunkStart - 1; index >= 0; index--) {
    const text = lines[index]!
    if (!/^[A-Za-z_$]/.test(text)) continue
    const name = truncateUtf8(text, FUNCNAME_MAX_BYTES).replace(/\s+$/, '')
    return name === '' ? '' : ` ${name}`
  }
  return ''
}

function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text
  let bytes = 0
  let end = 0
  for (const char of text) {
    const size = Buffer.byteLength(char)
    if (bytes + size > maxBytes) break
    bytes += size
    end += char.length
  }
  return text.slice(0, end)
}
