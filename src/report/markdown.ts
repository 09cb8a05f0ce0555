// GitHub-flavoured Markdown pieces shared by the pull-request body and the job summary. Values that
// come from users (paths, container names, kinds) go through these so they can't break the layout.

/** Measures text the way a size limit counts it; additive over concatenation. */
export type Measure = (text: string) => number

/**
 * Characters as GitHub counts a body, pessimistically: UTF-16 units (never fewer than code points)
 * and every `\n` twice, in case it is stored as `\r\n`.
 */
export const bodyLength: Measure = (text) => text.length + countNewlines(text)
export const utf8Length: Measure = (text) => Buffer.byteLength(text)

function countNewlines(text: string): number {
  let count = 0
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) count++
  return count
}

/** Inline code that survives backticks and line breaks in the value. */
export function code(value: string): string {
  const text = value.replace(/\r?\n|\r/g, ' ')
  if (text === '') return '` `'
  const fence = '`'.repeat(longestRun(text, '`') + 1)
  // A space on both sides is stripped again by the renderer; it keeps a backtick at either end apart from the fence.
  const pad =
    text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '')
      ? ' '
      : ''
  return `${fence}${pad}${text}${pad}${fence}`
}

/** Plain text with Markdown and HTML syntax neutralised. */
export function text(value: string): string {
  return value.replace(/\r?\n|\r/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, '\\$&')
}

