// Unified diffs of one file, shaped like `git diff`: Myers' O(ND) algorithm in linear space, with
// git's preparation (common ends trimmed, lines without a counterpart set aside) and its sliding of
// change groups, so a diff of a 1,000-document manifest costs little more than reading it.

const DEFAULT_CONTEXT = 3
/** Below this edit cost the search stays exact; above it a near-optimal split is accepted (as git does). */
const MIN_MAX_COST = 256
/** git copies at most this many bytes of the enclosing "function" line into a hunk header. */
const FUNCNAME_MAX_BYTES = 80
const NO_NEWLINE = '\\ No newline at end of file'
/** Shown for a carriage return that differs between the two sides, where a raw \r would be invisible. */
const VISIBLE_CR = '␍'

interface Side {
  /** Line texts without their `\n`. */
  readonly lines: string[]
  /** Whether the text ends with `\n`; when not, its last line has none. */
  readonly finalNewline: boolean
}

/**
 * Unified diff (like `git diff` / `diff -u`) of one file: `--- a/PATH` / `+++ b/PATH` headers, @@ hunks
 * with `context` (default 3) lines. Identical input gives ''.
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

  const a = splitLines(before)
  const b = splitLines(after)
  const [idsA, idsB] = lineIds(a, b)
  const changedA = new Uint8Array(idsA.length)
  const changedB = new Uint8Array(idsB.length)
  markChanges(idsA, idsB, changedA, changedB)
  compact(idsA, changedA, idsB, changedB)
  compact(idsB, changedB, idsA, changedA)

  const out = [`--- a/${path}`, `+++ b/${path}`]
  for (const hunk of hunks(changeBlocks(changedA, changedB), idsA.length, idsB.length, context)) {
    emitHunk(out, hunk, a, b)
  }
  out.push('')
  return out.join('\n')
}

function splitLines(text: string): Side {
  if (text === '') return { lines: [], finalNewline: true }
  const lines = text.split('\n')
  const finalNewline = lines[lines.length - 1] === ''
  if (finalNewline) lines.pop()
  return { lines, finalNewline }
}

/** Small integers in place of lines, so the search compares numbers; equal ids mean equal lines. */
function lineIds(a: Side, b: Side): [Int32Array, Int32Array] {
  const ids = new Map<string, number>()
  const convert = (side: Side): Int32Array => {
    const result = new Int32Array(side.lines.length)
    side.lines.forEach((line, index) => {
      // No line text holds a `\n`, so appending one keeps a last line without newline distinct.
      const key = index === side.lines.length - 1 && !side.finalNewline ? line : `${line}\n`
      let id = ids.get(key)
      if (id === undefined) {
        id = ids.size
        ids.set(key, id)
      }
      result[index] = id
    })
    return result
  }
  return [convert(a), convert(b)]
}

/** Sets changed[i] for every line outside a longest common subsequence of the two files. */
function markChanges(a: Int32Array, b: Int32Array, changedA: Uint8Array, changedB: Uint8Array): void {
  let lo = 0
  let hiA = a.length
  let hiB = b.length
  while (lo < hiA && lo < hiB && a[lo] === b[lo]) lo++
  while (hiA > lo && hiB > lo && a[hiA - 1] === b[hiB - 1]) {
    hiA--
    hiB--
  }

  // A line with no copy on the other side can never be matched: mark it now and keep it out of the
  // search. A wholesale rewrite then costs nothing, and the subsequence found is the same.
  const inA = new Set<number>()
  const inB = new Set<number>()
  for (let i = lo; i < hiA; i++) inA.add(a[i])
  for (let i = lo; i < hiB; i++) inB.add(b[i])
  const keep = (ids: Int32Array, hi: number, other: Set<number>, changed: Uint8Array): [Int32Array, Int32Array] => {
    const kept = new Int32Array(hi - lo)
    const index = new Int32Array(hi - lo)
    let n = 0
    for (let i = lo; i < hi; i++) {
      if (other.has(ids[i])) {
        kept[n] = ids[i]
        index[n++] = i
      } else {
        changed[i] = 1
      }
    }
    return [kept.subarray(0, n), index.subarray(0, n)]
  }
  const [keptA, indexA] = keep(a, hiA, inB, changedA)
  const [keptB, indexB] = keep(b, hiB, inA, changedB)

  const reducedA = new Uint8Array(keptA.length)
  const reducedB = new Uint8Array(keptB.length)
  myers(keptA, keptB, reducedA, reducedB)
  reducedA.forEach((flag, i) => {
    if (flag) changedA[indexA[i]] = 1
  })
  reducedB.forEach((flag, i) => {
    if (flag) changedB[indexB[i]] = 1
  })
}

interface Box {
  lo1: number
  hi1: number
  lo2: number
  hi2: number
  /** Whether this box must be solved exactly (no cost cut-off). */
  exact: boolean
}

interface Split {
  i: number
  j: number
  exactLow: boolean
  exactHigh: boolean
}

/**
 * Myers' linear-space divide and conquer: find a middle snake, solve both halves. An explicit stack
 * instead of recursion keeps deep splits off the call stack.
 */
function myers(a: Int32Array, b: Int32Array, changedA: Uint8Array, changedB: Uint8Array): void {
  if (a.length === 0 && b.length === 0) return
  // Diagonals k = i - j run from -len(b) to len(a); one sentinel on each side.
  const offset = b.length + 1
  const forward = new Int32Array(a.length + b.length + 3)
  const backward = new Int32Array(a.length + b.length + 3)
  const maxCost = Math.max(MIN_MAX_COST, Math.ceil(Math.sqrt(a.length + b.length + 3)))

  const stack: Box[] = [{ lo1: 0, hi1: a.length, lo2: 0, hi2: b.length, exact: false }]
  for (let box = stack.pop(); box; box = stack.pop()) {
    let { lo1, hi1, lo2, hi2 } = box
    while (lo1 < hi1 && lo2 < hi2 && a[lo1] === b[lo2]) {
      lo1++
      lo2++
    }
    while (lo1 < hi1 && lo2 < hi2 && a[hi1 - 1] === b[hi2 - 1]) {
      hi1--
      hi2--
    }
    if (lo1 === hi1) {
      changedB.fill(1, lo2, hi2)
    } else if (lo2 === hi2) {
      changedA.fill(1, lo1, hi1)
    } else {
      const split = middleSnake(a, b, { lo1, hi1, lo2, hi2, exact: box.exact }, forward, backward, offset, maxCost)
      stack.push({ lo1: split.i, hi1, lo2: split.j, hi2, exact: split.exactHigh })
      stack.push({ lo1, hi1: split.i, lo2, hi2: split.j, exact: split.exactLow })
    }
  }
}

/**
 * Extends furthest-reaching paths from both corners of the box until they overlap; the overlap is a
 * point on an optimal path. Past `maxCost` in an inexact box, settles for the point that got furthest,
 * which bounds the work on pathological input at the price of a possibly longer diff.
 */