export function html(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

/** A table cell: pipes would end the cell even inside code spans. */
export function cell(markdown: string): string {
  return markdown.replace(/\|/g, '\\|')
}

export function link(label: string, url: string): string {
  return `[${label}](${url.replace(/[\s()<>]/g, (char) => encodeURIComponent(char))})`
}

/** `{server}/{path}` with each path segment percent-encoded (branch names may hold `#` or `?`). */
export function url(server: string, ...segments: string[]): string {
  const path = segments
    .flatMap((segment) => segment.split('/'))
    .filter((segment) => segment !== '')
    .map(encodeURIComponent)
    .join('/')
  return `${server.replace(/\/+$/, '')}/${path}`
}

/** A fenced code block whose fence is longer than any backtick run inside, so the content can't close it. */
export function fenced(content: string, info = ''): string {
  const fence = '`'.repeat(Math.max(3, longestRun(content, '`') + 1))
  const body = content.endsWith('\n') ? content : `${content}\n`
  return `${fence}${info}\n${body}${fence}\n`
}

/** A vertical two-column table: bold labels on the left. */
export function table(rows: [label: string, value: string][]): string {
  return ['| | |', '|---|---|', ...rows.map(([label, value]) => `| **${label}** | ${cell(value)} |`)].join('\n') + '\n'
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`
}

function longestRun(value: string, char: string): number {
  let longest = 0
  let current = 0
  for (const c of value) {
    current = c === char ? current + 1 : 0
    if (current > longest) longest = current
  }
  return longest
}

export interface FileDiff {
  path: string
  diff: string
}

export interface ChangeLine {
  line: number
  kind: string
  workload: string
  container: string
  from: string
  to: string
}

/** Diffs longer than this many lines are collapsed. */
const COLLAPSE_LINES = 25
/** Room kept for the closing note when the diffs are cut short. */
const NOTE_RESERVE = 400

/**
 * The diffs, in ```diff fences, long ones collapsed in <details>, within `budget` as `measure` counts:
 * the diff that no longer fits is cut at a line, the rest left out, and a note says so.
 */
export function diffSections(files: FileDiff[], budget: number, measure: Measure, limitName: string): string {
  const withDiff = files.filter((file) => file.diff !== '')
  const parts: string[] = []
  const newline = measure('\n')
  let used = 0
  for (const [index, file] of withDiff.entries()) {
    const block = diffBlock(file)
    const room = budget - used - (index < withDiff.length - 1 ? NOTE_RESERVE : 0)
    if (measure(block) + newline <= room) {
      parts.push(block)
      used += measure(block) + newline
      continue
    }
    const cut = truncatedDiffBlock(file, budget - used - NOTE_RESERVE, measure)
    if (cut !== undefined) parts.push(cut.block)
    const left = withDiff.length - index - (cut === undefined ? 0 : 1)
    const shown = cut === undefined ? '' : `The last diff is cut after ${plural(cut.shown, 'line')} of ${cut.total}. `
    const rest = left > 0 ? `The diffs of ${plural(left, 'more file')} are left out. ` : ''
    parts.push(`_${shown}${rest}This keeps the text under ${limitName}; the commit has the full change._\n`)
    break
  }
  return parts.join('\n')
}

function diffBlock(file: FileDiff): string {
  const lines = file.diff.endsWith('\n') ? file.diff.slice(0, -1).split('\n') : file.diff.split('\n')
  if (lines.length <= COLLAPSE_LINES) return fenced(file.diff, 'diff')
  return details(file, lines, fenced(file.diff, 'diff'))
}

function details(file: FileDiff, lines: string[], block: string): string {
  let added = 0
  let removed = 0
  for (const line of lines.slice(2)) {
    if (line.startsWith('+')) added++
    else if (line.startsWith('-')) removed++
  }
  return `<details><summary><code>${html(file.path)}</code> (+${added} −${removed})</summary>\n\n${block}\n</details>\n`
}

/** The longest prefix of the diff, at whole lines, whose block fits in `room`; undefined when hardly anything fits. */
function truncatedDiffBlock(
  file: FileDiff,
  room: number,
  measure: Measure,
): { block: string; shown: number; total: number } | undefined {
  const lines = (file.diff.endsWith('\n') ? file.diff.slice(0, -1) : file.diff).split('\n')
  // The fence is sized for the whole diff, so it is safe for any prefix of it.
  const fence = '`'.repeat(Math.max(3, longestRun(file.diff, '`') + 1))
  const newline = measure('\n')
  let size = measure(details(file, lines, `${fence}diff\n${fence}\n`)) + newline
  let shown = 0
  while (shown < lines.length && size + measure(lines[shown]) + newline <= room) {
    size += measure(lines[shown]) + newline
    shown++
  }
  // Headers and a hunk line alone tell nothing.
  if (shown < 4) return undefined
  const kept = lines.slice(0, shown)
  return { block: details(file, lines, `${fence}diff\n${kept.join('\n')}\n${fence}\n`), shown, total: lines.length }
}

/**
 * Per file, the containers whose image changed, within `budget`; what does not fit is counted in a
 * closing item.
 */
export function changeList(files: { path: string; changes: ChangeLine[] }[], budget: number, measure: Measure): string {
  const lines: string[] = []
  let used = 0
  let left = files.reduce((sum, file) => sum + file.changes.length, 0)
  const newline = measure('\n')
  const fits = (line: string): boolean => used + measure(line) + newline + NOTE_RESERVE / 4 <= budget
  outer: for (const file of files) {
    const heading = `- ${code(file.path)}`
    if (!fits(heading)) break
    lines.push(heading)
    used += measure(heading) + newline
    for (const change of file.changes) {
      const item = `  - ${describeChange(change)}`
      if (!fits(item)) break outer
      lines.push(item)
      used += measure(item) + newline
      left--
    }
  }
  if (left > 0) lines.push(`- … and ${plural(left, 'more container')}`)
  return lines.join('\n') + '\n'
}

function describeChange(change: ChangeLine): string {
  const where = [change.kind && text(change.kind), change.workload && code(change.workload)].filter(Boolean).join(' ')
  // Kustomize images entries and `fields` values are not containers: their kind and key say what they are.
  const notContainer = change.kind === 'Kustomization' || change.kind === 'field'
  const container = change.container ? `container ${code(change.container)}` : notContainer ? '' : 'container'
  const what = [where, container].filter(Boolean).join(', ')
  return `line ${change.line}: ${what}: ${code(change.from)} → ${code(change.to)}`
}