function middleSnake(
  a: Int32Array,
  b: Int32Array,
  box: Box,
  forward: Int32Array,
  backward: Int32Array,
  offset: number,
  maxCost: number,
): Split {
  const { lo1, hi1, lo2, hi2 } = box
  const kMin = lo1 - hi2
  const kMax = hi1 - lo2
  const forwardMid = lo1 - lo2
  const backwardMid = hi1 - hi2
  const odd = ((forwardMid - backwardMid) & 1) !== 0
  let fMin = forwardMid
  let fMax = forwardMid
  let bMin = backwardMid
  let bMax = backwardMid
  forward[offset + forwardMid] = lo1
  backward[offset + backwardMid] = hi1

  for (let cost = 1; ; cost++) {
    // Widen the band of diagonals by one on each side while it stays inside the box; the values just
    // outside the band are sentinels that lose every comparison.
    if (fMin > kMin) forward[offset + --fMin - 1] = -1
    else fMin++
    if (fMax < kMax) forward[offset + ++fMax + 1] = -1
    else fMax--
    for (let k = fMax; k >= fMin; k -= 2) {
      const left = forward[offset + k - 1]
      const right = forward[offset + k + 1]
      let i = left >= right ? left + 1 : right
      let j = i - k
      while (i < hi1 && j < hi2 && a[i] === b[j]) {
        i++
        j++
      }
      forward[offset + k] = i
      if (odd && bMin <= k && k <= bMax && backward[offset + k] <= i) {
        return { i, j, exactLow: true, exactHigh: true }
      }
    }

    if (bMin > kMin) backward[offset + --bMin - 1] = 0x7fffffff
    else bMin++
    if (bMax < kMax) backward[offset + ++bMax + 1] = 0x7fffffff
    else bMax--
    for (let k = bMax; k >= bMin; k -= 2) {
      const left = backward[offset + k - 1]
      const right = backward[offset + k + 1]
      let i = left < right ? left : right - 1
      let j = i - k
      while (i > lo1 && j > lo2 && a[i - 1] === b[j - 1]) {
        i--
        j--
      }
      backward[offset + k] = i
      if (!odd && fMin <= k && k <= fMax && i <= forward[offset + k]) {
        return { i, j, exactLow: true, exactHigh: true }
      }
    }

    if (box.exact || cost < maxCost) continue

    let forwardBest = -1
    let forwardI = lo1
    for (let k = fMax; k >= fMin; k -= 2) {
      let i = Math.min(forward[offset + k], hi1)
      let j = i - k
      if (j > hi2) {
        i = hi2 + k
        j = hi2
      }
      if (i + j > forwardBest) {
        forwardBest = i + j
        forwardI = i
      }
    }
    let backwardBest = 0x7fffffff
    let backwardI = hi1
    for (let k = bMax; k >= bMin; k -= 2) {
      let i = Math.max(lo1, backward[offset + k])
      let j = i - k
      if (j < lo2) {
        i = lo2 + k
        j = lo2
      }
      if (i + j < backwardBest) {
        backwardBest = i + j
        backwardI = i
      }
    }
    // The side whose search went further has mapped its half exactly; the other half stays inexact.
    return hi1 + hi2 - backwardBest < forwardBest - (lo1 + lo2)
      ? { i: forwardI, j: forwardBest - forwardI, exactLow: true, exactHigh: false }
      : { i: backwardI, j: backwardBest - backwardI, exactLow: false, exactHigh: true }
  }
}

/** A maximal run of changed lines in one file (possibly empty), between two unchanged lines. */
interface Group {
  start: number
  end: number
}

/**
 * Slides each change group of `ids` up and down across equal lines, as git's xdl_change_compact does
 * without its indent heuristic: merge groups where sliding joins them, then prefer the position that
 * lines up with a change on the other side, else the lowest one.
 */
function compact(ids: Int32Array, changed: Uint8Array, otherIds: Int32Array, otherChanged: Uint8Array): void {
  const file = { ids, changed }
  const other = { ids: otherIds, changed: otherChanged }
  const g = firstGroup(changed)
  const go = firstGroup(otherChanged)
  for (;;) {
    if (g.end !== g.start) {
      let size: number
      let earliestEnd: number
      let endMatchingOther: number
      do {
        size = g.end - g.start
        endMatchingOther = -1
        while (slideUp(file, g)) previousGroup(other, go)
        earliestEnd = g.end
        if (go.end > go.start) endMatchingOther = g.end
        while (slideDown(file, g)) {
          nextGroup(other, go)
          if (go.end > go.start) endMatchingOther = g.end
        }
      } while (size !== g.end - g.start)

      if (g.end !== earliestEnd && endMatchingOther !== -1) {
        while (go.end === go.start) {
          if (!slideUp(file, g)) throw new Error('diff: change group cannot slide back')
          previousGroup(other, go)
        }
      }
    }
    if (g.end >= ids.length) break
    nextGroup(file, g)
    nextGroup(other, go)
  }
}

interface Flags {
  ids: Int32Array
  changed: Uint8Array
}

function firstGroup(changed: Uint8Array): Group {
  let end = 0
  while (end < changed.length && changed[end]) end++
  return { start: 0, end }
}

function nextGroup({ changed }: Flags, g: Group): void {
  if (g.end >= changed.length) throw new Error('diff: change groups out of step')
  g.start = g.end + 1
  g.end = g.start
  while (g.end < changed.length && changed[g.end]) g.end++
}

function previousGroup({ changed }: Flags, g: Group): void {
  if (g.start === 0) throw new Error('diff: change groups out of step')
  g.end = g.start - 1
  g.start = g.end
  while (g.start > 0 && changed[g.start - 1]) g.start--
}

function slideDown({ ids, changed }: Flags, g: Group): boolean {
  if (g.end >= ids.length || ids[g.start] !== ids[g.end]) return false
  changed[g.start++] = 0
  changed[g.end++] = 1
  while (g.end < ids.length && changed[g.end]) g.end++
  return true
}

function slideUp({ ids, changed }: Flags, g: Group): boolean {
  if (g.start === 0 || ids[g.start - 1] !== ids[g.end - 1]) return false
  changed[--g.start] = 1
  changed[--g.end] = 0
  while (g.start > 0 && changed[g.start - 1]) g.start--
  return true
}

/** Lines [a, aEnd) of the old file replaced by [b, bEnd) of the new one. */
interface Block {
  a: number
  aEnd: number
  b: number
  bEnd: number
}

function changeBlocks(changedA: Uint8Array, changedB: Uint8Array): Block[] {
  const blocks: Block[] = []
  let i = 0
  let j = 0
  while (i < changedA.length || j < changedB.length) {
    if (changedA[i] || changedB[j]) {
      const block = { a: i, aEnd: i, b: j, bEnd: j }
      while (changedA[i]) i++
      while (changedB[j]) j++
      block.aEnd = i
      block.bEnd = j
      blocks.push(block)
    } else {
      i++
      j++
    }
  }
  return blocks
}

interface Hunk {
  a: number
  aEnd: number
  b: number
  bEnd: number
  blocks: Block[]
}

/** Groups blocks whose context would touch or overlap into one hunk, as git does. */
function hunks(blocks: Block[], lengthA: number, lengthB: number, context: number): Hunk[] {
  const result: Hunk[] = []
  let current: Block[] = []
  const close = (): void => {
    const first = current[0]
    const last = current[current.length - 1]
    const before = Math.min(context, first.a)
    const after = Math.min(context, lengthA - last.aEnd, lengthB - last.bEnd)
    result.push({
      a: first.a - before,
      aEnd: last.aEnd + after,
      b: first.b - before,
      bEnd: last.bEnd + after,
      blocks: current,
    })
    current = []
  }
  for (const block of blocks) {
    const previous = current[current.length - 1]
    if (previous && block.a - previous.aEnd > 2 * context) close()
    current.push(block)
  }
  if (current.length > 0) close()
  return result
}

function emitHunk(out: string[], hunk: Hunk, a: Side, b: Side): void {
  const range = (start: number, end: number): string => {
    const count = end - start
    if (count === 1) return `${start + 1}`
    return `${count === 0 ? start : start + 1},${count}`
  }
  out.push(`@@ -${range(hunk.a, hunk.aEnd)} +${range(hunk.b, hunk.bEnd)} @@${functionName(a.lines, hunk.a)}`)

  const line = (prefix: string, side: Side, index: number, showCr: boolean): void => {
    let text = side.lines[index]
    if (text.endsWith('\r')) text = text.slice(0, -1) + (showCr ? VISIBLE_CR : '')
    out.push(prefix + text)
    if (index === side.lines.length - 1 && !side.finalNewline) out.push(NO_NEWLINE)
  }
  let i = hunk.a
  let j = hunk.b
  for (const block of hunk.blocks) {
    for (; i < block.a; i++, j++) line(' ', a, i, false)
    const showCr = mixedCarriageReturns(a.lines.slice(block.a, block.aEnd).concat(b.lines.slice(block.b, block.bEnd)))
    for (; i < block.aEnd; i++) line('-', a, i, showCr)
    for (; j < block.bEnd; j++) line('+', b, j, showCr)
  }
  for (; i < hunk.aEnd; i++, j++) line(' ', a, i, false)
}

function mixedCarriageReturns(lines: string[]): boolean {
  const withCr = lines.filter((text) => text.endsWith('\r')).length
  return withCr > 0 && withCr < lines.length
}

/**
 * The text git's default driver puts after a hunk header: the nearest line above the hunk that starts
 * with a letter, `_` or `$`, cut to 80 bytes, trailing blanks removed.
 */
function functionName(lines: string[], hunkStart: number): string {
  for (let index = hunkStart - 1; index >= 0; index--) {
    const text = lines[index]
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
